// Drill-down to conversions: the deals (or leads) behind a report row (reports:deals, and the deal
// lists of exports, which describe them a batch at a time), and one conversion's explanation — its
// touches in order with the weight each got under every rule-based model.
import type { DealListItem, DealsQuery, DealsResult, Explanation, ExplainedTouch, Model, ReportFilters, StageOutcome } from '@shared/contract';
import type { Dimension } from '@shared/metrics';
import type { Workspace } from '../workspace';
import { ensureAttribution } from '../attribution/materialise';
import { storedWeights, type StoredTouch } from '../attribution/rollups';
import { CLASSIC_MODELS, weightsFor, type ClassicModel, type Touch } from '../attribution/models';
import { InputLoader, inputContext } from '../attribution/inputs';
import { dayInt } from '../attribution/tuples';
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
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.id = grow(this.id);
      this.weight = grow(this.weight);
      this.revenue = grow(this.revenue);
      this.key = grow(this.key);
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

/** Up to this many tuple ids go into SQL to skip conversions with none of them; more are checked in JS only. */
const PREFILTER_MAX_TUPLES = 20_000;

/**
 * The conversions behind one report row with their weight on it, in reports:deals order. Streams
 * the period's conversions from SQLite; those with no touch of the row's tuples are skipped in
 * SQL (json_each over the stored touches), so a narrow row does not parse a year of conversions.
 */
export function dealHits(ws: Workspace, q: DrillQuery, row: RowKey): { hits: Hits; order: Uint32Array } {
  checkDetailDims(ws, q);
  ensureAttribution(ws.db, ws.settings);
  const model: Model = q.model ?? ws.settings.defaultModel;
  // Markov has no per-conversion weights: a conversion's share of the row is shown linearly
  const weightModel: ClassicModel = model === 'markov' ? 'linear' : model;
  const matching = rowTuples(loadTuples(ws), row, q.filters);
  const hits = new Hits();
  if (matching !== 'all' && matching.size === 0) return { hits, order: new Uint32Array(0) };
  const kindCode = q.kind === 'lead' ? 1 : 2;
  const where = [`kind = ${kindCode}`, q.basis === 'cohort' ? 'cohort_day BETWEEN @a AND @b' : '(day BETWEEN @a AND @b OR won_day BETWEEN @a AND @b)'];
  if (q.filters.pipelines?.length && kindCode === 2) where.push(`category IN (${q.filters.pipelines.map(Number).join(',')})`);
  if (q.filters.responsible?.length) where.push(`assigned IN (${q.filters.responsible.map(Number).join(',')})`);
  if (matching !== 'all' && matching.size <= PREFILTER_MAX_TUPLES) {
    const ids = [...matching].filter((t) => t !== 0);
    const any = ids.length > 0 ? `EXISTS (SELECT 1 FROM json_each(conv.touches) j WHERE json_extract(j.value, '$[0]') IN (${ids.join(',')}))` : null;
    where.push(`(${[matching.has(0) ? "touches = '[]'" : null, any].filter(Boolean).join(' OR ')})`);
  }
  const matchTuple = matching === 'all' ? (t: number) => t !== 0 : (t: number) => matching.has(t);
  const stmt = ws.db.prepare(`SELECT ref_id, at, won_day, revenue, touches FROM conv WHERE ${where.join(' AND ')}`);
  const rows = stmt.iterate({ a: dayInt(q.from), b: dayInt(q.to) }) as Iterable<{ ref_id: number; at: number; won_day: number | null; revenue: number; touches: string }>;
  for (const r of rows) {
    let w = 0;
    for (const [t, x] of storedWeights(weightModel, JSON.parse(r.touches) as StoredTouch[], r.at)) if (matchTuple(t)) w += x;
    if (w <= 0) continue;
    const key = q.sort === 'created' ? -r.at : q.sort === 'won' ? -(r.won_day ?? 0) : q.sort === 'revenue' ? -r.revenue : -w;
    hits.push(r.ref_id, w, r.revenue, key);
  }
  const order = new Uint32Array(hits.n);
  for (let i = 0; i < hits.n; i++) order[i] = i;
  order.sort((x, y) => hits.key[x]! - hits.key[y]! || hits.id[y]! - hits.id[x]!);
  return { hits, order };
}

export function listDeals(ws: Workspace, q: DealsQuery): DealsResult {
  const { hits, order } = dealHits(ws, q, q.row);
  const describe = describer(ws, q.kind);
  const items: DealListItem[] = [];
  for (let k = q.offset; k < Math.min(order.length, q.offset + q.limit); k++) {
    const i = order[k]!;
    items.push(describe(hits.id[i]!, hits.revenue[i]!, hits.weight[i]!));
  }
  return { total: hits.n, items };
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
