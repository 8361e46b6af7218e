// Drill-down to conversions: the deals (or leads) behind a report row (reports:deals, and the deal
// lists of exports, which describe them a batch at a time), and one conversion's explanation — its
// touches in order with the weight each got under every rule-based model.
import type { DealListItem, DealsQuery, DealsResult, Explanation, ExplainedTouch, Model, ReportFilters, StageOutcome } from '@shared/contract';
import type { Dimension } from '@shared/metrics';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { doubled } from '../typed-arrays';
import { ensureAttribution } from '../attribution/materialise';
import { storedWeights, type StoredTouch } from '../attribution/rollups';
import { CLASSIC_MODELS, weightsFor, type ClassicModel, type Touch } from '../attribution/models';
import { InputLoader, inputContext } from '../attribution/inputs';
import { dayInt, tupleMask } from '../attribution/tuples';
import { eventPeriod } from './conv-period';
import { notFound } from '../errors';
import { loadTuples, type TupleMap } from './query';
import { checkDetailDims, compareKey, dimFilter } from './dims';
import { touchDetails } from './touch-details';
import { loadLabels } from '../attribution/labels';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Matches of a drill-down kept as compact typed arrays (~32 bytes a conversion), not objects. */
export class Hits {
  n = 0;
  id = new Float64Array(1024);
  weight = new Float64Array(1024);
  revenue = new Float64Array(1024);
  key = new Float64Array(1024);
  push(id: number, weight: number, revenue: number, key: number): void {
    if (this.n === this.id.length) {
      this.id = doubled(this.id);
      this.weight = doubled(this.weight);
      this.revenue = doubled(this.revenue);
      this.key = doubled(this.key);
    }
    this.id[this.n] = id;
    this.weight[this.n] = weight;
    this.revenue[this.n] = revenue;
    this.key[this.n] = key;
    this.n++;
  }
}

type RowKey = DealsQuery['row'];
type DrillQuery = Pick<DealsQuery, 'from' | 'to' | 'model' | 'basis' | 'filters' | 'kind' | 'sort'>;

/**
 * The dimension tuples whose touches count for a report row, under the query's dimension filters
 * as reports:query applies them (0 = unattributed; a dimension filter leaves unattributed out);
 * 'all' when the row and the filters do not narrow anything.
 */
function rowTuples(tuples: TupleMap, row: RowKey, filters: ReportFilters): Set<number> | 'all' {
  const wanted = (Object.entries(row.dims) as [Dimension, string | null][]).map(([k, v]) => [k, compareKey(k, v)] as const);
  const allowed = dimFilter(filters);
  if (row.unattributed) return new Set(allowed ? [] : [0]);
  if (wanted.length === 0 && !allowed) return 'all';
  const out = new Set<number>();
  for (const [id, d] of tuples) {
    if (wanted.every(([k, v]) => compareKey(k, d[k]) === v) && (!allowed || allowed(d))) out.add(id);
  }
  return out;
}

/** Migration 11's tuple masks (a read-only workspace of an older Skvoz has none: its touches are searched then). */
const hasMask = (db: Db) => (db.prepare("SELECT count(*) FROM pragma_table_info('conv') WHERE name = 'tmask'").pluck().get() as number) === 1;

/**
 * SQL that keeps the conversions with a touch of one of the tuples (0: without touches), checked
 * in the conv_day index by the tuple mask (a colliding bit lets a few others through; their
 * weight on the row is 0); null when there are too many tuples to look for without the mask.
 */
function touchesAny(db: Db, tuples: Set<number>): string | null {
  const masked = hasMask(db);
  const others = [...tuples].filter((t) => t !== 0);
  const terms: string[] = [];
  if (tuples.has(0)) terms.push(masked ? 'tmask = 0' : "touches = '[]'");
  if (others.length > 0) {
    if (masked) terms.push(`(tmask & ${tupleMask(others)}) <> 0`);
    // a stored touch is [tupleId, at, direct]: "[id," occurs only where a touch of that tuple starts
    else if (others.length <= 16) terms.push(...others.map((t) => `instr(touches, '[${t},') > 0`));
    else return null;
  }
  return `(${terms.join(' OR ')})`;
}

