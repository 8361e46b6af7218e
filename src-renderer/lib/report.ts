// Pure helpers for report tables: labels, sorting, emptiness. Tested in Node.
import type { ReportResult, ReportRow } from '@shared/contract';
import { METRICS, type Dimension, type Metric, type Metrics, type Model } from '@shared/metrics';
import { countDigits, formatFixed, formatMoney, formatNumber, formatPercent, formatSignedPercent, formatSignedPoints } from './format';
import { valueText } from './dim-values';

/** Metric columns of the dashboard and report tables, in order (also the default column set). */
export const TABLE_METRICS = ['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'cpl', 'romi'] as const;
export type TableMetric = (typeof TABLE_METRICS)[number];
export type MetricKind = 'count' | 'money' | 'percent';

export const METRIC_KIND: Record<Metric, MetricKind> = {
  calls: 'count',
  uniqueTargetCalls: 'count',
  requests: 'count',
  uniqueTargetRequests: 'count',
  leads: 'count',
  deals: 'count',
  wonDeals: 'count',
  revenue: 'money',
  visits: 'count',
  visitRevenue: 'money',
  cost: 'money',
  crLeadToDeal: 'percent',
  crDealToWon: 'percent',
  avgCheck: 'money',
  cpl: 'money',
  cpo: 'money',
  romi: 'percent',
  drr: 'percent',
  impressions: 'count',
  clicks: 'count',
  ctr: 'percent',
  cpc: 'money',
};

/** Metrics where less is better (a rise is shown as bad news). */
const LOWER_IS_BETTER: ReadonlySet<Metric> = new Set(['cost', 'cpl', 'cpo', 'drr', 'cpc']);

/** The column chooser's groups over every REPORTS.md metric, in display order. */
export const METRIC_GROUPS: { id: 'tracking' | 'conversions' | 'money' | 'ratios' | 'ads'; metrics: Metric[] }[] = [
  { id: 'tracking', metrics: ['calls', 'uniqueTargetCalls', 'requests', 'uniqueTargetRequests'] },
  { id: 'conversions', metrics: ['leads', 'deals', 'wonDeals', 'visits'] },
  { id: 'money', metrics: ['revenue', 'visitRevenue', 'cost', 'avgCheck'] },
  { id: 'ratios', metrics: ['crLeadToDeal', 'crDealToWon', 'cpl', 'cpo', 'romi', 'drr'] },
  { id: 'ads', metrics: ['impressions', 'clicks', 'ctr', 'cpc'] },
];

/** The visible columns of a view: its own list, or the default set when empty; in METRICS order. */
export function visibleColumns(columns: readonly Metric[]): Metric[] {
  if (columns.length === 0) return [...TABLE_METRICS];
  return METRICS.filter((m) => columns.includes(m));
}

/** Turns one column on or off; at least one stays; the default set is stored as `[]`. */
export function toggleColumn(columns: readonly Metric[], metric: Metric, on: boolean): Metric[] {
  const cur = visibleColumns(columns);
  const next = on ? METRICS.filter((m) => m === metric || cur.includes(m)) : cur.filter((m) => m !== metric);
  if (next.length === 0) return [...columns];
  return sameSet(next, TABLE_METRICS) ? [] : next;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export type Tone = 'good' | 'bad' | 'flat';

/**
 * The change of a metric against the comparison period: relative for counts and money
 * (`+12,5 %`), in percentage points for ratios shown as percent (`−3,1 п. п.`).
 */
export function metricDelta(metric: Metric, cur: number | null | undefined, prev: number | null | undefined, pointsUnit: string): { text: string; tone: Tone } | null {
  if (cur === null || cur === undefined || prev === null || prev === undefined) return null;
  let change: number;
  let text: string;
  if (METRIC_KIND[metric] === 'percent') {
    change = cur - prev;
    text = formatSignedPoints(change, pointsUnit);
  } else {
    // nothing to compare with (0 → 0, or a start from zero): no percentage to show
    if (prev === 0) return null;
    change = (cur - prev) / Math.abs(prev);
    text = formatSignedPercent(change);
  }
  if (Math.abs(change) < 0.0005) return { text, tone: 'flat' };
  const up = change > 0;
  return { text, tone: up !== LOWER_IS_BETTER.has(metric) ? 'good' : 'bad' };
}

export type SortKey = Metric | Dimension;
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

/** The text of one dimension cell: the value (valueText), «(не задано)» for null, the unattributed label. */
export function dimLabel(
  row: ReportRow,
  dim: Dimension,
  labels: { notSet: string; unattributed: string },
  first: boolean,
): string {
  if (row.unattributed) return first ? labels.unattributed : '';
  const v = row[dim];
  return v === null || v === undefined || v === '' ? labels.notSet : valueText(dim, v);
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

/**
 * A metric cell's text in the Russian format of its kind (docs/REPORTS.md «Display formats»):
 * money in whole roubles, percents with one decimal, counts with `digits` decimals — the column's
 * own number (see `columnDigits`), so a column never mixes `633` and `51,5`; without it, up to two.
 */
export function formatMetric(metric: Metric, value: number | null | undefined, currency: string, digits?: number): string {
  switch (METRIC_KIND[metric]) {
    case 'money':
      return formatMoney(value, currency);
    case 'percent':
      return formatPercent(value);
    case 'count':
      return digits === undefined ? formatNumber(value) : formatFixed(value, digits);
  }
}

/** The decimals of a whole column: counts as many as any value needs (0–2); others their fixed format. */
export function columnDigits(metric: Metric, values: Iterable<number | null | undefined>): number | undefined {
  return METRIC_KIND[metric] === 'count' ? countDigits(values) : undefined;
}

/** Ratios over cost: shown as «—» on a row without cost (unknown cost, not a free lead). */
export const COST_RATIOS: ReadonlySet<Metric> = new Set(['cpl', 'cpo', 'drr']);

/**
 * The value a cell shows: the engine's, except CPL, CPO and ДРР of a row without cost, which
 * are unknown rather than 0 (docs/REPORTS.md «CPL, CPO and ДРР without cost»).
 */
export function displayValue(metric: Metric, row: Partial<Metrics> | null | undefined): number | null {
  if (!row) return null;
  const v = row[metric];
  if (v === null || v === undefined) return null;
  if (COST_RATIOS.has(metric) && !row.cost) return null;
  return v;
}

/** A metric column of the tree table; `model` set in the model comparison (one group per model). */
export interface TableColumn {
  key: string;
  metric: Metric;
  model?: Model;
}

export function reportColumns(metrics: readonly Metric[]): TableColumn[] {
  return metrics.map((metric) => ({ key: metric, metric }));
}

export function modelColumns(models: readonly Model[], metrics: readonly Metric[]): TableColumn[] {
  return models.flatMap((model) => metrics.map((metric) => ({ key: `${model}.${metric}`, metric, model })));
}

/**
 * Default metrics per model in the model comparison (the cost, the same under every model, is
 * shown once before them): which channel brings leads and revenue at what cost under each model.
 */
export const MODEL_METRICS: Metric[] = ['leads', 'revenue', 'cpl', 'romi'];

/**
 * The unattributed row is never hidden: a period where every conversion found its channel still
 * shows it, with zeros. Not added under dimension filters (the engine drops the row there, as no
 * unattributed conversion can match a dimension value).
 */
export function withUnattributedRow(rows: ReportRow[], groupBy: readonly Dimension[], filters: { dimensions?: Partial<Record<Dimension, unknown[]>> }): ReportRow[] {
  if (rows.some((r) => r.unattributed)) return rows;
  if (Object.values(filters.dimensions ?? {}).some((v) => Array.isArray(v) && v.length > 0)) return rows;
  const zero = Object.fromEntries(METRICS.map((m) => [m, METRIC_KIND[m] === 'percent' || ['avgCheck', 'cpl', 'cpo'].includes(m) ? null : 0]));
  const dims = Object.fromEntries(groupBy.map((d) => [d, null]));
  return [...rows, { ...dims, unattributed: true, ...zero } as ReportRow];
}
