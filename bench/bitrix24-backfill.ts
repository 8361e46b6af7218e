// Bitrix24 backfill against the fake portal at the real limits (50 burst, 2 rps; §8.1):
// 100k leads + 100k deals of the demo generator's large world, plus every contact those deals
// link to. The fake runs in a child process so the engine's RSS is the engine's alone.
//   npx tsx bench/bitrix24-backfill.ts [leads] [deals]
// Figures (DESIGN.md §8, `name: value unit (ratio R vs BOUND)`):
// - wall time vs the bound: the requests a 2,500-rows-per-call strategy needs
//   (⌈leads/2500⌉ + ⌈deals/2500⌉ + ⌈contacts/2500⌉), less the 50-request burst, at 2 rps.
//   Target ratio ≤ 1.15, zero 503s.
// - requests of an incremental pass with nothing changed, per entity (target ≤ 2).
// - upsert rows/s (map-free, store.ts per 2,500-row page with its cursor) vs a raw INSERT loop
//   of the same rows and identities (target ≥ 0.5).
// - engine peak RSS (target ≤ 400 MB).
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemo } from '../src-main/engine/demo';
import { openDatabase, type Db } from '../src-main/engine/db/open';
import { createLogger } from '../src-main/engine/log';
import { MemorySecrets } from '../src-main/engine/secrets';
import { mapDeal, mapLead, type DealRow, type LeadRow } from '../src-main/engine/sources/bitrix24/map';
import { upsertDeals, upsertLeads } from '../src-main/engine/sources/bitrix24/store';
import { syncBitrix24 } from '../src-main/engine/sources/bitrix24/sync';
import type { B24Client } from '../src-main/engine/sources/bitrix24/client';
import { saveCursor } from '../src-main/engine/sync/cursor';
import { Workspace } from '../src-main/engine/workspace';
import { FakeBitrix24, PortalData } from '../test/fakes/bitrix24';
import { measureInterleaved, report } from './lib';

const LEADS = Number(process.argv[2] ?? 100_000);
const DEALS = Number(process.argv[3] ?? 100_000);
const NOW = Date.parse('2026-03-31T12:00:00Z');
const SELF = fileURLToPath(import.meta.url);

interface FakeInfo {
  webhook: string;
  leads: number;
  deals: number;
  contacts: number;
}
interface Counters {
  requests: number;
  http503: number;
  subCalls: number;
  byMethod: Record<string, number>;
}

