// The deal (or lead) list of an export without the whole list in memory: the same selection,
// weights and order as reports:deals (reports/drill.ts listDeals) — conversions streamed from
// SQLite with a cursor, the matches kept as compact typed arrays (id, weight, revenue, sort key;
// ~32 bytes a deal), sorted, then described a batch at a time with prepared statements.
// test/export/xlsx.test.ts checks the rows against reports:deals.
import type { DealListItem, DealsExportQuery, DealsQuery, Model } from '@shared/contract';
import type { Workspace } from '../workspace';
import { ensureAttribution, storedWeights, type StoredTouch } from '../attribution/materialise';
import type { ClassicModel } from '../attribution/models';
import { dayInt } from '../attribution/tuples';
import { loadTuples } from '../reports/query';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

class Hits {
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

/** The matching conversions of one report row, in reports:deals order. */
export function dealHits(ws: Workspace, q: DealsExportQuery, row: NonNullable<DealsQuery['row']>): { hits: Hits; order: Uint32Array } {
  ensureAttribution(ws.db, ws.settings);
  const model: Model = q.model ?? ws.settings.defaultModel;
  const weightModel: ClassicModel = model === 'markov' ? 'linear' : model;
  const tuples = loadTuples(ws.db);
  const a = dayInt(q.from);
  const b = dayInt(q.to);
  const kindCode = q.kind === 'lead' ? 1 : 2;
  const where = [`kind = ${kindCode}`, q.basis === 'cohort' ? 'cohort_day BETWEEN @a AND @b' : '(day BETWEEN @a AND @b OR won_day BETWEEN @a AND @b)'];
  if (q.filters.pipelines?.length && kindCode === 2) where.push(`category IN (${q.filters.pipelines.map(Number).join(',')})`);
  if (q.filters.responsible?.length) where.push(`assigned IN (${q.filters.responsible.map(Number).join(',')})`);
  const wanted = Object.entries(row.dims) as [string, string | null][];
  const matchCache = new Map<number, boolean>();
  const matchTuple = (t: number) => {
    if (row.unattributed) return t === 0;
    if (t === 0) return false;
    let m = matchCache.get(t);
    if (m === undefined) {
      const d = tuples.get(t) as Record<string, string | null> | undefined;
      m = !!d && wanted.every(([k, v]) => (d[k] ?? null) === v);
      matchCache.set(t, m);
    }
    return m;
  };
  const hits = new Hits();
  const stmt = ws.db.prepare(`SELECT ref_id, at, won_day, revenue, touches FROM conv WHERE ${where.join(' AND ')}`);
  for (const r of stmt.iterate({ a, b }) as Iterable<{ ref_id: number; at: number; won_day: number | null; revenue: number; touches: string }>) {
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

/** Describes deals (or leads) like reports:deals does, with statements prepared once. */
export function describer(ws: Workspace, kind: 'deal' | 'lead'): (id: number, revenue: number, weight: number) => DealListItem {
  if (kind === 'lead') {
    const st = ws.db.prepare(
      `SELECT l.title, l.created_at, s.name AS stage, u.name AS resp FROM b24_lead l
         LEFT JOIN b24_status s ON s.entity_id = 'STATUS' AND s.status_id = l.status_id
         LEFT JOIN b24_user u ON u.id = l.assigned_by_id WHERE l.id = ?`,
    );
    return (id, _revenue, weight) => {
      const l = st.get(id) as { title: string | null; created_at: number; stage: string | null; resp: string | null };
      return { kind, id, title: l.title, createdAt: iso(l.created_at)!, wonAt: null, stage: l.stage, pipeline: null, responsible: l.resp, revenue: 0, weight };
    };
  }
  const st = ws.db.prepare(
    `SELECT d.title, d.created_at, d.won_at, c.name AS pipeline, u.name AS resp,
            (SELECT name FROM b24_status s WHERE s.status_id = d.stage_id AND s.entity_id LIKE 'DEAL_STAGE%' LIMIT 1) AS stage
       FROM b24_deal d LEFT JOIN b24_category c ON c.id = d.category_id LEFT JOIN b24_user u ON u.id = d.assigned_by_id WHERE d.id = ?`,
  );
  return (id, revenue, weight) => {
    const d = st.get(id) as { title: string | null; created_at: number; won_at: number | null; pipeline: string | null; resp: string | null; stage: string | null };
    return { kind, id, title: d.title, createdAt: iso(d.created_at)!, wonAt: iso(d.won_at), stage: d.stage, pipeline: d.pipeline, responsible: d.resp, revenue, weight };
  };
}
