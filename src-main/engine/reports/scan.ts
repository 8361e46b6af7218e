// Report metrics from the per-conversion table: used with pipeline/responsible filters (rollups
// are not keyed by them) and for the Markov model (credits depend on the period's paths).
// Both scan every conversion of the period, so results are cached until attribution changes.
import type { Model, ReportQuery } from '@shared/contract';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { storedWeights, type StoredTouch } from '../attribution/rollups';
import { attributionGeneration } from '../attribution/state';
import { markovCredits, type MarkovPath } from '../attribution/markov';
import { dayInt } from '../attribution/tuples';
import { SkvozError } from '../errors';
import type { Rows, RowsSnapshot, TupleMap } from './query';
import { nonConvertingPaths } from './orphans';

interface ConvScanRow {
  kind: number;
  at: number;
  day: number;
  won_day: number | null;
  revenue: number;
  touches: string;
}

type Counted = { leads: boolean; deals: boolean; won: boolean; visits: boolean };

/** Recent results per database, keyed by the query and the attribution generation (LRU). */
const cache = new WeakMap<Db, Map<string, RowsSnapshot>>();
const CACHE_ENTRIES = 32;

/**
 * Credits from the conversion table into `rows`. A period's result is kept until attribution is
 * recomputed (issue: Markov is recomputed per period on demand and cached) or another connection
 * writes the file, so going back to a period, or switching its comparison on, costs nothing.
 */
export function creditFromConversions(ws: Workspace, q: ReportQuery, model: Model, from: string, to: string, tuples: TupleMap, rows: Rows): void {
  if (rows.size > 0) {
    scanConversions(ws, q, model, from, to, tuples, rows);
    return;
  }
  const db = ws.db;
  const key = JSON.stringify([
    attributionGeneration(db),
    db.pragma('data_version', { simple: true }),
    model,
    from,
    to,
    q.basis,
    q.groupBy,
    q.filters,
  ]);
  let entries = cache.get(db);
  if (!entries) cache.set(db, (entries = new Map()));
  const hit = entries.get(key);
  if (hit) {
    entries.delete(key);
    entries.set(key, hit);
    rows.restore(hit);
    return;
  }
  scanConversions(ws, q, model, from, to, tuples, rows);
  entries.set(key, rows.snapshot());
  while (entries.size > CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
}

function scanConversions(ws: Workspace, q: ReportQuery, model: Model, from: string, to: string, tuples: TupleMap, rows: Rows): void {
  const a = dayInt(from);
  const b = dayInt(to);
  const cohort = q.basis === 'cohort';
  const where = [cohort ? 'cohort_day BETWEEN @a AND @b' : '(day BETWEEN @a AND @b OR won_day BETWEEN @a AND @b)'];
  // leads have no pipeline: the pipeline filter narrows deals only
  if (q.filters.pipelines?.length) where.push(`(kind <> 2 OR category IN (${q.filters.pipelines.map(Number).join(',')}))`);
  if (q.filters.responsible?.length) where.push(`assigned IN (${q.filters.responsible.map(Number).join(',')})`);
  const stmt = ws.db.prepare(`SELECT kind, at, day, won_day, revenue, touches FROM conv WHERE ${where.join(' AND ')}`).raw(true);
  // streamed: a year of a large workspace is millions of conversions
  const convs = (function* (): Generator<ConvScanRow> {
    for (const [kind, at, day, won_day, revenue, touches] of stmt.iterate({ a, b }) as IterableIterator<[number, number, number, number | null, number, string]>) {
      yield { kind, at, day, won_day, revenue, touches };
    }
  })();
  const inP = (d: number | null) => d !== null && d >= a && d <= b;
  const counted = (c: ConvScanRow): Counted =>
    c.kind === 1
      ? { leads: cohort || inP(c.day), deals: false, won: false, visits: false }
      : c.kind === 3
        ? { leads: false, deals: false, won: false, visits: cohort || inP(c.day) }
        : { leads: false, deals: cohort || inP(c.day), won: c.won_day !== null && (cohort || inP(c.won_day)), visits: false };

  const credit = (tupleId: number, w: number, c: ConvScanRow, n: Counted, only?: 'leads' | 'deals' | 'won' | 'visits') => {
    const m = rows.get(tupleId === 0 ? null : (tuples.get(tupleId) ?? null));
    if (!m) return;
    if (n.visits && (!only || only === 'visits')) {
      m.visits += w;
      m.visitRevenue += w * c.revenue;
    }
    if (n.leads && (!only || only === 'leads')) m.leads += w;
    if (n.deals && (!only || only === 'deals')) m.deals += w;
    if (n.won && (!only || only === 'won')) {
      m.wonDeals += w;
      m.revenue += w * c.revenue;
    }
  };

  if (model !== 'markov') {
    for (const c of convs) {
      const n = counted(c);
      for (const [t, w] of storedWeights(model, JSON.parse(c.touches) as StoredTouch[], c.at)) credit(t, w, c, n);
    }
    return;
  }

  // Markov: states are the report's dimension tuples; identical paths are counted once with
  // their number of conversions (the chain and the credits are the same, the memory is not)
  const dimsOfState = new Map<string, number>();
  const stateCache = new Map<number, string>();
  const stateOf = (tupleId: number) => {
    let s = stateCache.get(tupleId);
    if (s === undefined) {
      const d = tuples.get(tupleId);
      s = JSON.stringify(q.groupBy.map((g) => d?.[g] ?? null));
      stateCache.set(tupleId, s);
      if (!dimsOfState.has(s)) dimsOfState.set(s, tupleId);
    }
    return s;
  };
  const METRICS = ['leads', 'deals', 'won', 'visits'] as const;
  const byMetric = new Map(METRICS.map((m) => [m, new Map<string, { states: string[]; conversions: number; value: number }>()]));
  for (const c of convs) {
    const n = counted(c);
    if (!n.leads && !n.deals && !n.won && !n.visits) continue;
    const stored = JSON.parse(c.touches) as StoredTouch[];
    if (stored.length === 0) {
      credit(0, 1, c, n);
      continue;
    }
    const states = stored.map(([t]) => stateOf(t));
    const key = states.join('\u0000');
    for (const metric of METRICS) {
      if (!n[metric]) continue;
      const paths = byMetric.get(metric)!;
      let p = paths.get(key);
      if (!p) paths.set(key, (p = { states, conversions: 0, value: 0 }));
      p.conversions += 1;
      if (metric === 'won' || metric === 'visits') p.value += c.revenue;
    }
  }
  const nullPaths = nonConvertingPaths(ws, from, to, stateOf);
  for (const metric of METRICS) {
    const paths: MarkovPath[] = [...byMetric.get(metric)!.values()];
    if (paths.length === 0) continue;
    let result;
    try {
      result = markovCredits(paths, nullPaths);
    } catch (err) {
      if (err instanceof RangeError) {
        throw new SkvozError('invalid_input', 'Слишком много каналов для марковской модели: сгруппируйте по меньшему числу измерений (например, только по источнику).');
      }
      throw err;
    }
    for (const [state, cr] of result.credits) {
      const m = rows.get(tuples.get(dimsOfState.get(state) ?? -1) ?? null);
      if (!m) continue;
      if (metric === 'leads') m.leads += cr.conversions;
      else if (metric === 'deals') m.deals += cr.conversions;
      else if (metric === 'visits') {
        m.visits += cr.conversions;
        m.visitRevenue += cr.value;
      } else {
        m.wonDeals += cr.conversions;
        m.revenue += cr.value;
      }
    }
  }
}
