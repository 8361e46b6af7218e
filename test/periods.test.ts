import { describe, expect, it } from 'vitest';
import { PRESETS, anchorDate, checkPeriod, presetRange, todayIn } from '@shared/periods';

const ctx = { anchor: '2026-11-21', dataFrom: '2025-03-02' };

describe('period presets', () => {
  it('ends every preset on the anchor except the past ones', () => {
    for (const p of PRESETS) {
      const r = presetRange(p, ctx);
      expect(r.from <= r.to).toBe(true);
      if (!['lastMonth', 'lastWeek', 'yesterday'].includes(p)) expect(r.to).toBe('2026-11-21');
    }
  });

  it('starts weeks on Monday', () => {
    // 2026-11-21 is a Saturday
    expect(presetRange('thisWeek', ctx)).toEqual({ from: '2026-11-16', to: '2026-11-21' });
    expect(presetRange('lastWeek', ctx)).toEqual({ from: '2026-11-09', to: '2026-11-15' });
    // on a Monday «Эта неделя» is one day, «Прошлая неделя» the whole previous one
    expect(presetRange('thisWeek', { anchor: '2026-11-16', dataFrom: null })).toEqual({ from: '2026-11-16', to: '2026-11-16' });
    expect(presetRange('lastWeek', { anchor: '2026-11-22', dataFrom: null })).toEqual({ from: '2026-11-09', to: '2026-11-15' });
  });

  it('handles today, yesterday, quarters and the calendar year', () => {
    expect(presetRange('today', ctx)).toEqual({ from: '2026-11-21', to: '2026-11-21' });
    expect(presetRange('yesterday', { anchor: '2026-01-01', dataFrom: null })).toEqual({ from: '2025-12-31', to: '2025-12-31' });
    expect(presetRange('quarter', ctx)).toEqual({ from: '2026-10-01', to: '2026-11-21' });
    expect(presetRange('quarter', { anchor: '2026-03-31', dataFrom: null })).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(presetRange('year', ctx)).toEqual({ from: '2026-01-01', to: '2026-11-21' });
    expect(presetRange('last7', ctx)).toEqual({ from: '2026-11-15', to: '2026-11-21' });
    expect(presetRange('last14', ctx)).toEqual({ from: '2026-11-08', to: '2026-11-21' });
  });

  it('counts the anchor day in the last N days', () => {
    expect(presetRange('last30', ctx)).toEqual({ from: '2026-10-23', to: '2026-11-21' });
    expect(presetRange('last90', ctx)).toEqual({ from: '2026-08-24', to: '2026-11-21' });
  });

  it('handles months, including January and leap years', () => {
    expect(presetRange('thisMonth', ctx)).toEqual({ from: '2026-11-01', to: '2026-11-21' });
    expect(presetRange('lastMonth', ctx)).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(presetRange('lastMonth', { anchor: '2026-01-10', dataFrom: null })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('lastMonth', { anchor: '2024-03-31', dataFrom: null })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
  });

  it('takes 365 days as a year back ending on the anchor', () => {
    expect(presetRange('last365', ctx)).toEqual({ from: '2025-11-22', to: '2026-11-21' });
    expect(presetRange('last365', { anchor: '2024-02-29', dataFrom: null })).toEqual({ from: '2023-03-01', to: '2024-02-29' });
  });

  it('starts «Всё время» at the first date with data', () => {
    expect(presetRange('all', ctx)).toEqual({ from: '2025-03-02', to: '2026-11-21' });
    expect(presetRange('all', { anchor: '2026-11-21', dataFrom: null })).toEqual({ from: '2026-11-21', to: '2026-11-21' });
    expect(presetRange('all', { anchor: '2026-11-21', dataFrom: '2027-01-01' })).toEqual({ from: '2026-11-21', to: '2026-11-21' });
  });

  it('anchors to the last date with data, else today', () => {
    expect(anchorDate('2026-11-21', '2026-12-31')).toBe('2026-11-21');
    expect(anchorDate(null, '2026-12-31')).toBe('2026-12-31');
    expect(anchorDate('bad', '2026-12-31')).toBe('2026-12-31');
    expect(anchorDate('2026-11-21', '2026-12-31', 'today')).toBe('2026-12-31');
  });

  it('computes today in the workspace time zone', () => {
    const t = Date.parse('2026-11-21T22:30:00Z');
    expect(todayIn('Europe/Moscow', t)).toBe('2026-11-22');
    expect(todayIn('America/New_York', t)).toBe('2026-11-21');
    expect(todayIn('Not/AZone', t)).toBe('2026-11-21');
  });

  it('checks custom ranges', () => {
    expect(checkPeriod({ from: '2026-01-01', to: '2026-01-31' })).toBeNull();
    expect(checkPeriod({ from: '2026-02-01', to: '2026-01-31' })).toBe('from_after_to');
    expect(checkPeriod({ from: '', to: '2026-01-31' })).toBe('invalid_date');
    expect(checkPeriod({ from: '2026-02-30', to: '2026-03-01' })).toBe('invalid_date');
  });
});
