// KPI cards: the value, its change against the comparison period, and whether that change is good
// news. Pure, tested in Node; the card component only draws what this returns.
import type { Metrics } from '@shared/metrics';
import { TABLE_METRICS, METRIC_KIND, displayValue, type TableMetric } from './report';

/** Metrics where less is better: a rise is bad news (shown in the danger colour). */
export const LOWER_IS_BETTER: ReadonlySet<TableMetric> = new Set<TableMetric>(['cost', 'cpl']);

export type Trend = 'up' | 'down' | 'flat';
export type Tone = 'good' | 'bad' | 'neutral';

export interface KpiDelta {
  /** value − previous (for percent metrics: the difference of the ratios, i.e. points / 100) */
  abs: number | null;
  /** (value − previous) / |previous|; null when previous is 0 or missing, and for percent metrics */
  pct: number | null;
  trend: Trend | null;
  tone: Tone;
}

export interface Kpi {
  metric: TableMetric;
  value: number | null;
  previous: number | null;
  delta: KpiDelta | null;
}

const EPS = 1e-9;

/** The change of one metric against the comparison period. */
export function kpiDelta(metric: TableMetric, value: number | null, previous: number | null): KpiDelta {
  if (value === null || previous === null || !Number.isFinite(value) || !Number.isFinite(previous)) {
    return { abs: null, pct: null, trend: null, tone: 'neutral' };
  }
  const abs = value - previous;
  const trend: Trend = Math.abs(abs) < EPS ? 'flat' : abs > 0 ? 'up' : 'down';
  const pct = METRIC_KIND[metric] === 'percent' || Math.abs(previous) < EPS ? null : abs / Math.abs(previous);
  let tone: Tone = 'neutral';
  if (trend !== 'flat') {
    const better = LOWER_IS_BETTER.has(metric) ? trend === 'down' : trend === 'up';
    tone = better ? 'good' : 'bad';
  }
  return { abs, pct, trend, tone };
}

/** The dashboard's cards in order; deltas only when a comparison period was asked for. */
export function buildKpis(totals: Metrics, previous?: Metrics | null): Kpi[] {
  return TABLE_METRICS.map((metric) => {
    // CPL without cost is unknown, not 0 ₽ (docs/REPORTS.md)
    const value = displayValue(metric, totals);
    const prev = previous ? displayValue(metric, previous) : null;
    return { metric, value, previous: prev, delta: previous ? kpiDelta(metric, value, prev) : null };
  });
}
