// reports:query — metrics per dimension tuple for a period, per docs/REPORTS.md, read from the
// materialised attribution (daily rollups). Pipeline/responsible filters read the per-conversion
// table instead, since rollups are not keyed by them; the Markov model its daily path counts (scan.ts).
import type { CompareCoverage, ReportQuery, ReportResult, ReportRow, Dimension, Model } from '@shared/contract';
import { DIMENSIONS, emptyBaseMetrics, withRatios, type BaseMetrics } from '@shared/metrics';
import type { Dims } from '@shared/normalise';
import { comparePeriod } from '@shared/periods';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { ensureAttribution } from '../attribution/materialise';
import { CLASSIC_MODELS } from '../attribution/models';
import { dayInt } from '../attribution/tuples';
import { creditFromConversions, isFiltered } from './scan';
import { addCosts } from '../costs/report-costs';
import { checkDetailDims, dimFilter, loadTuples, type TupleMap } from './dims';

export { addCosts, isFiltered, loadTuples, type TupleMap };

const UNATTRIBUTED = '\u0000unattributed';

export type RowsSnapshot = [string, { dims: Partial<Dims>; unattributed: boolean; m: BaseMetrics }][];

export class Rows {
  private readonly map = new Map<string, { dims: Partial<Dims>; unattributed: boolean; m: BaseMetrics }>();
  private readonly filter: ((d: Partial<Dims> | null) => boolean) | null;
  constructor(
    private readonly groupBy: Dimension[],
    q: Pick<ReportQuery, 'filters'>,
  ) {
    this.filter = dimFilter(q.filters);
  }

  /** Metrics accumulator of the row these dims fall into, or null when a dimension filter drops them. */
  get(d: Partial<Dims> | null): BaseMetrics | null {
    if (this.filter && !this.filter(d)) return null;
    const k = d === null ? UNATTRIBUTED : this.groupBy.map((g) => d[g] ?? '\u0001').join('\u0002');
    let acc = this.map.get(k);
    if (!acc) {
      const dims: Partial<Dims> = {};
      for (const g of this.groupBy) dims[g] = d === null ? null : (d[g] ?? null);
      acc = { dims, unattributed: d === null, m: emptyBaseMetrics() };
      this.map.set(k, acc);
    }
    return acc.m;
  }

  get size(): number {
    return this.map.size;
  }

  /** A copy of the accumulated rows, to restore into an empty Rows of the same query later. */
  snapshot(): RowsSnapshot {
    return [...this.map].map(([k, a]) => [k, { dims: { ...a.dims }, unattributed: a.unattributed, m: { ...a.m } }]);
  }

  restore(snap: RowsSnapshot): void {
    for (const [k, a] of snap) this.map.set(k, { dims: { ...a.dims }, unattributed: a.unattributed, m: { ...a.m } });
  }

  toRows(): ReportRow[] {
    const out = [...this.map.values()].map((a) => ({ ...a.dims, unattributed: a.unattributed, ...withRatios(a.m) }) as ReportRow);
    return out.sort(
      (a, b) => Number(a.unattributed) - Number(b.unattributed) || b.leads - a.leads || b.revenue - a.revenue || b.calls - a.calls || b.cost - a.cost,
    );
  }
}

const dimsOf = (tuples: TupleMap, id: number): Dims | null => (id === 0 ? null : (tuples.get(id) ?? null));

function sitesSql(q: ReportQuery): string {
  return q.filters.calltouchSites?.length ? ` AND site_id IN (${q.filters.calltouchSites.map(Number).join(',')})` : '';
}

/** Where a metric lands: the accumulator for these dims on this day (null = filtered out). */
export type Sink = (dims: Partial<Dims> | null, day: number) => BaseMetrics | null;

const NULL_DIMS = Object.fromEntries(DIMENSIONS.map((d) => [d, null])) as Dims;

