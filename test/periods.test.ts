import { describe, expect, it } from 'vitest';
import { PRESETS, anchorDate, checkPeriod, compareFor, comparePeriod, isCalendarPreset, presetRange, todayIn, type Preset } from '@shared/periods';
import { addMonths, monthEnd } from '@shared/time';

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

describe('comparison periods (docs/REPORTS.md «Comparison periods»)', () => {
  const prev = (preset: Preset) => {
    const p = presetRange(preset, ctx5Dec);
    return comparePeriod(p.from, p.to, compareFor({ kind: 'previous' }, { kind: 'preset', preset })!);
  };
  const ctx5Dec = { anchor: '2026-12-05', dataFrom: '2025-01-01' };

  it('«Прошлый месяц» compares with the whole previous calendar month (31 → 30 days, nothing dropped)', () => {
    expect(prev('lastMonth')).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    const oct = { from: '2026-10-01', to: '2026-10-31' };
    expect(comparePeriod(oct.from, oct.to, { kind: 'previous', preset: 'lastMonth' })).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    // 30 days → 31
    expect(comparePeriod('2026-11-01', '2026-11-30', { kind: 'previous', preset: 'lastMonth' })).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    // March → February, leap and not
    expect(comparePeriod('2026-03-01', '2026-03-31', { kind: 'previous', preset: 'lastMonth' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(comparePeriod('2024-03-01', '2024-03-31', { kind: 'previous', preset: 'lastMonth' })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    // January → December of the year before
    expect(comparePeriod('2026-01-01', '2026-01-31', { kind: 'previous', preset: 'lastMonth' })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
  });

  it('«Этот месяц» up to today compares with the same days of the previous month, clipped to its length', () => {
    expect(prev('thisMonth')).toEqual({ from: '2026-11-01', to: '2026-11-05' });
    expect(comparePeriod('2026-03-01', '2026-03-30', { kind: 'previous', preset: 'thisMonth' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(comparePeriod('2024-03-01', '2024-03-29', { kind: 'previous', preset: 'thisMonth' })).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(comparePeriod('2026-03-01', '2026-03-31', { kind: 'previous', preset: 'thisMonth' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(comparePeriod('2026-07-01', '2026-07-31', { kind: 'previous', preset: 'thisMonth' })).toEqual({ from: '2026-06-01', to: '2026-06-30' });
  });

  it('weeks, quarters and the year step back by their own unit', () => {
    // 2026-12-05 is a Saturday: this week Mon 30 Nov – Sat 5 Dec
    expect(prev('thisWeek')).toEqual({ from: '2026-11-23', to: '2026-11-28' });
    expect(prev('lastWeek')).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(prev('quarter')).toEqual({ from: '2026-07-01', to: '2026-09-05' });
    expect(comparePeriod('2026-10-01', '2026-12-31', { kind: 'previous', preset: 'quarter' })).toEqual({ from: '2026-07-01', to: '2026-09-30' });
    expect(prev('year')).toEqual({ from: '2025-01-01', to: '2025-12-05' });
    expect(prev('today')).toEqual({ from: '2026-12-04', to: '2026-12-04' });
    expect(prev('yesterday')).toEqual({ from: '2026-12-03', to: '2026-12-03' });
  });

  it('a rolling preset or a custom range compares with the same number of days just before', () => {
    expect(prev('last30')).toEqual({ from: '2026-10-07', to: '2026-11-05' });
    expect(prev('last7')).toEqual({ from: '2026-11-22', to: '2026-11-28' });
    expect(compareFor({ kind: 'previous' }, { kind: 'custom' })).toEqual({ kind: 'previous' });
    expect(comparePeriod('2026-10-01', '2026-10-31', { kind: 'previous' })).toEqual({ from: '2026-08-31', to: '2026-09-30' });
  });

  it('a year ago is the same calendar dates (29 Feb → 28 Feb); a month ago likewise, clipped', () => {
    expect(comparePeriod('2024-02-01', '2024-02-29', { kind: 'year' })).toEqual({ from: '2023-02-01', to: '2023-02-28' });
    expect(comparePeriod('2026-11-01', '2026-12-05', { kind: 'year' })).toEqual({ from: '2025-11-01', to: '2025-12-05' });
    expect(comparePeriod('2026-12-01', '2026-12-05', { kind: 'month' })).toEqual({ from: '2026-11-01', to: '2026-11-05' });
    expect(comparePeriod('2026-03-31', '2026-03-31', { kind: 'month' })).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(comparePeriod('2026-03-15', '2026-04-14', { kind: 'month' })).toEqual({ from: '2026-02-15', to: '2026-03-14' });
  });

  it('same weekdays shift by whole weeks', () => {
    expect(comparePeriod('2026-12-01', '2026-12-05', { kind: 'weekdays', weeks: 1 })).toEqual({ from: '2026-11-24', to: '2026-11-28' });
    expect(comparePeriod('2026-12-01', '2026-12-05', { kind: 'weekdays', weeks: 4 })).toEqual({ from: '2026-11-03', to: '2026-11-07' });
    expect(comparePeriod('2026-11-01', '2026-11-30', { kind: 'weekdays', weeks: 1 })).toEqual({ from: '2026-09-27', to: '2026-10-26' });
  });

  it('every calendar preset gets its preset, a rolling one does not', () => {
    for (const p of PRESETS) {
      const c = compareFor({ kind: 'previous' }, { kind: 'preset', preset: p });
      expect(c).toEqual(isCalendarPreset(p) ? { kind: 'previous', preset: p } : { kind: 'previous' });
    }
    expect(compareFor({ kind: 'year' }, { kind: 'preset', preset: 'lastMonth' })).toEqual({ kind: 'year' });
    expect(compareFor(null, { kind: 'custom' })).toBeUndefined();
  });
});

describe('addMonths / monthEnd', () => {
  it('clips to the month length', () => {
    expect(addMonths('2026-03-31', -1)).toBe('2026-02-28');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(addMonths('2026-01-31', -13)).toBe('2024-12-31');
    expect(addMonths('2026-10-31', 1)).toBe('2026-11-30');
    expect(monthEnd('2024-02-03')).toBe('2024-02-29');
    expect(monthEnd('2026-12-31')).toBe('2026-12-31');
  });
});