async function main(): Promise<void> {
  const child = fork(SELF, process.argv.slice(2), { env: { ...process.env, SKVOZ_BENCH_ROLE: 'fake' }, execArgv: ['--import', 'tsx'] });
  const ask = <T>(msg: string | null, key: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
      if (msg) child.send(msg);
    });
  const t = performance.now();
  const info = await ask<FakeInfo>(null, 'info');
  console.log(`fake portal: ${info.leads} leads, ${info.deals} deals, ${info.contacts} contacts (seeded in ${((performance.now() - t) / 1000).toFixed(1)} s)`);

  const dir = mkdtempSync(join(tmpdir(), 'skvoz-b24-bench-'));
  let exited = false;
  try {
    const ws = Workspace.create(join(dir, 'ws'), { name: 'bench' });
    const secrets = new MemorySecrets();
    secrets.set({ kind: 'bitrix24_webhook' }, info.webhook);
    let client: B24Client | null = null;
    let lastPrint = 0;
    const seen = new Map<string, string>();
    const ctx = (full: boolean) => ({
      ws,
      overrides: {},
      secrets,
      signal: new AbortController().signal,
      full,
      now: Date.now,
      log: createLogger('bench'),
      progress: (p: { entity: string; done: number; total: number | null; requests: number }) => {
        seen.set(p.entity, `${p.entity} ${p.done}${p.total ? `/${p.total}` : ''}`);
        if (Date.now() - lastPrint < 5000) return;
        lastPrint = Date.now();
        process.stderr.write(`  ${[...seen.values()].join(', ')}; requests ${p.requests}\n`);
      },
    });

    // 1. backfill at 50 / 2 rps
    const t0 = performance.now();
    const r = await syncBitrix24(ctx(false), { onClient: (c) => (client = c) });
    const wall = (performance.now() - t0) / 1000;
    const after = await ask<Counters>('counters', 'counters');
    const stats = (client as B24Client | null)?.stats;
    const ideal = Math.ceil(info.leads / 2500) + Math.ceil(info.deals / 2500) + Math.ceil(info.contacts / 2500);
    const bound = Math.max(0, ideal - 50) / 2;
    const count = (sql: string) => (ws.db.prepare(sql).get() as { n: number }).n;
    console.log(
      `rows written: ${r.rows}; leads ${count('SELECT count(*) AS n FROM b24_lead')}, deals ${count('SELECT count(*) AS n FROM b24_deal')}, ` +
        `contacts ${count('SELECT count(*) AS n FROM b24_contact')}; sub-calls ${after.subCalls}`,
    );
    report('bitrix24 backfill wall time', wall, 's', { name: `bound ${bound.toFixed(1)} s = (${ideal} ideal requests − 50 burst) / 2 rps`, value: bound });
    report('bitrix24 backfill HTTP requests', after.requests, 'requests', { name: `${ideal} ideal requests at 2,500 rows each`, value: ideal });
    report('bitrix24 backfill 503 received', after.http503, '503s', { name: 'target 0 (ratio vs 1)', value: 1 });
    console.log(`client: ${stats?.requests} requests, ${stats?.rateLimited} rate-limited, ${stats?.retries} retries`);
    const peakRss = process.resourceUsage().maxRSS / 1024;

    // 2. incremental pass with nothing changed
    const t1 = performance.now();
    await syncBitrix24(ctx(false));
    const idle = await ask<Counters>('counters', 'counters');
    const idleRequests = idle.requests - after.requests;
    const perMethod = ['crm.lead.list', 'crm.item.list', 'crm.contact.list'].map((m) => `${m} ${(idle.byMethod[m] ?? 0) - (after.byMethod[m] ?? 0)}`);
    console.log(`idle incremental: ${idleRequests} HTTP request(s) in ${((performance.now() - t1) / 1000).toFixed(2)} s; sub-calls: ${perMethod.join(', ')}`);
    report('bitrix24 idle incremental requests per entity', idleRequests / 3, 'requests', { name: 'target 2 per entity', value: 2 });
    report('bitrix24 engine peak RSS', peakRss, 'MB', { name: 'target 400 MB', value: 400 });
    ws.close();
    child.send('exit');
    exited = true;

    // 3. upsert throughput vs a raw insert loop (same rows, same pages of 2,500)
    const gen = generateDemo({ size: 'large', seed: 1, now: NOW });
    const leads: LeadRow[] = [];
    for (const page of gen.leads()) {
      for (const l of page) leads.push(mapLead(l));
      if (leads.length >= LEADS) break;
    }
    const deals: DealRow[] = [];
    for (const page of gen.deals()) {
      for (const d of page) deals.push(mapDeal(d));
      if (deals.length >= DEALS) break;
    }
    const rows = leads.length + deals.length;
    let db: Db | null = null;
    const fresh = () => {
      db = openDatabase(':memory:');
    };
    const close = () => {
      db?.close();
    };
    const [up, raw] = await measureInterleaved(
      [
        { name: 'upsert', op: () => upsertAll(db as unknown as Db, leads, deals), setup: fresh, teardown: close },
        { name: 'raw', op: () => rawAll(db as unknown as Db, leads, deals), setup: fresh, teardown: close },
      ],
      3,
    );
    const upRate = rows / ((up?.median ?? 1) / 1000);
    const rawRate = rows / ((raw?.median ?? 1) / 1000);
    report('bitrix24 upsert rows/s', upRate, 'rows/s', { name: `raw insert loop ${Math.round(rawRate)} rows/s`, value: rawRate });
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (!exited && child.connected) child.send('exit');
  }
}

