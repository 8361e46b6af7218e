// Shared pieces of the Calltouch tests: a workspace, a sync context, the expected tables built
// from the fake's own data through the same map + store, and a dump to compare them with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsSchema, type CalltouchSite, type SyncProgress } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import { openDatabase, type Db } from '../../src-main/engine/db/open';
import type { Logger } from '../../src-main/engine/log';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { Workspace } from '../../src-main/engine/workspace';
import type { SourceOverrides, SourceSyncContext } from '../../src-main/engine/sync/orchestrator';
import { mapCall, mapRequest } from '../../src-main/engine/sources/calltouch/map';
import { upsertCalls, upsertRequests } from '../../src-main/engine/sources/calltouch/store';
import { RateLimiter } from '../../src-main/engine/sources/calltouch/limiter';
import type { CtTuning } from '../../src-main/engine/sources/calltouch/client';
import type { MemoryDataset } from '../fakes/calltouch';

/** 5 April 2026, 12:00 in Moscow */
export const NOW = Date.parse('2026-04-05T09:00:00Z');

/** fast client: no pacing to speak of, millisecond backoffs */
export function fastTuning(): Partial<CtTuning> {
  return { limiter: new RateLimiter(2000), retryBaseMs: 1, retryMaxMs: 5, maxAttempts: 10, timeoutMs: 5_000 };
}

export interface TestWs {
  ws: Workspace;
  dir: string;
  secrets: MemorySecrets;
  dispose(): void;
}

export function makeWorkspace(sites: Partial<CalltouchSite>[], baseUrl: string, tokens: Record<number, string>): TestWs {
  const dir = mkdtempSync(join(tmpdir(), 'skvoz-ct-'));
  const ws = Workspace.create(join(dir, 'ws'), { name: 'ct' });
  const settings = SettingsSchema.parse({ calltouch: { baseUrl, sites, trailingDays: 3 } });
  ws.updateMeta({ settings });
  const secrets = new MemorySecrets();
  for (const [id, token] of Object.entries(tokens)) secrets.set({ kind: 'calltouch_token', siteId: Number(id) }, token);
  return {
    ws,
    dir,
    secrets,
    dispose: () => {
      ws.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Lines the sync logged in tests, NOT redacted (so a test can prove no token is ever logged). */
export const logged: string[] = [];

export function captureLogger(scope = 'calltouch'): Logger {
  const write = (level: string) => (...args: unknown[]) => {
    logged.push(`${level} [${scope}] ${args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (s) => captureLogger(`${scope}/${s}`) };
}

export function makeCtx(
  t: TestWs,
  opts: { now?: number; full?: boolean; signal?: AbortSignal; overrides?: SourceOverrides; progress?: SyncProgress[] } = {},
): SourceSyncContext {
  return {
    ws: t.ws,
    overrides: opts.overrides ?? {},
    secrets: t.secrets,
    signal: opts.signal ?? new AbortController().signal,
    full: opts.full ?? false,
    now: () => opts.now ?? NOW,
    log: captureLogger(),
    progress: (p) => opts.progress?.push({ ...p, runId: 'test', source: 'calltouch' }),
  };
}

export interface SiteSpec {
  siteId: number;
  timeZone: string;
  /** first day synced */
  from: string;
  /** today in the site's zone */
  to: string;
}

/** The tables a perfect sync of `sites` would produce, built from the fake's data. */
export function expectedDb(data: MemoryDataset, sites: SiteSpec[]): Db {
  const db = openDatabase(':memory:');
  db.transaction(() => {
    for (const s of sites) {
      upsertCalls(db, data.allCalls(s.siteId, s.from, s.to).map((r) => mapCall(r, s.siteId, s.timeZone)));
      upsertRequests(db, data.allRequests(s.siteId, s.from, s.to).map((r) => mapRequest(r, s.siteId, s.timeZone)));
    }
  })();
  return db;
}

export interface Dump {
  calls: unknown[];
  requests: unknown[];
  ident: unknown[];
}

/** Everything the sync writes, keyed by source ids (local row ids may differ between runs). */
export function dump(db: Db): Dump {
  return {
    calls: db
      .prepare(
        `SELECT site_id, call_id, at, phone, duration, successful, unique_call, target_call, uniq_target_call, callback_call,
                source, medium, campaign, content, term, city, tags, raw FROM ct_call ORDER BY site_id, call_id`,
      )
      .all(),
    requests: db
      .prepare(
        `SELECT site_id, request_id, at, subject, unique_request, target_request, uniq_target_request, source, medium,
                campaign, content, term, tags, raw FROM ct_request ORDER BY site_id, request_id`,
      )
      .all(),
    ident: db
      .prepare(
        `SELECT 'call' AS owner, c.site_id, c.call_id AS id, i.kind, i.value FROM ident i JOIN ct_call c ON i.owner = 'call' AND i.owner_id = c.id
         UNION ALL
         SELECT 'request', r.site_id, r.request_id, i.kind, i.value FROM ident i JOIN ct_request r ON i.owner = 'request' AND i.owner_id = r.id
         ORDER BY 1, 2, 3, 4, 5`,
      )
      .all(),
  };
}

export function today(now: number, tz = 'Europe/Moscow'): string {
  return instantToDate(now, tz);
}

export function daysBefore(day: string, n: number): string {
  return addDays(day, -n);
}
