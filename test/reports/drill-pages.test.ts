// Issue 17: the deal list newest first (the tree's default) is read only as far as its page needs —
// the period's days walked backwards through the conv_day index — and must list exactly what
// reading every conversion of the period and sorting lists, page by page: both bases, deals and
// leads, broad and narrow rows, the unattributed row, pipeline filters, and the conversions counted
// by a won (cohort) day outside their own day's period — including deals "won" before they were
// created, which the stream finds apart from the period's days.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DealsQuerySchema, ReportQuerySchema, type DealsQuery } from '../../src-shared/contract';
import { DIMENSIONS } from '../../src-shared/metrics';
import { workspaceNormaliser, type Dims } from '../../src-shared/normalise';
import { addDays } from '../../src-shared/time';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { ensureAttribution, Materialiser } from '../../src-main/engine/attribution/materialise';
import { busiestTuples, dayString, MASK_BITS, TupleDict, tupleMask } from '../../src-main/engine/attribution/tuples';
import { dealHits, listDeals } from '../../src-main/engine/reports/drill';
import { runReport } from '../../src-main/engine/reports/query';
import type { Workspace } from '../../src-main/engine/workspace';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY = 86_400_000;

let ws: Workspace;
let root: string;
let anchor: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-drill-pages-'));
  ({ ws } = await createDemoWorkspace(join(root, 'ws'), { name: 'Демо', size: 'small', seed: 3, now: NOW }));
  anchor = dayString((ws.db.prepare('SELECT max(day) AS n FROM conv').get() as { n: number }).n);
  // Bitrix24 can hold a deal whose won stage predates its creation (imports, clock skew): some
  // deals of the last weeks "won" a month earlier, so their won day falls before their own day
  const moved = ws.db
    .prepare('UPDATE b24_deal SET won_at = created_at - 35 * ? WHERE id IN (SELECT id FROM b24_deal WHERE won_at IS NOT NULL ORDER BY created_at DESC LIMIT 40)')
    .run(DAY).changes;
  expect(moved).toBe(40);
  ensureAttribution(ws.db, ws.settings);
  const early = ws.db.prepare('SELECT count(*) AS n FROM conv WHERE kind = 2 AND won_day < day').get() as { n: number };
  expect(early.n).toBeGreaterThanOrEqual(40);
}, 120_000);

