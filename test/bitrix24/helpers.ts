// Shared setup for the Bitrix24 tests: a fake portal seeded from the demo generator, a temp
// workspace, a sync run with a context like the orchestrator's, and a row-for-row comparison of
// the workspace with what the portal holds (mapped through the same map/store code).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncProgress } from '@shared/contract';
import { generateDemo } from '../../src-main/engine/demo';
import { openDatabase, type Db } from '../../src-main/engine/db/open';
import { createLogger } from '../../src-main/engine/log';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { mapContact, mapDeal, mapLead, mapStatus, mapCategory, mapCurrency, mapUser } from '../../src-main/engine/sources/bitrix24/map';
import {
  upsertCategories,
  upsertContacts,
  upsertCurrencies,
  upsertDeals,
  upsertLeads,
  upsertStatuses,
  upsertUsers,
} from '../../src-main/engine/sources/bitrix24/store';
import { syncBitrix24, type Bitrix24SyncOptions } from '../../src-main/engine/sources/bitrix24/sync';
import type { SourceOverrides } from '../../src-main/engine/sync/orchestrator';
import { Workspace } from '../../src-main/engine/workspace';
import { FakeBitrix24, PortalData, type FakeOptions } from '../fakes/bitrix24';
import { parseIsoInstant } from '../../src-main/engine/sources/parse';

export const DEMO_NOW = Date.parse('2026-03-31T12:00:00Z');

export function demoData(limits: { leads: number; deals: number } = { leads: 100_000, deals: 100_000 }, seed = 1): PortalData {
  return PortalData.fromDemo(generateDemo({ size: 'small', seed, now: DEMO_NOW }), limits);
}

export async function startFake(data: PortalData, opts: FakeOptions = {}): Promise<FakeBitrix24> {
  return new FakeBitrix24(data, opts).start();
}

const dirs: string[] = [];

export function tempWorkspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'skvoz-b24-'));
  dirs.push(dir);
  return Workspace.create(dir, { name: 'test' });
}

export function cleanupDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Fast client knobs for tests: short timeouts, millisecond backoff, no client-side bucket wait. */
export const FAST: Bitrix24SyncOptions = {
  client: { timeoutMs: 400, backoffBaseMs: 5, backoffCapMs: 50, rateBaseMs: 5, maxAttempts: 10, operatingMinWaitMs: 300, limit: { burst: 100_000, rps: 100_000 } },
};

export interface SyncRun {
  rows: number;
  progress: SyncProgress[];
}

export async function sync(
  ws: Workspace,
  webhook: string,
  opts: { full?: boolean; options?: Bitrix24SyncOptions; overrides?: SourceOverrides; signal?: AbortSignal } = {},
): Promise<SyncRun> {
  const secrets = new MemorySecrets();
  secrets.set({ kind: 'bitrix24_webhook' }, webhook);
  const progress: SyncProgress[] = [];
  const r = await syncBitrix24(
    {
      ws,
      overrides: opts.overrides ?? {},
      secrets,
      signal: opts.signal ?? new AbortController().signal,
      full: opts.full ?? false,
      now: Date.now,
      log: createLogger('test/bitrix24'),
      progress: (p) => progress.push({ ...p, runId: 'test', source: 'bitrix24' }),
    },
    { ...FAST, ...opts.options, client: { ...FAST.client, ...opts.options?.client } },
  );
  return { rows: r.rows, progress };
}

/** The portal's current data written through map + store into a fresh database. */
export function expectedDb(data: PortalData, opts: { leads?: boolean; users?: boolean; contactIds?: Iterable<number> } = {}): Db {
  const db = openDatabase(':memory:');
  const linked = new Set<number>(opts.contactIds ?? []);
  for (const d of data.deals.rows.values()) for (const c of d.contactIds) linked.add(c);
  db.transaction(() => {
    if (opts.leads !== false) upsertLeads(db, [...data.leads.rows.values()].map(mapLead));
    upsertDeals(
      db,
      [...data.deals.rows.values()].map((d) => mapDeal(d, d.movedTime ? null : parseIsoInstant(data.wonAt.get(d.id)))),
    );
    upsertContacts(db, [...linked].filter((id) => data.contacts.rows.has(id)).map((id) => mapContact(data.contacts.rows.get(id)!)));
    const dict = data.dictionaries;
    upsertStatuses(db, dict.statuses.map(mapStatus));
    upsertCategories(db, dict.categories.map(mapCategory));
    upsertCurrencies(db, dict.currencies.map(mapCurrency));
    if (opts.users !== false) upsertUsers(db, dict.users.map(mapUser));
  })();
  return db;
}

const TABLES: [string, string][] = [
  ['b24_lead', 'SELECT * FROM b24_lead WHERE deleted = 0 ORDER BY id'],
  ['b24_deal', 'SELECT * FROM b24_deal WHERE deleted = 0 ORDER BY id'],
  ['b24_contact', 'SELECT * FROM b24_contact WHERE deleted = 0 ORDER BY id'],
  [
    'b24_deal_contact',
    'SELECT dc.* FROM b24_deal_contact dc JOIN b24_deal d ON d.id = dc.deal_id AND d.deleted = 0 ORDER BY deal_id, contact_id',
  ],
  [
    'ident',
    `SELECT i.owner, i.owner_id, i.kind, i.value FROM ident i WHERE i.owner IN ('lead', 'contact') ORDER BY owner, owner_id, kind, value`,
  ],
  ['b24_status', 'SELECT * FROM b24_status ORDER BY entity_id, status_id'],
  ['b24_category', 'SELECT * FROM b24_category ORDER BY id'],
  ['b24_currency', 'SELECT * FROM b24_currency ORDER BY code'],
  ['b24_user', 'SELECT * FROM b24_user ORDER BY id'],
];

/** Every Bitrix24 table (live rows) as comparable text, per table. */
export function dump(db: Db): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of TABLES) out[name] = db.prepare(sql).all();
  return out;
}

/** The contact ids a workspace holds (any state): contacts once linked stay there. */
export function workspaceContactIds(db: Db): number[] {
  return (db.prepare('SELECT id FROM b24_contact').all() as { id: number }[]).map((r) => r.id);
}