/** A conversion as a drill-down reads it. */
interface DrillRow {
  ref_id: number;
  at: number;
  won_day: number | null;
  revenue: number;
  touches: string;
}

/** A report row's drill-down: which conversions may count (SQL) and each one's weight on the row. */
interface Drill {
  kind: 1 | 2;
  /** conditions besides the period's (kind, pipelines, responsible, the touches' prefilter) */
  where: string;
  /** event basis, a narrowing row: the period's days on which the rollups credit the row anything (the others have none of its conversions) */
  days: number[] | null;
  params: { a: number; b: number };
  cohort: boolean;
  /** the conversion's weight on the row under the model (0: not the row's) */
  weight(r: DrillRow): number;
}

function drillOf(ws: Workspace, q: DrillQuery, row: RowKey): Drill | null {
  checkDetailDims(ws, q);
  ensureAttribution(ws.db, ws.settings);
  const model: Model = q.model ?? ws.settings.defaultModel;
  // Markov has no per-conversion weights: a conversion's share of the row is shown linearly
  const weightModel: ClassicModel = model === 'markov' ? 'linear' : model;
  const matching = rowTuples(loadTuples(ws), row, q.filters);
  if (matching !== 'all' && matching.size === 0) return null;
  const kindCode = q.kind === 'lead' ? 1 : 2;
  const where = [`kind = ${kindCode}`];
  if (q.filters.pipelines?.length && kindCode === 2) where.push(`category IN (${q.filters.pipelines.map(Number).join(',')})`);
  if (q.filters.responsible?.length) where.push(`assigned IN (${q.filters.responsible.map(Number).join(',')})`);
  const touching = matching === 'all' ? null : touchesAny(ws.db, matching);
  if (touching) where.push(touching);
  const matchTuple = matching === 'all' ? (t: number) => t !== 0 : (t: number) => matching.has(t);
  const params = { a: dayInt(q.from), b: dayInt(q.to) };
  let days: number[] | null = null;
  if (matching !== 'all' && q.basis === 'event') {
    // a conversion with weight on the row adds to its tuples' rollup on its own day (deals: created)
    const metric = kindCode === 1 ? 'leads' : 'deals';
    days = ws.db
      .prepare(`SELECT DISTINCT day FROM rollup WHERE model = @m AND day BETWEEN @a AND @b AND tuple_id IN (${[...matching].join(',')}) AND ${metric} <> 0`)
      .pluck()
      .all({ ...params, m: CLASSIC_MODELS.indexOf(weightModel) }) as number[];
  }
  return {
    kind: kindCode,
    where: where.join(' AND '),
    days,
    params,
    cohort: q.basis === 'cohort',
    weight(r) {
      let w = 0;
      for (const [t, x] of storedWeights(weightModel, JSON.parse(r.touches) as StoredTouch[], r.at)) if (matchTuple(t)) w += x;
      return w;
    },
  };
}

const DRILL_COLUMNS = 'ref_id, at, won_day, revenue, touches';
/**
 * A conversion counts for a row from this weight on: the rollups drop sums below it (an
 * incremental recompute prunes a day's row whose metrics are all under 1e-9), and the walk newest
 * first skips the days without them, so both ways list the same conversions.
 */
const MIN_WEIGHT = 1e-9;

/**
 * The conversions behind one report row with their weight on it, in reports:deals order: every
 * conversion of the period is read (exports, and the sorts that need them all).
 */
