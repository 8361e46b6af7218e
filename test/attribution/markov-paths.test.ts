// Issue 17: Markov credits from the materialised daily path counts equal the credits computed by
// reading every conversion of the period (scanConversions, the implementation before the counts),
// on the medium demo, for several periods, groupings and both bases — after the full recompute
// and after an incremental one (deals changed, an anonymous caller becoming a lead, new calls).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportQuerySchema, type ReportQuery } from '../../src-shared/contract';
import { addDays } from '../../src-shared/time';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { ensureAttribution, Materialiser } from '../../src-main/engine/attribution/materialise';
import { dayString } from '../../src-main/engine/attribution/tuples';
import { Rows, loadTuples } from '../../src-main/engine/reports/query';
import { scanConversions } from '../../src-main/engine/reports/scan';
import { markovFromCounts } from '../../src-main/engine/reports/markov';
import { ensureOrphanPaths, orphanPathsReady } from '../../src-main/engine/attribution/orphan-paths';
import { unpack } from '../../src-main/engine/attribution/paths';
import type { Workspace } from '../../src-main/engine/workspace';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const METRICS = ['leads', 'deals', 'wonDeals', 'revenue', 'visits', 'visitRevenue'] as const;

let ws: Workspace;
let root: string;
let anchor: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-markov-paths-'));
  ({ ws } = await createDemoWorkspace(join(root, 'ws'), { name: 'Демо', size: 'medium', seed: 5, now: NOW }));
  anchor = dayString((ws.db.prepare('SELECT max(day) AS n FROM conv').get() as { n: number }).n);
}, 120_000);

afterAll(() => {
  ws?.close();
  rmSync(root, { recursive: true, force: true });
});

function periods(): { from: string; to: string }[] {
  const last = (days: number) => ({ from: addDays(anchor, -(days - 1)), to: anchor });
  return [last(365), last(90), last(30), last(1), { from: addDays(anchor, -200), to: addDays(anchor, -140) }];
}

const GROUPINGS: ReportQuery['groupBy'][] = [['source'], ['channel'], ['source', 'medium'], ['campaign'], ['source', 'medium', 'campaign', 'content', 'term']];

/** Largest |a − b| / max(1, |a|) over every row and metric of the two ways; rows must match. */
function maxDifference(q: ReportQuery): number {
  const tuples = loadTuples(ws);
  const viaScan = new Rows(q.groupBy, q);
  scanConversions(ws, q, 'markov', q.from, q.to, tuples, viaScan);
  const viaCounts = new Rows(q.groupBy, q);
  markovFromCounts(ws, q, q.from, q.to, tuples, viaCounts);
  const byKey = (r: Rows) => new Map(r.toRows().map((x) => [JSON.stringify([...q.groupBy.map((g) => x[g]), x.unattributed]), x]));
  const a = byKey(viaScan);
  const b = byKey(viaCounts);
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let worst = 0;
  for (const [k, x] of a) {
    for (const m of METRICS) worst = Math.max(worst, Math.abs(x[m] - b.get(k)![m]) / Math.max(1, Math.abs(x[m])));
  }
  return worst;
}

function checkAll(): void {
  let compared = 0;
  for (const basis of ['event', 'cohort'] as const) {
    for (const p of periods()) {
      for (const groupBy of GROUPINGS) {
        const q = ReportQuerySchema.parse({ ...p, groupBy, model: 'markov', basis });
        expect(maxDifference(q), `${basis} ${p.from}…${p.to} ${groupBy.join(',')}`).toBeLessThanOrEqual(1e-9);
        compared++;
      }
    }
  }
  expect(compared).toBe(50);
}

/** The materialised tables as sorted rows, tuple ids replaced by their dims (a full recompute renumbers them). */
function tables(): unknown {
  const db = ws.db;
  const dims = new Map(
    (db.prepare('SELECT id, channel, source, medium, campaign, content, term FROM dim_tuple').raw(true).all() as [number, ...unknown[]][]).map(([id, ...d]) => [id, JSON.stringify(d)]),
  );
  const of = (id: number) => (id === 0 ? '-' : dims.get(id)!);
  const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
  const text = new Map(db.prepare('SELECT id, tuples FROM markov_path').raw(true).all() as [number, string][]);
  const day: [number, number, string, number, number][] = [];
  for (const [chain, d, blob] of db.prepare('SELECT chain, day, counts FROM markov_day').raw(true).all() as [number, number, Uint8Array][]) {
    const f = unpack(blob);
    for (let i = 0; i < f.length; i += 3) day.push([chain, d, text.get(f[i]!)!, f[i + 1]!, Math.round(f[i + 2]! * 1e4) / 1e4]);
  }
  const nul: number[][] = [];
  for (const [d, blob] of db.prepare('SELECT day, counts FROM markov_null').raw(true).all() as [number, Uint8Array][]) {
    const f = unpack(blob);
    for (let i = 0; i < f.length; i += 5) nul.push([d, ...f.subarray(i, i + 5)]);
  }
  const orphan = db.prepare('SELECT value, at, tuple FROM markov_orphan').raw(true).all() as [string, number, number][];
  return {
    day: sorted(day.map(([c, d, t, n, v]) => [c, d, t === '' ? [] : t.split(',').map((x) => of(Number(x))), n, v])),
    nul: sorted(nul.map(([d, pd, nd, pt, t, n]) => [d, pd, nd, of(pt!), of(t!), n])),
    orphan: sorted(orphan.map(([v, at, t]) => [v, at, of(t)])),
  };
}

