// Report metrics that are not read from the rollups: with pipeline/responsible filters (rollups are
// not keyed by them) from the per-conversion table, scanning every conversion of the period; and
// the Markov model (credits depend on the period's paths) — from the materialised path counts
// (markov.ts), or from the scan when those filters are on. Results are cached until attribution
// changes.
import type { Model, ReportQuery } from '@shared/contract';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { storedWeights, type StoredTouch } from '../attribution/rollups';
import { attributionGeneration } from '../attribution/state';
import { dayInt } from '../attribution/tuples';
import type { Rows, RowsSnapshot, TupleMap } from './query';
import { nonConvertingPaths } from './orphans';
import { eventPeriod } from './conv-period';
import { addPath, creditMarkov, emptyPaths, markovFromCounts, METRICS, States } from './markov';

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

/** Pipeline or responsible filters: the rollups cannot answer, the conversion table can. */
export function isFiltered(q: Pick<ReportQuery, 'filters'>): boolean {
  return Boolean(q.filters.pipelines?.length || q.filters.responsible?.length);
}

/** A read-only workspace of an older Skvoz (not migrated) has no path counts: Markov scans then. */
const hasPathCounts = (db: Db) => db.prepare("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'markov_day') AS t").get() as { t: number };

const run = (ws: Workspace, q: ReportQuery, model: Model, from: string, to: string, tuples: TupleMap, rows: Rows) =>
  model === 'markov' && !isFiltered(q) && hasPathCounts(ws.db).t === 1
    ? markovFromCounts(ws, q, from, to, tuples, rows)
    : scanConversions(ws, q, model, from, to, tuples, rows);

/**
 * Credits from the conversion table (or Markov's path counts) into `rows`. A period's result is kept until attribution is
 * recomputed (issue: Markov is recomputed per period on demand and cached) or another connection
 * writes the file, so going back to a period, or switching its comparison on, costs nothing.
 */
export function creditFromConversions(ws: Workspace, q: ReportQuery, model: Model, from: string, to: string, tuples: TupleMap, rows: Rows): void {
  if (rows.size > 0) {
    run(ws, q, model, from, to, tuples, rows);
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
  run(ws, q, model, from, to, tuples, rows);
  entries.set(key, rows.snapshot());
  while (entries.size > CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
}

/** Reads every conversion of the period (exported: tests compare Markov's path counts with it). */
export function scanConversions(ws: Workspace, q: ReportQuery, model: Model, from: string, to: string, tuples: TupleMap, rows: Rows): void {
  const a = dayInt(from);
  const b = dayInt(to);
  const cohort = q.basis === 'cohort';
  const where = [cohort ? 'cohort_day BETWEEN @a AND @b' : eventPeriod('1, 2, 3')];
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
  const states = new States(q, tuples);
  const paths = emptyPaths();
  for (const c of convs) {
    const n = counted(c);
    if (!n.leads && !n.deals && !n.won && !n.visits) continue;
    const stored = JSON.parse(c.touches) as StoredTouch[];
    if (stored.length === 0) {
      credit(0, 1, c, n);
      continue;
    }
    const path = stored.map(([t]) => states.of(t));
    for (const metric of METRICS) if (n[metric]) addPath(paths, metric, path, 1, metric === 'won' || metric === 'visits' ? c.revenue : 0);
  }
  creditMarkov(rows, tuples, states, paths, nonConvertingPaths(ws, from, to, states.of));
}
