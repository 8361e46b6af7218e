// The export menu's pure parts: what each screen exports and the file name the dialog offers.
import { describe, expect, it } from 'vitest';
import { ExportWhatSchema } from '@shared/contract';
import { exportWhat, fileNameOf, percent, suggestedName } from '../../src-renderer/lib/export';

const base = { from: '2026-01-01', to: '2026-01-31', basis: 'event' as const, filters: {}, compare: { kind: 'previous' as const } };

describe('export menu helpers', () => {
  it('turns each screen setup into a valid export:run `what`', () => {
    const s = { base, spec: { groupBy: ['source' as const, 'medium' as const], mode: 'report' as const }, viewName: 'Яндекс', pivot: true };
    expect(exportWhat('report', s)).toEqual({ kind: 'report', query: { ...base, groupBy: ['source', 'medium'] }, sheets: { levels: true, series: true, models: false, pivot: true }, title: 'Яндекс' });
    expect(exportWhat('report', { ...s, spec: { ...s.spec, mode: 'models' } })).toMatchObject({ kind: 'models' });
    expect(exportWhat('dashboard', s)).toEqual({ kind: 'dashboard', query: { ...base, groupBy: ['channel', 'source'] } });
    expect(exportWhat('health', s)).toEqual({ kind: 'health' });
    for (const t of ['report', 'dashboard', 'health'] as const) expect(ExportWhatSchema.safeParse(exportWhat(t, s)).success).toBe(true);
  });

  it('names files Skvoz_<view>_<from>_<to>.<ext>, safe for Windows', () => {
    expect(suggestedName('report', { base, viewName: 'Яндекс: кампании / март?' }, 'xlsx', 'Отчёт')).toBe('Skvoz_Яндекс_кампании_март_2026-01-01_2026-01-31.xlsx');
    expect(suggestedName('dashboard', { base, viewName: null }, 'pdf', 'Дашборд')).toBe('Skvoz_Дашборд_2026-01-01_2026-01-31.pdf');
    expect(suggestedName('health', { base, viewName: null }, 'csv', 'Качество данных')).toBe('Skvoz_Качество_данных.csv');
  });

  it('shows progress only when the total is known', () => {
    expect(percent(50, 200)).toBe(25);
    expect(percent(5, null)).toBeNull();
    expect(percent(300, 200)).toBe(100);
    expect(fileNameOf('C:\\Users\\me\\Skvoz_a.xlsx')).toBe('Skvoz_a.xlsx');
    expect(fileNameOf('/home/me/Skvoz_a.xlsx')).toBe('Skvoz_a.xlsx');
  });
});
