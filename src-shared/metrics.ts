// Dimensions, models and metrics exactly as docs/REPORTS.md names them.

/**
 * Report dimensions, in drill-down order: the channel (docs/REPORTS.md «Каналы») first, then the
 * touch's own values: UTM, then the enrichment (city, device category, landing page path — issue
 * 19). Each one is a column of `dim_tuple`; adding one means a migration adding the column, the
 * value in the normaliser (src-shared/normalise.ts) and its labels.
 */
export const DIMENSIONS = ['channel', 'source', 'medium', 'campaign', 'content', 'term', 'city', 'device', 'landing'] as const;
/**
 * The touch-detail dimensions (issue 19): report dimensions only where the workspace turns them on
 * (settings.normalisation.touchDetails) — they multiply the touch tuples, and with them the rollups.
 */
export const DETAIL_DIMS = ['city', 'device', 'landing'] as const satisfies readonly (typeof DIMENSIONS)[number][];

/** The dimensions a workspace reports on: DIMENSIONS without the touch details unless they are on. */
export function reportDimensions(touchDetails: boolean | undefined): (typeof DIMENSIONS)[number][] {
  return touchDetails ? [...DIMENSIONS] : DIMENSIONS.filter((d) => !(DETAIL_DIMS as readonly string[]).includes(d));
}
export type Dimension = (typeof DIMENSIONS)[number];

export const MODELS = [
  'last_non_direct',
  'last',
  'first',
  'linear',
  'position',
  'time_decay',
  'markov',
] as const;
export type Model = (typeof MODELS)[number];
export const DEFAULT_MODEL: Model = 'last_non_direct';

export const BASES = ['event', 'cohort'] as const;
export type Basis = (typeof BASES)[number];

/** Counted / summed metrics (numerators and denominators). */
export const BASE_METRICS = [
  'calls',
  'uniqueTargetCalls',
  'requests',
  'uniqueTargetRequests',
  'leads',
  'deals',
  'wonDeals',
  'revenue',
  'visits',
  'visitRevenue',
  'cost',
  'impressions',
  'clicks',
] as const;
export type BaseMetric = (typeof BASE_METRICS)[number];

/** Ratios, always recomputed from the row's sums, never averaged. */
export const RATIO_METRICS = ['crLeadToDeal', 'crDealToWon', 'avgCheck', 'cpl', 'cpo', 'romi', 'drr', 'ctr', 'cpc'] as const;
export type RatioMetric = (typeof RATIO_METRICS)[number];

export const METRICS = [...BASE_METRICS, ...RATIO_METRICS] as const;
export type Metric = BaseMetric | RatioMetric;

export type BaseMetrics = Record<BaseMetric, number>;
export type Metrics = BaseMetrics & Record<RatioMetric, number | null>;

export function emptyBaseMetrics(): BaseMetrics {
  return {
    calls: 0,
    uniqueTargetCalls: 0,
    requests: 0,
    uniqueTargetRequests: 0,
    leads: 0,
    deals: 0,
    wonDeals: 0,
    revenue: 0,
    visits: 0,
    visitRevenue: 0,
    cost: 0,
    impressions: 0,
    clicks: 0,
  };
}

function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}

/** Derives every ratio from summed numerators and denominators (REPORTS.md, "Metrics"). */
export function withRatios(m: BaseMetrics): Metrics {
  return {
    ...m,
    crLeadToDeal: ratio(m.deals, m.leads),
    crDealToWon: ratio(m.wonDeals, m.deals),
    avgCheck: ratio(m.revenue, m.wonDeals),
    cpl: ratio(m.cost, m.leads),
    cpo: ratio(m.cost, m.wonDeals),
    romi: ratio(m.revenue - m.cost, m.cost),
    drr: ratio(m.cost, m.revenue),
    ctr: ratio(m.clicks, m.impressions),
    cpc: ratio(m.cost, m.clicks),
  };
}

export function addBaseMetrics(into: BaseMetrics, add: BaseMetrics): BaseMetrics {
  for (const k of BASE_METRICS) into[k] += add[k];
  return into;
}

export const UNATTRIBUTED_REASONS = ['no_contact', 'no_match', 'outside_window'] as const;
export type UnattributedReason = (typeof UNATTRIBUTED_REASONS)[number];
