// Drill-down to conversions: the deals (or leads) behind a report row, and one conversion's
// explanation — its touches in order with the weight each got under every rule-based model.
import type { DealListItem, DealsQuery, DealsResult, Explanation, ExplainedTouch, Model } from '@shared/contract';
import { makeNormaliser } from '@shared/normalise';
import type { Workspace } from '../workspace';
import { ensureAttribution, storedWeights, type StoredTouch } from '../attribution/materialise';
import { CLASSIC_MODELS, weightsFor, type ClassicModel, type Touch } from '../attribution/models';
import { InputLoader } from '../attribution/inputs';
import { currencyConverter } from '../attribution/currency';
import { dayInt } from '../attribution/tuples';
import { notFound } from '../errors';
import { loadTuples } from './query';

const DAY_MS = 86_400_000;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface ConvRow {
  kind: number;
  ref_id: number;
  at: number;
  day: number;
  won_day: number | null;
  revenue: number;
  touches: string;
}

export function listDeals(ws: Workspace, q: DealsQuery): DealsResult {
  ensureAttribution(ws.db, ws.settings);
  const model: Model = q.model ?? ws.settings.defaultModel;
  // Markov has no per-conversion weights: a conversion's share of the row is shown linearly
  const weightModel: ClassicModel = model === 'markov' ? 'linear' : model;
  const tuples = loadTuples(ws.db);
  const a = dayInt(q.from);
  const b = dayInt(q.to);
  const kindCode = q.kind === 'lead' ? 1 : 2;
  const where = [`kind = ${kindCode}`, q.basis === 'cohort' ? 'cohort_day BETWEEN @a AND @b' : '(day BETWEEN @a AND @b OR won_day BETWEEN @a AND @b)'];
  if (q.filters.pipelines?.length && kindCode === 2) where.push(`category IN (${q.filters.pipelines.map(Number).join(',')})`);
  if (q.filters.responsible?.length) where.push(`assigned IN (${q.filters.responsible.map(Number).join(',')})`);
  const rows = ws.db.prepare(`SELECT kind, ref_id, at, day, won_day, revenue, touches FROM conv WHERE ${where.join(' AND ')}`).all({ a, b }) as ConvRow[];

  const wanted = Object.entries(q.row.dims) as [keyof typeof q.row.dims, string | null][];
  const matchTuple = (t: number) => {
    if (q.row.unattributed) return t === 0;
    if (t === 0) return false;
    const d = tuples.get(t);
    return !!d && wanted.every(([k, v]) => (d[k!] ?? null) === v);
  };
  const hits: { row: ConvRow; weight: number }[] = [];
  for (const r of rows) {
    let w = 0;
    for (const [t, x] of storedWeights(weightModel, JSON.parse(r.touches) as StoredTouch[], r.at)) if (matchTuple(t)) w += x;
    if (w > 0) hits.push({ row: r, weight: w });
  }
  const key: Record<DealsQuery['sort'], (h: (typeof hits)[number]) => number> = {
    created: (h) => -h.row.at,
    won: (h) => -(h.row.won_day ?? 0),
    revenue: (h) => -h.row.revenue,
    weight: (h) => -h.weight,
  };
  hits.sort((x, y) => key[q.sort](x) - key[q.sort](y) || y.row.ref_id - x.row.ref_id);
  const page = hits.slice(q.offset, q.offset + q.limit);
  return { total: hits.length, items: page.map((h) => describe(ws, q.kind, h.row.ref_id, h.row.revenue, h.weight)) };
}

function describe(ws: Workspace, kind: 'deal' | 'lead', id: number, revenue: number, weight: number): DealListItem {
  if (kind === 'lead') {
    const l = ws.db
      .prepare(
        `SELECT l.title, l.created_at, s.name AS stage, u.name AS resp FROM b24_lead l
           LEFT JOIN b24_status s ON s.entity_id = 'STATUS' AND s.status_id = l.status_id
           LEFT JOIN b24_user u ON u.id = l.assigned_by_id WHERE l.id = ?`,
      )
      .get(id) as { title: string | null; created_at: number; stage: string | null; resp: string | null };
    return { kind, id, title: l.title, createdAt: iso(l.created_at)!, wonAt: null, stage: l.stage, pipeline: null, responsible: l.resp, revenue: 0, weight };
  }
  const d = ws.db
    .prepare(
      `SELECT d.title, d.created_at, d.won_at, c.name AS pipeline, u.name AS resp,
              (SELECT name FROM b24_status s WHERE s.status_id = d.stage_id AND s.entity_id LIKE 'DEAL_STAGE%' LIMIT 1) AS stage
         FROM b24_deal d LEFT JOIN b24_category c ON c.id = d.category_id LEFT JOIN b24_user u ON u.id = d.assigned_by_id WHERE d.id = ?`,
    )
    .get(id) as { title: string | null; created_at: number; won_at: number | null; pipeline: string | null; resp: string | null; stage: string | null };
  return { kind, id, title: d.title, createdAt: iso(d.created_at)!, wonAt: iso(d.won_at), stage: d.stage, pipeline: d.pipeline, responsible: d.resp, revenue, weight };
}

export function explain(ws: Workspace, kind: 'deal' | 'lead', id: number): Explanation {
  const s = ws.settings;
  const loader = new InputLoader(ws.db, {
    norm: makeNormaliser(s.normalisation),
    lookbackMs: s.lookbackDays * DAY_MS,
    toReportCurrency: currencyConverter(ws.db, s.currency),
    visitDims: s.visits.customSource,
  });
  const c = loader.loadIds(kind, [id])[0];
  if (!c) throw notFound(kind === 'deal' ? `Сделка ${id} не найдена в кэше.` : `Лид ${id} не найден в кэше.`);
  const title = (ws.db.prepare(`SELECT title FROM ${kind === 'deal' ? 'b24_deal' : 'b24_lead'} WHERE id = ?`).get(id) as { title: string | null }).title;
  const weights = new Map<ClassicModel, number[]>(CLASSIC_MODELS.map((m) => [m, weightsFor(m, c.touches, c.at)]));
  const plain = (t: Touch) => ({
    kind: t.kind,
    id: t.id,
    at: new Date(t.at).toISOString(),
    source: t.source,
    medium: t.medium,
    campaign: t.campaign,
    content: t.content,
    term: t.term,
    direct: t.direct,
  });
  const touches: ExplainedTouch[] = c.touches.map((t, i) => ({
    ...plain(t),
    weights: Object.fromEntries(CLASSIC_MODELS.map((m) => [m, weights.get(m)![i] ?? 0])),
  }));
  return {
    kind,
    id,
    title,
    at: new Date(c.at).toISOString(),
    wonAt: iso(c.wonAt),
    revenue: c.revenue,
    lookbackDays: s.lookbackDays,
    touches,
    excluded: c.excluded.map((e) => ({ ...plain(e.touch), reason: e.reason })),
    unattributed: c.reason,
  };
}