export function dealHits(ws: Workspace, q: DrillQuery, row: RowKey): { hits: Hits; order: Uint32Array } {
  const d = drillOf(ws, q, row);
  const hits = new Hits();
  if (!d) return { hits, order: new Uint32Array(0) };
  const period = d.cohort ? 'cohort_day BETWEEN @a AND @b' : eventPeriod(String(d.kind));
  const stmt = ws.db.prepare(`SELECT ${DRILL_COLUMNS} FROM conv WHERE ${period} AND ${d.where}`);
  for (const r of stmt.iterate(d.params) as Iterable<DrillRow>) {
    const w = d.weight(r);
    if (w < MIN_WEIGHT) continue;
    const key = q.sort === 'created' ? -r.at : q.sort === 'won' ? -(r.won_day ?? 0) : q.sort === 'revenue' ? -r.revenue : -w;
    hits.push(r.ref_id, w, r.revenue, key);
  }
  const order = new Uint32Array(hits.n);
  for (let i = 0; i < hits.n; i++) order[i] = i;
  order.sort((x, y) => hits.key[x]! - hits.key[y]! || hits.id[y]! - hits.id[x]!);
  return { hits, order };
}

/** Newest first (reports:deals' 'created' order: at, then id, descending). */
const byCreated = (rows: DrillRow[]) => rows.sort((x, y) => y.at - x.at || y.ref_id - x.ref_id);

/**
 * The period's conversions that may count for the row, newest first, read lazily: those of the
 * period's days walking the conv_day index (kind, day, at, tmask) backwards a day at a time —
 * the row's tuple mask is checked in the index, only candidates are read from the table — and,
 * before and after them, the few counted by their won (cohort) day whose own day lies after or
 * before the period. A first page needs the newest days only.
 */
function* newestFirst(db: Db, d: Drill): Generator<DrillRow> {
  const other = d.cohort ? 'cohort_day' : 'won_day';
  const outside = (side: string) =>
    byCreated(db.prepare(`SELECT ${DRILL_COLUMNS} FROM conv INDEXED BY conv_${other} WHERE ${other} BETWEEN @a AND @b AND ${side} AND ${d.where}`).all(d.params) as DrillRow[]);
  yield* outside('day > @b');
  const inside = db.prepare(
    `SELECT ${DRILL_COLUMNS}, day FROM conv INDEXED BY conv_day WHERE ${d.days ? `day IN (${d.days.join(',')})` : 'day BETWEEN @a AND @b'} AND ${d.where}${d.cohort ? ' AND cohort_day BETWEEN @a AND @b' : ''} ORDER BY day DESC`,
  );
  let day = -1;
  let rows: DrillRow[] = [];
  for (const r of inside.iterate(d.params) as Iterable<DrillRow & { day: number }>) {
    if (r.day !== day) {
      yield* byCreated(rows);
      rows = [];
      day = r.day;
    }
    rows.push(r);
  }
  yield* byCreated(rows);
  yield* outside('day < @a');
}

export function listDeals(ws: Workspace, q: DealsQuery): DealsResult {
  const describe = describer(ws, q.kind);
  const end = q.offset + q.limit;
  if (q.sort === 'created') {
    // newest first needs only the conversions up to the page's end (and one more, to know there are more)
    const d = drillOf(ws, q, q.row);
    const items: DealListItem[] = [];
    let n = 0;
    if (d) {
      for (const r of newestFirst(ws.db, d)) {
        const w = d.weight(r);
        if (w < MIN_WEIGHT) continue;
        if (n === end) return { total: null, more: true, items };
        if (n >= q.offset) items.push(describe(r.ref_id, r.revenue, w));
        n++;
      }
    }
    return { total: n, more: false, items };
  }
  const { hits, order } = dealHits(ws, q, q.row);
  const items: DealListItem[] = [];
  for (let k = q.offset; k < Math.min(order.length, end); k++) {
    const i = order[k]!;
    items.push(describe(hits.id[i]!, hits.revenue[i]!, hits.weight[i]!));
  }
  return { total: hits.n, more: end < hits.n, items };
}

