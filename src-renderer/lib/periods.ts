// Date presets of the period selector. Pure: the anchor (last date with data, else today) is
// passed in, so tests and the UI agree on every range.
import { addDays, addYears, instantToDate, isIsoDate, isValidTimeZone } from '@shared/time';

export const PRESETS = ['last30', 'last90', 'thisMonth', 'lastMonth', 'year', 'all'] as const;
export type Preset = (typeof PRESETS)[number];
export const DEFAULT_PRESET: Preset = 'last30';

export interface Period {
  from: string;
  to: string;
}

export interface PresetContext {
  /** The day the presets end on: the workspace's last date with data, else today. */
  anchor: string;
  /** First date with data (for «Всё время»), null when unknown. */
  dataFrom: string | null;
}

/** Last date with data when known, else today in the workspace's time zone. */
export function anchorDate(dataTo: string | null | undefined, today: string): string {
  return dataTo && isIsoDate(dataTo) ? dataTo : today;
}

/** Today as YYYY-MM-DD in `timeZone` (falls back to UTC on an unknown zone). */
export function todayIn(timeZone: string | null | undefined, now: number = Date.now()): string {
  const tz = timeZone || 'Europe/Moscow';
  return isValidTimeZone(tz) ? instantToDate(now, tz) : new Date(now).toISOString().slice(0, 10);
}

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

export function presetRange(preset: Preset, ctx: PresetContext): Period {
  const a = ctx.anchor;
  switch (preset) {
    case 'last30':
      return { from: addDays(a, -29), to: a };
    case 'last90':
      return { from: addDays(a, -89), to: a };
    case 'thisMonth':
      return { from: monthStart(a), to: a };
    case 'lastMonth': {
      const end = addDays(monthStart(a), -1);
      return { from: monthStart(end), to: end };
    }
    case 'year':
      return { from: addDays(addYears(a, -1), 1), to: a };
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