describe('Markov from daily path counts (medium demo)', () => {
  it('has counts for every converting chain, and for the non-converting paths once a Markov report asks', () => {
    const n = (sql: string) => (ws.db.prepare(sql).get() as { n: number }).n;
    // the full recompute leaves the non-converting paths to the first Markov report
    expect(orphanPathsReady(ws.db)).toBe(false);
    expect(n('SELECT count(*) AS n FROM markov_null')).toBe(0);
    const t = tables() as { day: string[]; nul: string[] };
    expect(ensureOrphanPaths(ws.db, ws.settings)).toBe(true);
    expect(orphanPathsReady(ws.db)).toBe(true);
    // leads, deals, won (and visits, when the workspace has any) on both bases
    const chains = ws.db.prepare('SELECT DISTINCT chain FROM markov_day ORDER BY chain').pluck().all();
    expect(chains).toEqual(n('SELECT count(*) AS n FROM conv WHERE kind = 3') > 0 ? [0, 1, 2, 3, 4, 5, 6, 7] : [0, 1, 2, 4, 5, 6]);
    expect((tables() as { nul: string[] }).nul.length).toBeGreaterThan(100);
    // every conversion is counted once on its event chain
    const events = t.day.map((r) => JSON.parse(r) as [number, number, string[], number]).filter(([chain]) => chain === 0 || chain === 1 || chain === 3);
    expect(events.reduce((x, r) => x + r[3], 0)).toBe(n('SELECT count(*) AS n FROM conv'));
  });

  it('gives the same credits as reading the conversions, after a full recompute', () => {
    checkAll();
  }, 120_000);

  it('stays equal after an incremental recompute, and equal to a full recompute', () => {
    const db = ws.db;
    expect(ensureOrphanPaths(db, ws.settings)).toBe(true);
    // deals: new amounts, some won now, one deleted from the cache
    db.prepare(`UPDATE b24_deal SET opportunity = CAST(round(coalesce(opportunity, 0) * 1.07 + 1) AS TEXT) WHERE id % 37 = 0`).run();
    db.prepare(`UPDATE b24_deal SET won_at = ?, stage_semantic = 'S' WHERE id % 41 = 0 AND won_at IS NULL`).run(NOW - 86_400_000);
    // an anonymous caller becomes a lead's phone; another anonymous caller calls again
    const orphans = db
      .prepare(`SELECT value FROM ident GROUP BY value HAVING max(owner IN ('lead', 'contact')) = 0 AND max(owner = 'call') = 1 LIMIT 2`)
      .pluck()
      .all() as string[];
    expect(orphans).toHaveLength(2);
    const lead = db.prepare('SELECT id FROM b24_lead ORDER BY id LIMIT 1').pluck().get() as number;
    db.prepare(`INSERT INTO ident (owner, owner_id, kind, value) VALUES ('lead', ?, 'phone', ?)`).run(lead, orphans[0]);
    const call = db.prepare(`SELECT * FROM ct_call c JOIN ident i ON i.owner = 'call' AND i.owner_id = c.id WHERE i.value = ? LIMIT 1`).get(orphans[1]) as {
      site_id: number;
    };
    const id = Number(
      db
        .prepare(`INSERT INTO ct_call (site_id, call_id, at, phone, source, medium, campaign, raw) VALUES (?, 999999991, ?, ?, 'vk', 'cpc', 'retarget', '{}')`)
        .run(call.site_id, NOW - 3 * 86_400_000, orphans[1]).lastInsertRowid,
    );
    db.prepare(`INSERT INTO ident (owner, owner_id, kind, value) VALUES ('call', ?, 'phone', ?)`).run(id, orphans[1]);

    const r = ensureAttribution(db, ws.settings);
    expect(r?.full).toBe(false);
    checkAll();
    const incremental = tables();
    new Materialiser(db, ws.settings).full();
    expect(orphanPathsReady(db)).toBe(false);
    ensureOrphanPaths(db, ws.settings);
    expect(tables()).toEqual(incremental);
  }, 180_000);
});