/** Describes deals (or leads) of a drill-down, with the statements prepared once. */
export function describer(ws: Workspace, kind: 'deal' | 'lead'): (id: number, revenue: number, weight: number) => DealListItem {
  if (kind === 'lead') {
    const st = ws.db.prepare(
      `SELECT l.title, l.created_at, s.name AS stage, l.status_semantic AS semantic, u.name AS resp FROM b24_lead l
         LEFT JOIN b24_status s ON s.entity_id = 'STATUS' AND s.status_id = l.status_id
         LEFT JOIN b24_user u ON u.id = l.assigned_by_id WHERE l.id = ?`,
    );
    return (id, _revenue, weight) => {
      const l = st.get(id) as { title: string | null; created_at: number; stage: string | null; semantic: string | null; resp: string | null };
      return { kind, id, title: l.title, createdAt: iso(l.created_at)!, wonAt: null, stage: l.stage, outcome: outcome(l.semantic), pipeline: null, responsible: l.resp, revenue: 0, weight };
    };
  }
  const st = ws.db.prepare(
    `SELECT d.title, d.created_at, d.won_at, d.stage_semantic AS semantic, c.name AS pipeline, u.name AS resp,
            (SELECT name FROM b24_status s WHERE s.status_id = d.stage_id AND s.entity_id LIKE 'DEAL_STAGE%' LIMIT 1) AS stage
       FROM b24_deal d LEFT JOIN b24_category c ON c.id = d.category_id LEFT JOIN b24_user u ON u.id = d.assigned_by_id WHERE d.id = ?`,
  );
  return (id, revenue, weight) => {
    const d = st.get(id) as { title: string | null; created_at: number; won_at: number | null; semantic: string | null; pipeline: string | null; resp: string | null; stage: string | null };
    return { kind, id, title: d.title, createdAt: iso(d.created_at)!, wonAt: iso(d.won_at), stage: d.stage, outcome: outcome(d.semantic), pipeline: d.pipeline, responsible: d.resp, revenue, weight };
  };
}

/** A stage's (status's) semantic: S won (a lead: converted), F lost, anything else in progress. */
export function outcome(semantic: string | null | undefined): StageOutcome {
  return semantic === 'S' ? 'won' : semantic === 'F' ? 'lost' : 'open';
}

export function explain(ws: Workspace, kind: 'deal' | 'lead', id: number): Explanation {
  const s = ws.settings;
  const loader = new InputLoader(ws.db, inputContext(ws.db, s));
  const c = loader.loadIds(kind, [id])[0];
  if (!c) throw notFound(kind === 'deal' ? `Сделка ${id} не найдена в кэше.` : `Лид ${id} не найден в кэше.`);
  const facts = describer(ws, kind)(id, c.revenue, 1);
  const weights = new Map<ClassicModel, number[]>(CLASSIC_MODELS.map((m) => [m, weightsFor(m, c.touches, c.at)]));
  const label = loadLabels(ws.db, s);
  const details = touchDetails(ws.db);
  const plain = (t: Touch) => ({
    kind: t.kind,
    id: t.id,
    at: new Date(t.at).toISOString(),
    channel: t.channel ?? null,
    source: label.of('source', t.source),
    medium: label.of('medium', t.medium),
    campaign: label.of('campaign', t.campaign),
    content: t.content,
    term: t.term,
    direct: t.direct,
    details: details(t.kind, t.id),
  });
  const touches: ExplainedTouch[] = c.touches.map((t, i) => ({
    ...plain(t),
    weights: Object.fromEntries(CLASSIC_MODELS.map((m) => [m, weights.get(m)![i] ?? 0])),
  }));
  return {
    kind,
    id,
    title: facts.title,
    at: new Date(c.at).toISOString(),
    wonAt: iso(c.wonAt),
    revenue: c.revenue,
    stage: facts.stage,
    outcome: facts.outcome,
    pipeline: facts.pipeline,
    responsible: facts.responsible,
    lookbackDays: s.lookbackDays,
    touches,
    excluded: c.excluded.map((e) => ({ ...plain(e.touch), reason: e.reason })),
    unattributed: c.reason,
  };
}
