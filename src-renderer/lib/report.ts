// Pure helpers for report tables: labels, sorting, emptiness. Tested in Node.
import type { ReportResult, ReportRow } from '@shared/contract';
import type { Dimension, Metrics } from '@shared/metrics';
import { formatMoney, formatNumber, formatPercent } from './format';

/** Metric columns of the dashboard and report tables, in order. */
export const TABLE_METRICS = ['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'cpl', 'romi'] as const;
export type TableMetric = (typeof TABLE_METRICS)[number];
export type MetricKind = 'count' | 'money' | 'percent';

export const METRIC_KIND: Record<TableMetric, MetricKind> = {
  leads: 'count',
  deals: 'count',
  wonDeals: 'count',
  revenue: 'money',
  cost: 'money',
  cpl: 'money',
  romi: 'percent',
};

export type SortKey = TableMetric | Dimension;
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}
export const DEFAULT_SORT: Sort = { key: 'leads', dir: 'desc' };

/** A stable key of a row for keyed lists. */
export function rowKey(row: ReportRow, groupBy: readonly Dimension[]): string {
  if (row.unattributed) return '\u0000unattributed';
  return JSON.stringify(groupBy.map((d) => row[d] ?? null));
}

/** The text of one dimension cell: the value, «(не задано)» for null, the unattributed label. */
export function dimLabel(
  row: ReportRow,
  dim: Dimension,
  labels: { notSet: string; unattributed: string },
  first: boolean,
): string {
  if (row.unattributed) return first ? labels.unattributed : '';
  const v = row[dim];
  return v === null || v === undefined || v === '' ? labels.notSet : v;
}

function compareValues(a: number | string | null, b: number | string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'ru');
}

/** Sorted copy; nulls last whatever the direction; the unattributed row always last. */
export function sortRows(rows: readonly ReportRow[], sort: Sort): ReportRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const value = (r: ReportRow): number | string | null => {
    const v = r[sort.key as keyof ReportRow];
    return typeof v === 'number' || typeof v === 'string' ? v : null;
  };
  return [...rows].sort((x, y) => {
    if (x.unattributed !== y.unattributed) return x.unattributed ? 1 : -1;
    const a = value(x);
    const b = value(y);
    if (a === null || b === null) return compareValues(a, b);
    return sign * compareValues(a, b);
  });
}

/** Clicking a column: same column flips the direction, a new one starts descending (numbers) or ascending (text). */
export function nextSort(current: Sort, key: SortKey, isDimension: boolean): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: isDimension ? 'asc' : 'desc' };
}

const ACTIVITY: (keyof Metrics)[] = ['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'calls', 'requests', 'visits', 'visitRevenue'];

/** No row, or nothing happened in the period at all. */
export function isEmptyReport(r: ReportResult): boolean {
  if (r.rows.length === 0) return true;
  return ACTIVITY.every((k) => (r.totals[k] ?? 0) === 0);
}

/** A metric cell's text in the Russian format of its kind (`rounded`: money without kopecks). */
export function formatMetric(metric: TableMetric, value: number | null | undefined, currency: string, rounded = false): string {
  switch (METRIC_KIND[metric]) {
    case 'money':
      return formatMoney(value, currency, rounded);
    case 'percent':
      return formatPercent(value);
    case 'count':
      return formatNumber(value);
  }
}