afterAll(() => {
  ws?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Every id of the list in its order, read a page at a time as the tree reads it. */
function paged(q: DealsQuery, limit: number): { ids: number[]; weights: number[]; totals: (number | null)[] } {
  const ids: number[] = [];
  const weights: number[] = [];
  const totals: (number | null)[] = [];
  for (let offset = 0; ; offset += limit) {
    const r = listDeals(ws, { ...q, offset, limit });
    ids.push(...r.items.map((i) => i.id));
    weights.push(...r.items.map((i) => i.weight));
    totals.push(r.total);
    // «more» is true exactly when a next page has something; a counted list is not read further
    expect(r.more).toBe(r.items.length === limit && (r.total === null || r.total > offset + limit));
    if (!r.more) {
      expect(r.total).toBe(ids.length);
      return { ids, weights, totals };
    }
    expect(r.total).toBeNull();
  }
}

/** The list as every conversion of the period read and sorted gives it. */
function whole(q: DealsQuery): { ids: number[]; weights: number[] } {
  const { hits, order } = dealHits(ws, q, q.row);
  return { ids: [...order].map((i) => hits.id[i]!), weights: [...order].map((i) => hits.weight[i]!) };
}

describe('drill-down newest first, a page at a time', () => {
  it('lists exactly what reading the whole period lists, in the same order', () => {
    const top = ws.db
      .prepare(`SELECT t.source, t.medium, t.campaign, count(*) AS n FROM conv c JOIN dim_tuple t ON t.id = json_extract(c.touches, '$[0][0]')
                 WHERE c.kind = 2 GROUP BY 1, 2, 3 ORDER BY n DESC`)
      .all() as { source: string | null; medium: string | null; campaign: string | null; n: number }[];
    expect(top.length).toBeGreaterThan(5);
    const narrow = top[top.length - 1]!;
    const rows: DealsQuery['row'][] = [
      { dims: {}, unattributed: false },
      { dims: { source: top[0]!.source }, unattributed: false },
      { dims: { source: top[1]!.source, medium: top[1]!.medium }, unattributed: false },
      { dims: { source: narrow.source, medium: narrow.medium, campaign: narrow.campaign }, unattributed: false },
      { dims: {}, unattributed: true },
    ];
    const pipeline = (ws.db.prepare('SELECT category FROM conv WHERE kind = 2 AND category IS NOT NULL LIMIT 1').get() as { category: number }).category;
    const periods = [
      { from: addDays(anchor, -364), to: anchor },
      { from: addDays(anchor, -29), to: anchor },
      { from: addDays(anchor, -120), to: addDays(anchor, -60) },
    ];
    let compared = 0;
    let counted = 0;
    for (const period of periods) {
      for (const basis of ['event', 'cohort'] as const) {
        for (const kind of ['deal', 'lead'] as const) {
          for (const [i, row] of rows.entries()) {
            const filters = i === 1 && kind === 'deal' ? { pipelines: [pipeline] } : {};
            const q = DealsQuerySchema.parse({ ...period, basis, kind, row, filters, model: i === 2 ? 'linear' : undefined, sort: 'created' });
            const want = whole(q);
            const limit = Math.max(3, Math.ceil(want.ids.length / 4));
            const got = paged(q, limit);
            const label = `${JSON.stringify(period)} ${basis} ${kind} ${JSON.stringify(row)}`;
            expect(got.ids, label).toEqual(want.ids);
            got.weights.forEach((w, k) => expect(w, label).toBeCloseTo(want.weights[k]!, 12));
            if (want.ids.length > limit) counted++;
            compared += want.ids.length;
          }
        }
      }
    }
    // lists of several pages were compared, not only short ones
    expect(counted).toBeGreaterThan(20);
    expect(compared).toBeGreaterThan(5_000);
  });

  it('stores each conversion\'s tuple mask as the recompute computes it (full, then incremental)', () => {
    const rows = ws.db.prepare('SELECT touches, tmask FROM conv').all() as { touches: string; tmask: number }[];
    expect(rows.length).toBeGreaterThan(1000);
    for (const r of rows) expect(r.tmask).toBe(tupleMask((JSON.parse(r.touches) as [number][]).map(([t]) => t)));
    expect(rows.some((r) => r.tmask >= 2 ** 51)).toBe(true);
  });

  it('finds the deals counted by a won day outside the period of their own day, newest first', () => {
    // a period ending before the moved deals were created: they count by their (earlier) won day
    const moved = ws.db.prepare('SELECT ref_id, day, won_day FROM conv WHERE kind = 2 AND won_day < day ORDER BY at DESC LIMIT 1').get() as { ref_id: number; day: number; won_day: number };
    const to = dayString(moved.won_day);
    const q = DealsQuerySchema.parse({ from: addDays(to, -6), to, row: { dims: {} }, sort: 'created', limit: 1000 });
    const r = listDeals(ws, q);
    expect(r.more).toBe(false);
    // created after the period, so first newest first
    expect(r.items[0]!.id).toBe(moved.ref_id);
    expect(r.items.map((i) => i.id)).toEqual(whole(q).ids);
  });

  it('a full recompute numbers the busiest tuples first (their own mask bits); numbers and lists do not change', () => {
    const year = { from: addDays(anchor, -364), to: anchor };
    const report = () => runReport(ws, ReportQuerySchema.parse({ ...year, groupBy: ['source', 'medium', 'campaign'] }));
    const rows = (r: ReturnType<typeof report>) => new Map(r.rows.map((x) => [JSON.stringify([x.source, x.medium, x.campaign, x.unattributed]), [x.leads, x.deals, x.revenue]]));
    const smc = { dims: { source: 'yandex', medium: 'cpc' }, unattributed: false };
    const list = () => listDeals(ws, DealsQuerySchema.parse({ ...year, row: smc, limit: 50 })).items.map((d) => [d.id, d.weight]);
    const busiest = busiestTuples(ws.db, MASK_BITS - 2);
    expect(busiest).toHaveLength(50);
    const tuplesBefore = (ws.db.prepare('SELECT count(*) FROM dim_tuple').pluck().get() as number);
    const [reportBefore, listBefore] = [report(), list()];
    expect(listBefore.length).toBe(50);

    new Materialiser(ws.db, ws.settings).full();
    const first50 = ws.db.prepare(`SELECT ${DIMENSIONS.join(', ')} FROM dim_tuple WHERE id <= 50 ORDER BY id`).all();
    expect(first50).toEqual(busiest);
    expect(ws.db.prepare('SELECT count(*) FROM dim_tuple').pluck().get()).toBe(tuplesBefore);
    for (const r of ws.db.prepare('SELECT touches, tmask FROM conv').all() as { touches: string; tmask: number }[]) {
      expect(r.tmask).toBe(tupleMask((JSON.parse(r.touches) as [number][]).map(([t]) => t)));
    }
    expect(rows(report())).toEqual(rows(reportBefore));
    expect(list()).toEqual(listBefore);
  });

  it('drops a preloaded tuple that nothing asks for', () => {
    const dict = new TupleDict(ws.db, workspaceNormaliser(ws.settings));
    const gone = Object.fromEntries(DIMENSIONS.map((d) => [d, d === 'source' ? 'больше-не-бывает' : null])) as Dims;
    const used = ws.db.prepare(`SELECT ${DIMENSIONS.join(', ')} FROM dim_tuple WHERE id = 1`).get() as Dims;
    dict.preload([gone, used]);
    expect(dict.idOf(used)).toBe(1);
    const count = () => ws.db.prepare("SELECT count(*) FROM dim_tuple WHERE source = 'больше-не-бывает'").pluck().get();
    expect(count()).toBe(1);
    dict.dropUnused();
    expect(count()).toBe(0);
    expect(ws.db.prepare('SELECT count(*) FROM dim_tuple WHERE id = 1').pluck().get()).toBe(1);
  });

  it('reads a workspace of an older Skvoz (no tuple masks, the day indexes of before) the same way', () => {
    const q = (row: DealsQuery['row'], basis: 'event' | 'cohort') =>
      DealsQuerySchema.parse({ from: addDays(anchor, -200), to: addDays(anchor, -20), basis, row, sort: 'created', limit: 40 });
    const top = ws.db.prepare('SELECT source FROM dim_tuple WHERE source IS NOT NULL ORDER BY id LIMIT 1').pluck().get() as string;
    const cases = [q({ dims: { source: top }, unattributed: false }, 'event'), q({ dims: { source: top }, unattributed: false }, 'cohort'), q({ dims: {}, unattributed: true }, 'event')];
    const before = cases.map((c) => listDeals(ws, c));
    ws.db.exec(`DROP INDEX conv_day; ALTER TABLE conv DROP COLUMN tmask; CREATE INDEX conv_day ON conv (day);
                DROP INDEX conv_won_day; CREATE INDEX conv_won_day ON conv (won_day) WHERE won_day IS NOT NULL;
                DROP INDEX conv_cohort_day; CREATE INDEX conv_cohort_day ON conv (cohort_day);`);
    const after = cases.map((c) => listDeals(ws, c));
    expect(after).toEqual(before);
    expect(before.every((r) => r.items.length > 0)).toBe(true);
  });
});
