// Period presets of the period bar and of saved views, and comparison periods (REPORTS.md).
// Pure: the anchor (today, or the last date with data) is passed in, so the renderer, the
// engine (scheduled exports, `skvoz export --view`) and the tests agree on every range.
// Weeks start on Monday.
import { z } from 'zod';
import type { Compare } from './reports-schema';
import { addDays, addMonths, addYears, daysBetween, instantToDate, isIsoDate, isValidTimeZone, monthEnd, weekday } from './time';

export const PRESETS = [
  'today',
  'yesterday',
  'last7',
  'last14',
  'last30',
  'last90',
  'last365',
  'thisWeek',
  'lastWeek',
  'thisMonth',
  'lastMonth',
  'quarter',
  'year',
  'all',
] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = 'last30';
export const PresetSchema = z.enum(PRESETS);

/** What presets end on: the last date with data (a stale cache still shows a full period), or today. */
export const ANCHORS = ['data', 'today'] as const;
export type Anchor = (typeof ANCHORS)[number];

export interface Period {
  from: string;
  to: string;
}

export interface PresetContext {
  /** The day the presets end on (see `anchorDate`). */
  anchor: string;
  /** First date with data (for «Всё время»), null when unknown. */
  dataFrom: string | null;
}

/** The last date with data when anchored to data and it is known, else today. */
export function anchorDate(dataTo: string | null | undefined, today: string, anchor: Anchor = 'data'): string {
  return anchor === 'data' && dataTo && isIsoDate(dataTo) ? dataTo : today;
}

/** Today as YYYY-MM-DD in `timeZone` (falls back to UTC on an unknown zone). */
export function todayIn(timeZone: string | null | undefined, now: number = Date.now()): string {
  const tz = timeZone || 'Europe/Moscow';
  return isValidTimeZone(tz) ? instantToDate(now, tz) : new Date(now).toISOString().slice(0, 10);
}

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

function quarterStart(date: string): string {
  const q = Math.floor((Number(date.slice(5, 7)) - 1) / 3) * 3 + 1;
  return `${date.slice(0, 4)}-${String(q).padStart(2, '0')}-01`;
}

function lastDays(a: string, n: number): Period {
  return { from: addDays(a, -(n - 1)), to: a };
}

export function presetRange(preset: Preset, ctx: PresetContext): Period {
  const a = ctx.anchor;
  switch (preset) {
    case 'today':
      return { from: a, to: a };
    case 'yesterday': {
      const y = addDays(a, -1);
      return { from: y, to: y };
    }
    case 'last7':
      return lastDays(a, 7);
    case 'last14':
      return lastDays(a, 14);
    case 'last30':
      return lastDays(a, 30);
    case 'last90':
      return lastDays(a, 90);
    case 'last365':
      return { from: addDays(addYears(a, -1), 1), to: a };
    case 'thisWeek':
      return { from: addDays(a, 1 - weekday(a)), to: a };
    case 'lastWeek': {
      const monday = addDays(a, 1 - weekday(a) - 7);
      return { from: monday, to: addDays(monday, 6) };
    }
    case 'thisMonth':
      return { from: monthStart(a), to: a };
    case 'lastMonth': {
      const end = addDays(monthStart(a), -1);
      return { from: monthStart(end), to: end };
    }
    case 'quarter':
      return { from: quarterStart(a), to: a };
    case 'year':
      return { from: `${a.slice(0, 4)}-01-01`, to: a };
    case 'all': {
      const from = ctx.dataFrom && isIsoDate(ctx.dataFrom) && ctx.dataFrom <= a ? ctx.dataFrom : a;
      return { from, to: a };
    }
  }
}

export type PeriodProblem = 'invalid_date' | 'from_after_to';

/** Checks a custom range typed by the user; null when it is fine. */
export function checkPeriod(p: Period): PeriodProblem | null {
  if (!isIsoDate(p.from) || !isIsoDate(p.to)) return 'invalid_date';
  if (p.from > p.to) return 'from_after_to';
  return null;
}

/** Calendar presets and the calendar unit their «previous period» steps back by (REPORTS.md). */
const CALENDAR_STEP: Partial<Record<Preset, { months: number } | { days: number }>> = {
  today: { days: 1 },
  yesterday: { days: 1 },
  thisWeek: { days: 7 },
  lastWeek: { days: 7 },
  thisMonth: { months: 1 },
  lastMonth: { months: 1 },
  quarter: { months: 3 },
  year: { months: 12 },
};

/** Is this preset a calendar unit (or a unit up to today) rather than a rolling number of days? */
export function isCalendarPreset(preset: Preset): boolean {
  return CALENDAR_STEP[preset] !== undefined;
}

/**
 * [from, to] moved `n` months back: the same days, clipped to the shorter month (31 Mar → 28/29
 * Feb); a period ending on a month's last day ends on the last day of that earlier month, so a
 * whole month compares with the whole month before it (1–31 Oct → 1–30 Sep, 1–31 Mar → 1–28 Feb).
 */
function monthsBack(from: string, to: string, n: number): Period {
  const end = to === monthEnd(to) ? monthEnd(addMonths(to, -n)) : addMonths(to, -n);
  return { from: addMonths(from, -n), to: end };
}

/**
 * The comparison period of [from, to] (docs/REPORTS.md «Comparison periods»):
 * - `previous` of a calendar preset: the previous calendar unit — «Прошлый месяц» 1–31 Oct →
 *   1–30 Sep; a unit up to today (1–5 Dec) → the same days of the previous one (1–5 Nov); weeks
 *   by 7 days, quarters by 3 months, the year by 12. Of a rolling preset or a custom range: the
 *   same number of days immediately before;
 * - `weekdays`: shifted by whole weeks (1 or 4, at least as long as the period);
 * - `month`, `year`: the same calendar dates a month / a year earlier (29 Feb → 28 Feb);
 * - `custom`: its own dates.
 */
export function comparePeriod(from: string, to: string, c: Compare): Period {
  const len = daysBetween(from, to) + 1;
  switch (c.kind) {
    case 'previous': {
      const step = c.preset ? CALENDAR_STEP[c.preset] : undefined;
      if (step && 'months' in step) return monthsBack(from, to, step.months);
      const days = step && 'days' in step ? Math.max(step.days, len) : len;
      return { from: addDays(from, -days), to: addDays(to, -days) };
    }
    case 'weekdays': {
      // same weekdays: shift by whole weeks, at least as long as the period
      const weeks = Math.max(c.weeks, Math.ceil(len / 7));
      return { from: addDays(from, -7 * weeks), to: addDays(to, -7 * weeks) };
    }
    case 'month':
      return monthsBack(from, to, 1);
    case 'year':
      return { from: addYears(from, -1), to: addYears(to, -1) };
    case 'custom':
      return { from: c.from, to: c.to };
  }
}

/** The comparison as the engine should get it: `previous` learns the preset the period came from. */
export function compareFor(compare: Compare | null | undefined, period: { kind: 'preset'; preset: Preset } | { kind: 'custom' }): Compare | undefined {
  if (!compare) return undefined;
  if (compare.kind !== 'previous') return compare;
  return period.kind === 'preset' && isCalendarPreset(period.preset) ? { kind: 'previous', preset: period.preset } : { kind: 'previous' };
}
