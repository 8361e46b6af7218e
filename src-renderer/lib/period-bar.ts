// Pure helpers of the period bar: the comparison choice as a select value and back, counting and
// clearing filters. Tested in Node.
import type { Compare, ReportFilters } from '@shared/contract';
import { DIMENSIONS, type Dimension } from '@shared/metrics';
import { comparePeriod, type Period } from '@shared/periods';

export const COMPARE_CHOICES = ['none', 'previous', 'month', 'year', 'weekdays1', 'weekdays4', 'custom'] as const;
export type CompareChoice = (typeof COMPARE_CHOICES)[number];

export function compareChoice(c: Compare | null | undefined): CompareChoice {
  if (!c) return 'none';
  if (c.kind === 'weekdays') return c.weeks === 4 ? 'weekdays4' : 'weekdays1';
  return c.kind;
}

/** The comparison of a choice; `custom` starts from the previous period's dates (or the given ones). */
export function compareOf(choice: CompareChoice, period: Period, custom?: Period): Compare | null {
  switch (choice) {
    case 'none':
      return null;
    case 'previous':
      return { kind: 'previous' };
    case 'weekdays1':
      return { kind: 'weekdays', weeks: 1 };
    case 'weekdays4':
      return { kind: 'weekdays', weeks: 4 };
    case 'month':
      return { kind: 'month' };
    case 'year':
      return { kind: 'year' };
    case 'custom': {
      const p = custom ?? comparePeriod(period.from, period.to, { kind: 'previous' });
      return { kind: 'custom', from: p.from, to: p.to };
    }
  }
}

/** How many filters narrow the report (each non-empty list counts once). */
export function activeFilterCount(f: ReportFilters): number {
  let n = 0;
  if (f.pipelines?.length) n++;
  if (f.responsible?.length) n++;
  if (f.calltouchSites?.length) n++;
  for (const d of DIMENSIONS) if (f.dimensions?.[d]?.length) n++;
  return n;
}

/** Filters with one list replaced; an empty list removes the key (so the spec stays minimal). */
export function withFilter(
  f: ReportFilters,
  key: 'pipelines' | 'responsible' | 'calltouchSites' | Dimension,
  values: (string | number | null)[],
): ReportFilters {
  const next: ReportFilters = { ...f };
  if (key === 'pipelines' || key === 'responsible' || key === 'calltouchSites') {
    if (values.length) next[key] = values as number[];
    else delete next[key];
    return next;
  }
  const dims = { ...(f.dimensions ?? {}) };
  if (values.length) dims[key] = values as (string | null)[];
  else delete dims[key];
  if (Object.keys(dims).length) next.dimensions = dims;
  else delete next.dimensions;
  return next;
}
