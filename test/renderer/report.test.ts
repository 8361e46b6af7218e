import { describe, expect, it } from 'vitest';
import type { ReportResult } from '@shared/contract';
import { emptyBaseMetrics, withRatios } from '@shared/metrics';
import { columnDigits, dimLabel, displayValue, formatMetric, isEmptyReport, nextSort, rowKey, sortRows } from '../../src-renderer/lib/report';
import { row } from './rows';

const labels = { notSet: '(не задано)', unattributed: 'Без атрибуции' };
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('report helpers', () => {
  it('labels dimensions, null values and the unattributed row', () => {
    expect(dimLabel(row({ source: 'yandex' }, {}), 'source', labels, true)).toBe('yandex');
    expect(dimLabel(row({ source: null }, {}), 'source', labels, true)).toBe('(не задано)');
    expect(dimLabel(row({}, {}, true), 'source', labels, true)).toBe('Без атрибуции');
    expect(dimLabel(row({}, {}, true), 'medium', labels, false)).toBe('');
  });

  it('shows device categories in the interface language, other values as stored', () => {
    expect(dimLabel(row({ device: 'mobile' }, {}), 'device', labels, true)).toBe('смартфон');
    expect(dimLabel(row({ device: 'desktop' }, {}), 'device', labels, true)).toBe('компьютер');
    expect(dimLabel(row({ device: 'smart tv' }, {}), 'device', labels, true)).toBe('smart tv');
    expect(dimLabel(row({ city: 'Москва', landing: '/catalog/' }, {}), 'landing', labels, true)).toBe('/catalog/');
    expect(dimLabel(row({ source: 'mobile' }, {}), 'source', labels, true)).toBe('mobile');
  });

  it('keys rows by their dimension tuple', () => {
    expect(rowKey(row({ source: 'a', medium: null }, {}), ['source', 'medium'])).toBe('["a",null]');
    expect(rowKey(row({}, {}, true), ['source'])).not.toBe(rowKey(row({ source: null }, {}), ['source']));
  });

  it('sorts with the unattributed row last and nulls last', () => {
    const rows = [
      row({}, { leads: 100 }, true),
      row({ source: 'b' }, { leads: 2, cost: 10, revenue: 30 }),
      row({ source: 'a' }, { leads: 5 }),
      row({ source: 'c' }, { leads: 3, cost: 3, revenue: 3 }),
    ];
    expect(sortRows(rows, { key: 'leads', dir: 'desc' }).map((r) => r.source ?? 'U')).toEqual(['a', 'c', 'b', 'U']);
    expect(sortRows(rows, { key: 'leads', dir: 'asc' }).map((r) => r.source ?? 'U')).toEqual(['b', 'c', 'a', 'U']);
    // romi is null for «a» (no cost): last among attributed rows in both directions
    expect(sortRows(rows, { key: 'romi', dir: 'asc' }).map((r) => r.source ?? 'U')).toEqual(['c', 'b', 'a', 'U']);
    expect(sortRows(rows, { key: 'romi', dir: 'desc' }).map((r) => r.source ?? 'U')).toEqual(['b', 'c', 'a', 'U']);
    expect(sortRows(rows, { key: 'source', dir: 'asc' }).map((r) => r.source ?? 'U')).toEqual(['a', 'b', 'c', 'U']);
  });

  it('flips the direction on the same column', () => {
    expect(nextSort({ key: 'leads', dir: 'desc' }, 'leads', false)).toEqual({ key: 'leads', dir: 'asc' });
    expect(nextSort({ key: 'leads', dir: 'desc' }, 'revenue', false)).toEqual({ key: 'revenue', dir: 'desc' });
    expect(nextSort({ key: 'leads', dir: 'desc' }, 'source', true)).toEqual({ key: 'source', dir: 'asc' });
  });

  it('formats metric cells by kind', () => {
    expect(plain(formatMetric('leads', 51.5, 'RUB'))).toBe('51,5');
    expect(plain(formatMetric('revenue', 350000, 'RUB'))).toBe('350 000 ₽');
    expect(plain(formatMetric('romi', 1.5, 'RUB'))).toBe('150,0 %');
    expect(plain(formatMetric('revenue', 23375236.06, 'RUB'))).toBe('23 375 236 ₽');
    expect(formatMetric('cpl', null, 'RUB')).toBe('—');
    expect(plain(formatMetric('leads', 633, 'RUB', 2))).toBe('633,00');
  });

  it('one format per column: counts take the decimals any value needs', () => {
    expect(columnDigits('leads', [633, 51.5, 20.25])).toBe(2);
    expect(columnDigits('leads', [633, 20])).toBe(0);
    expect(columnDigits('revenue', [1.5])).toBeUndefined();
  });

  it('shows CPL, CPO and ДРР of a row without cost as unknown, not 0 ₽', () => {
    const row = { cost: 0, cpl: 0, cpo: 0, drr: 0, romi: null, leads: 5 };
    expect(displayValue('cpl', row)).toBeNull();
    expect(displayValue('cpo', row)).toBeNull();
    expect(displayValue('drr', row)).toBeNull();
    expect(displayValue('leads', row)).toBe(5);
    expect(displayValue('cpl', { cost: 100, cpl: 20 })).toBe(20);
    expect(displayValue('cpl', null)).toBeNull();
  });

  it('calls a report empty when nothing happened', () => {
    const base: ReportResult = {
      workspace: 'w',
      from: '2026-01-01',
      to: '2026-01-31',
      timeZone: 'Europe/Moscow',
      model: 'last_non_direct',
      basis: 'event',
      groupBy: ['source'],
      currency: 'RUB',
      rows: [],
      totals: withRatios(emptyBaseMetrics()),
    };
    expect(isEmptyReport(base)).toBe(true);
    expect(isEmptyReport({ ...base, rows: [row({ source: 'x' }, {})] })).toBe(true);
    expect(isEmptyReport({ ...base, rows: [row({ source: 'x' }, { leads: 1 })], totals: withRatios({ ...emptyBaseMetrics(), leads: 1 }) })).toBe(
      false,
    );
  });
});

