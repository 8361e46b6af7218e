// reports:series (totals per day/week/month) and reports:models (rows × one column group per model).
import type { Model, ModelsQuery, ModelsResult, ReportQuery, SeriesPoint, SeriesQuery, SeriesResult, Metrics } from '@shared/contract';
import { emptyBaseMetrics, withRatios, type BaseMetrics } from '@shared/metrics';
import { comparePeriod } from '@shared/periods';
import { addDays, weekday } from '@shared/time';
import type { Workspace } from '../workspace';
import { ensureAttribution } from '../attribution/materialise';
import { dayInt } from '../attribution/tuples';
import { Rows, addCosts, addRollups, addTracking, coverage, isFiltered, loadTuples, runPeriod, type TupleMap } from './query';
import { checkDetailDims } from './dims';

/** Calendar buckets of a period; weeks start on Monday, buckets are clipped to the period. */
export function buckets(from: string, to: string, grain: SeriesQuery['grain']): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  let start = from;
  while (start <= to) {
    let end: string;
    if (grain === 'day') end = start;
    else if (grain === 'week') end = addDays(start, 7 - weekday(start));
    else {
      const [y, m] = start.split('-').map(Number) as [number, number];
      end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    }
    if (end > to) end = to;
    out.push({ from: start, to: end });
    start = addDays(end, 1);
  }
  return out;
}

function seriesFor(ws: Workspace, q: SeriesQuery, model: Model, from: string, to: string, tuples: TupleMap): SeriesPoint[] {
  const bs = buckets(from, to, q.grain);
  const asReport: ReportQuery = { ...q, from, to, groupBy: [], compare: undefined };
  if (model === 'markov' || isFiltered(q)) {
    // credits depend on the bucket's own paths (Markov) or need the conversion table (filters)
    return bs.map((b) => ({ ...b, metrics: runPeriod(ws, { ...asReport, from: b.from, to: b.to }, model, b.from, b.to, tuples).totals }));
  }
  const acc: BaseMetrics[] = bs.map(() => emptyBaseMetrics());
  const index = new Map<number, number>();
  bs.forEach((b, i) => {
    for (let d = b.from; d <= b.to; d = addDays(d, 1)) index.set(dayInt(d), i);
  });
  // one accumulator per bucket; the dimension filter still applies
  const filter = new Rows([], asReport);
  const sink = (dims: Parameters<Rows['get']>[0], day: number) => {
    if (!filter.get(dims)) return null;
    const i = index.get(day);
    return i === undefined ? null : acc[i]!;
  };
  const a = dayInt(from);
  const b = dayInt(to);
  addRollups(ws.db, asReport, model, a, b, tuples, sink, true);
  addTracking(ws.db, asReport, a, b, tuples, sink, true);
  addCosts(ws, from, to, sink, true);
  return bs.map((bk, i) => ({ ...bk, metrics: withRatios(acc[i]!) }));
}

export function runSeries(ws: Workspace, q: SeriesQuery): SeriesResult {
  checkDetailDims(ws, q);
  ensureAttribution(ws.db, ws.settings);
  const model = q.model ?? ws.settings.defaultModel;
  const tuples = loadTuples(ws);
  const result: SeriesResult = { grain: q.grain, model, points: seriesFor(ws, q, model, q.from, q.to, tuples) };
  if (q.compare) {
    const cp = comparePeriod(q.from, q.to, q.compare);
    result.compare = { ...cp, points: seriesFor(ws, q, model, cp.from, cp.to, tuples), ...coverage(ws, cp) };
  }
  return result;
}

export function runModels(ws: Workspace, q: ModelsQuery): ModelsResult {
  checkDetailDims(ws, q);
  ensureAttribution(ws.db, ws.settings);
  const tuples = loadTuples(ws);
  const rows = new Map<string, ModelsResult['rows'][number]>();
  const totals: Partial<Record<Model, Metrics>> = {};
  for (const model of q.models) {
    const r = runPeriod(ws, { ...q, compare: undefined }, model, q.from, q.to, tuples);
    totals[model] = r.totals;
    for (const row of r.rows) {
      const key = JSON.stringify([row.unattributed, ...q.groupBy.map((g) => row[g] ?? null)]);
      let out = rows.get(key);
      if (!out) {
        out = { unattributed: row.unattributed, byModel: {} };
        for (const g of q.groupBy) out[g] = row[g] ?? null;
        rows.set(key, out);
      }
      const { unattributed: _u, ...metrics } = row;
      for (const g of q.groupBy) delete (metrics as Partial<typeof metrics>)[g];
      out.byModel[model] = metrics as Metrics;
    }
  }
  // a row a model gave nothing to still shows that model's zeros
  for (const row of rows.values()) for (const m of q.models) row.byModel[m] ??= withRatios(emptyBaseMetrics());
  const first = q.models[0]!;
  const list = [...rows.values()].sort(
    (a, b) => Number(a.unattributed) - Number(b.unattributed) || (b.byModel[first]?.leads ?? 0) - (a.byModel[first]?.leads ?? 0),
  );
  return { models: q.models, groupBy: q.groupBy, rows: list, totals };
}
