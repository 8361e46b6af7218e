// Report metrics from the per-conversion table: used with pipeline/responsible filters (rollups
// are not keyed by them) and for the Markov model (credits depend on the period's paths).
// Both scan every conversion of the period, so results are cached until attribution changes.
import type { Model, ReportQuery } from '@shared/contract';
import { makeNormaliser } from '@shared/normalise';
import { periodRange } from '@shared/time';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { attributionGeneration, storedWeights, type StoredTouch } from '../attribution/materialise';
import { markovCredits, type MarkovPath } from '../attribution/markov';
import { dayInt } from '../attribution/tuples';
import { SkvozError } from '../errors';
import type { Rows, RowsSnapshot, TupleMap } from './query';

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
  const convs = (
    ws.db
      .prepare(`SELECT kind, at, day, won_day, revenue, touches FROM conv WHERE ${where.join(' AND ')}`)
      .raw(true)
      .all({ a, b }) as [number, number, number, number | null, number, string][]
  ).map(([kind, at, day, won_day, revenue, touches]): ConvScanRow => ({ kind, at, day, won_day, revenue, touches }));
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

  // Markov: states are the report's dimension tuples
  const stateOf = (tupleId: number) => {
    const d = tuples.get(tupleId);
    return JSON.stringify(q.groupBy.map((g) => d?.[g] ?? null));
  };
  const dimsOfState = new Map<string, number>();
  const path = (stored: StoredTouch[]) =>
    stored.map(([t]) => {
      const s = stateOf(t);
      if (!dimsOfState.has(s)) dimsOfState.set(s, t);
      return s;
    });
  const nullPaths = nonConvertingPaths(ws, from, to, tuples, stateOf);
  for (const metric of ['leads', 'deals', 'won', 'visits'] as const) {
    const paths: MarkovPath[] = [];
    for (const c of convs) {
      const n = counted(c);
      if (!n[metric]) continue;
      const stored = JSON.parse(c.touches) as StoredTouch[];
      if (stored.length === 0) credit(0, 1, c, n, metric);
      else paths.push({ states: path(stored), conversions: 1, value: metric === 'won' || metric === 'visits' ? c.revenue : 0 });
    }
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

/**
 * Touch sequences in the period of phones/e-mails that have no CRM record at all (REPORTS.md:
 * "non-converting paths"). One set serves the lead, deal and won chains.
 */
function nonConvertingPaths(ws: Workspace, from: string, to: string, tuples: TupleMap, stateOf: (tupleId: number) => string): string[][] {
  const norm = makeNormaliser(ws.settings.normalisation);
  const { start, end } = periodRange(from, to, ws.settings.timeZone);
  const rows = ws.db
    .prepare(
      `SELECT i.value AS who, c.at, 'c' || c.id AS k, c.source, c.medium, c.campaign, c.content, c.term
         FROM ct_call c CROSS JOIN ident i ON i.owner = 'call' AND i.owner_id = c.id
        WHERE c.at >= @start AND c.at < @end
          AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = i.value AND x.owner IN ('lead', 'contact'))
       UNION ALL
       SELECT i.value, r.at, 'r' || r.id, r.source, r.medium, r.campaign, r.content, r.term
         FROM ct_request r CROSS JOIN ident i ON i.owner = 'request' AND i.owner_id = r.id
        WHERE r.at >= @start AND r.at < @end
          AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = i.value AND x.owner IN ('lead', 'contact'))
       ORDER BY 1, 2`,
    )
    .all({ start, end }) as { who: string; at: number; k: string; source: string | null; medium: string | null; campaign: string | null; content: string | null; term: string | null }[];
  // map raw dims to the tuple ids the rollups use
  const idByKey = new Map<string, number>();
  for (const [id, d] of tuples) idByKey.set(JSON.stringify([d.source, d.medium, d.campaign, d.content, d.term]), id);
  const paths = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(`${r.who}:${r.k}`)) continue;
    seen.add(`${r.who}:${r.k}`);
    const d = norm.dims(r);
    const id = idByKey.get(JSON.stringify([d.source, d.medium, d.campaign, d.content, d.term]));
    if (id === undefined) continue;
    let p = paths.get(r.who);
    if (!p) paths.set(r.who, (p = []));
    p.push(stateOf(id));
  }
  return [...paths.values()];
}