describe('columns and deltas', () => {
  it('knows the kind of every REPORTS.md metric', async () => {
    const { METRICS } = await import('@shared/metrics');
    const { METRIC_KIND, METRIC_GROUPS } = await import('../../src-renderer/lib/report');
    for (const m of METRICS) expect(METRIC_KIND[m]).toBeDefined();
    expect(METRIC_GROUPS.flatMap((g) => g.metrics).sort()).toEqual([...METRICS].sort());
  });

  it('shows the default set for [] and stores the default set as []', async () => {
    const { visibleColumns, toggleColumn, TABLE_METRICS } = await import('../../src-renderer/lib/report');
    expect(visibleColumns([])).toEqual([...TABLE_METRICS]);
    const withCalls = toggleColumn([], 'calls', true);
    expect(withCalls).toEqual(['calls', 'leads', 'deals', 'wonDeals', 'revenue', 'cost', 'cpl', 'romi']);
    expect(toggleColumn(withCalls, 'calls', false)).toEqual([]);
    expect(toggleColumn(['leads'], 'leads', false)).toEqual(['leads']);
    expect(visibleColumns(['romi', 'calls'])).toEqual(['calls', 'romi']);
  });

  it('gives relative changes for counts and money, points for ratios, with the tone of the metric', async () => {
    const { metricDelta } = await import('../../src-renderer/lib/report');
    expect(metricDelta('leads', 120, 100, 'п. п.')).toEqual({ text: '+20,0 %'.replace(' ', '\u00a0'), tone: 'good' });
    expect(metricDelta('cost', 120, 100, 'п. п.')?.tone).toBe('bad');
    expect(metricDelta('cpl', 80, 100, 'п. п.')?.tone).toBe('good');
    expect(plain(metricDelta('romi', 1.5, 1.2, 'п. п.')!.text)).toBe('+30 п. п.');
    expect(metricDelta('leads', 5, 0, 'п. п.')).toBeNull();
    expect(metricDelta('leads', 0, 0, 'п. п.')).toBeNull();
    expect(metricDelta('leads', 7, 7, 'п. п.')?.tone).toBe('flat');
    expect(metricDelta('leads', null, 3, 'п. п.')).toBeNull();
  });
});

describe('the unattributed row', () => {
  it('is added with zeros when the period has none, not under dimension filters, not twice', async () => {
    const { withUnattributedRow } = await import('../../src-renderer/lib/report');
    const rows = [row({ source: 'a' }, { leads: 3 })];
    const out = withUnattributedRow(rows, ['source'], {});
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({ unattributed: true, source: null, leads: 0, deals: 0, revenue: 0, cpl: null, romi: null });
    expect(withUnattributedRow(rows, ['source'], { dimensions: { source: ['a'] } })).toBe(rows);
    expect(withUnattributedRow(out, ['source'], {})).toBe(out);
  });
});

describe('column widths', () => {
  it('picks the longest texts of a column to measure, and widens columns to a minimum', async () => {
    const { widestTexts, atLeast, guessWidth } = await import('../../src-renderer/lib/columns');
    expect(widestTexts(['1 ₽', '23 375 236 ₽', '10 849 359 ₽', '5 ₽', '23 375 236 ₽', '—'], 2)).toEqual(['23 375 236 ₽', '10 849 359 ₽']);
    expect(widestTexts([], 3)).toEqual([]);
    expect(atLeast([100, 50], 300)).toEqual([200, 100]);
    expect(atLeast([100, 50], 100)).toEqual([100, 50]);
    expect(guessWidth(['23 375 236 ₽'])).toBeGreaterThan(100);
  });
});
