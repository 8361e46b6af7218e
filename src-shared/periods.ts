// Comparison periods (REPORTS.md / issue: previous, same weekdays, last year, custom).
import type { Compare } from './contract';
import { addDays, addYears, daysBetween } from './time';

export function comparePeriod(from: string, to: string, c: Compare): { from: string; to: string } {
  const len = daysBetween(from, to) + 1;
  switch (c.kind) {
    case 'previous':
      return { from: addDays(from, -len), to: addDays(from, -1) };
    case 'weekdays': {
      // same weekdays: shift by whole weeks, at least as long as the period
      const weeks = Math.max(c.weeks, Math.ceil(len / 7));
      return { from: addDays(from, -7 * weeks), to: addDays(to, -7 * weeks) };
    }
    case 'year':
      return { from: addYears(from, -1), to: addYears(to, -1) };
    case 'custom':
      return { from: c.from, to: c.to };
  }
}