export function addTracking(db: Db, q: ReportQuery, a: number, b: number, tuples: TupleMap, sink: Sink, byDay = false): void {
  const day = byDay ? 'day' : '0';
  const list = db
    .prepare(
      `SELECT ${day} AS day, tuple_id, sum(calls) AS calls, sum(ut_calls) AS utc, sum(requests) AS requests, sum(ut_requests) AS utr
         FROM rollup_tracking WHERE day BETWEEN ? AND ?${sitesSql(q)} GROUP BY ${byDay ? 'day, ' : ''}tuple_id`,
    )
    .all(a, b) as { day: number; tuple_id: number; calls: number; utc: number; requests: number; utr: number }[];
  for (const r of list) {
    const m = sink(dimsOf(tuples, r.tuple_id) ?? NULL_DIMS, r.day);
    if (!m) continue;
    m.calls += r.calls;
    m.uniqueTargetCalls += r.utc;
    m.requests += r.requests;
    m.uniqueTargetRequests += r.utr;
  }
}

export function addRollups(db: Db, q: ReportQuery, model: Model, a: number, b: number, tuples: TupleMap, sink: Sink, byDay = false): void {
  const table = q.basis === 'cohort' ? 'rollup_cohort' : 'rollup';
  const day = byDay ? 'day' : '0';
  const list = db
    .prepare(
      `SELECT ${day} AS day, tuple_id, sum(leads) AS leads, sum(deals) AS deals, sum(won) AS won, sum(revenue) AS revenue,
              sum(visits) AS visits, sum(visit_revenue) AS visit_revenue
         FROM ${table} WHERE model = ? AND day BETWEEN ? AND ? GROUP BY ${byDay ? 'day, ' : ''}tuple_id`,
    )
    .all(CLASSIC_MODELS.indexOf(model as (typeof CLASSIC_MODELS)[number]), a, b) as {
    day: number;
    tuple_id: number;
    leads: number;
    deals: number;
    won: number;
    revenue: number;
    visits: number;
    visit_revenue: number;
  }[];
  for (const r of list) {
    const m = sink(dimsOf(tuples, r.tuple_id), r.day);
    if (!m) continue;
    m.leads += r.leads;
    m.deals += r.deals;
    m.wonDeals += r.won;
    m.revenue += r.revenue;
    m.visits += r.visits;
    m.visitRevenue += r.visit_revenue;
  }
}

export function runPeriod(ws: Workspace, q: ReportQuery, model: Model, from: string, to: string, tuples: TupleMap) {
  const rows = new Rows(q.groupBy, q);
  const sink: Sink = (d) => rows.get(d);
  const a = dayInt(from);
  const b = dayInt(to);
  if (model !== 'markov' && !isFiltered(q)) addRollups(ws.db, q, model, a, b, tuples, sink);
  else creditFromConversions(ws, q, model, from, to, tuples, rows);
  addTracking(ws.db, q, a, b, tuples, sink);
  addCosts(ws, from, to, sink);
  const list = rows.toRows();
  const totals = emptyBaseMetrics();
  for (const r of list) for (const k of Object.keys(totals) as (keyof BaseMetrics)[]) totals[k] += r[k];
  return { rows: list, totals: withRatios(totals) };
}

export function runReport(ws: Workspace, q: ReportQuery): ReportResult {
  checkDetailDims(ws, q);
  ensureAttribution(ws.db, ws.settings);
  const model = q.model ?? ws.settings.defaultModel;
  const tuples = loadTuples(ws);
  const main = runPeriod(ws, q, model, q.from, q.to, tuples);
  const result: ReportResult = {
    workspace: ws.meta.name,
    from: q.from,
    to: q.to,
    timeZone: ws.settings.timeZone,
    model,
    basis: q.basis,
    groupBy: q.groupBy,
    currency: ws.settings.currency,
    rows: main.rows,
    totals: main.totals,
  };
  if (q.compare) {
    const cp = comparePeriod(q.from, q.to, q.compare);
    const c = runPeriod(ws, q, model, cp.from, cp.to, tuples);
    result.compare = { from: cp.from, to: cp.to, rows: c.rows, totals: c.totals, ...coverage(ws, cp) };
  }
  return result;
}

/**
 * How much of a comparison period the workspace has data for (REPORTS.md: a comparison period
 * with no data is flagged): none when it ends before the first record, partly when it starts
 * before it.
 */
export function coverage(ws: Workspace, period: { from: string; to: string }): CompareCoverage {
  const { dataFrom } = ws.summary();
  if (dataFrom === null) return { empty: true, partial: false, dataFrom };
  return { empty: period.to < dataFrom, partial: period.from < dataFrom && period.to >= dataFrom, dataFrom };
}