function pages<T>(rows: readonly T[], size = 2500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** What the sync does per page: store.ts upserts + the cursor, one transaction. */
function upsertAll(db: Db, leads: LeadRow[], deals: DealRow[]): number {
  let n = 0;
  for (const p of pages(leads)) db.transaction(() => ((n += upsertLeads(db, p)), saveCursor(db, 'bitrix24', 'lead', { next: p.length })))();
  for (const p of pages(deals)) db.transaction(() => ((n += upsertDeals(db, p)), saveCursor(db, 'bitrix24', 'deal', { next: p.length })))();
  return n;
}

const LEAD_INSERT =
  'INSERT INTO b24_lead (id, title, status_id, status_semantic, source_id, utm_source, utm_medium, utm_campaign, utm_content, utm_term, ' +
  'opportunity, currency_id, created_at, modified_at, closed_at, contact_id, assigned_by_id, deleted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)';
const DEAL_INSERT =
  'INSERT INTO b24_deal (id, title, category_id, stage_id, stage_semantic, opportunity, currency_id, created_at, modified_at, moved_at, closedate, ' +
  'closed, won_at, source_id, utm_source, utm_medium, utm_campaign, utm_content, utm_term, lead_id, contact_id, company_id, assigned_by_id, deleted) ' +
  'VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,0)';
const IDENT_INSERT = 'INSERT INTO ident (owner, owner_id, kind, value) VALUES (?, ?, ?, ?)';
const LINK_INSERT = 'INSERT INTO b24_deal_contact (deal_id, contact_id) VALUES (?, ?)';

/** The floor: plain INSERTs of the same rows, identities and links, one transaction per page. */
function rawAll(db: Db, leads: LeadRow[], deals: DealRow[]): number {
  const li = db.prepare(LEAD_INSERT);
  const di = db.prepare(DEAL_INSERT);
  const ii = db.prepare(IDENT_INSERT);
  const ci = db.prepare(LINK_INSERT);
  let n = 0;
  for (const p of pages(leads)) {
    db.transaction(() => {
      for (const r of p) {
        li.run(r.id, r.title, r.statusId, r.statusSemantic, r.sourceId, r.utmSource, r.utmMedium, r.utmCampaign, r.utmContent, r.utmTerm,
          r.opportunity, r.currencyId, r.createdAt, r.modifiedAt, r.closedAt, r.contactId, r.assignedById);
        for (const ph of r.phones) ii.run('lead', r.id, 'phone', ph);
        for (const e of r.emails) ii.run('lead', r.id, 'email', e);
        n++;
      }
    })();
  }
  for (const p of pages(deals)) {
    db.transaction(() => {
      for (const r of p) {
        di.run(r.id, r.title, r.categoryId, r.stageId, r.stageSemantic, r.opportunity, r.currencyId, r.createdAt, r.modifiedAt, r.movedAt,
          r.closedate, r.closed, r.wonAt, r.sourceId, r.utmSource, r.utmMedium, r.utmCampaign, r.utmContent, r.utmTerm, r.leadId,
          r.contactId, r.companyId, r.assignedById);
        for (const c of r.contactIds) ci.run(r.id, c);
        n++;
      }
    })();
  }
  return n;
}

// ---------- child: the fake portal ----------
if (process.env.SKVOZ_BENCH_ROLE === 'fake') {
  const data = PortalData.fromDemo(generateDemo({ size: 'large', seed: 1, now: NOW }), { leads: LEADS, deals: DEALS });
  const fake = await new FakeBitrix24(data, { rateLimit: { burst: 50, rps: 2 } }).start();
  const counters = (): Counters => ({
    requests: fake.counters.requests,
    http503: fake.counters.http503,
    subCalls: fake.counters.subCalls,
    byMethod: Object.fromEntries(fake.counters.byMethod),
  });
  process.on('message', (m: string) => {
    if (m === 'counters') process.send?.({ counters: counters() });
    if (m === 'exit') void fake.close().then(() => process.exit(0));
  });
  process.send?.({ info: { webhook: fake.webhook, leads: data.leads.size, deals: data.deals.size, contacts: data.contacts.size } satisfies FakeInfo });
} else {
  await main();
}
