// The Bitrix24 SourceSync (DESIGN.md §3, reference/bitrix24.md §14). One run:
//   round 1 batch: mode, scope, dictionaries, user names, and the first page + highest id of
//     every entity pass (an idle incremental run is this one request);
//   then rounds of ≤ 50 sub-calls: lead and deal passes (backfill, then `>=modified` deltas),
//     contacts of synced deals, contact changes, and — daily or on `full` — id reconciliation.
// Each round's rows and cursors are committed in one transaction (see stream.ts).
import type { Workspace } from '../../workspace';
import type { SecretProvider } from '../../secrets';
import type { SourceOverrides, SourceSync, SourceSyncContext } from '../../sync/orchestrator';
import { SkvozError } from '../../errors';
import { clearCursors, readCursor, readCursorJson, saveCursor } from '../../sync/cursor';
import { runBatch, type SubCall } from './batch';
import { B24Client, type B24ClientOptions } from './client';
import { CONTACT, DEAL, LEAD, mapContacts, writeContacts } from './entities';
import { cancelledError, RATE_LIMITS, realClock } from './limiter';
import { serverTime } from './scan';
import { ContactFetchStream, REFRESH_SCOPE } from './stream-contacts';
import { DictionaryStream, META_MODE, META_SCOPES, readMeta, writeMeta } from './stream-dicts';
import { ReconcileStream } from './stream-reconcile';
import { WonTimeStream } from './stream-wontime';
import { ScanStream, SOURCE, writeContactDeltaPage, writeDealPage, writeLeadPage } from './stream-scan';
import { isRetry, type Commit, type Retry, type Round, type Run, type Stream } from './stream';
import { parseWebhook, withOrigin, type Webhook } from './webhook';
import type { Db } from '../../db/open';

export interface Bitrix24SyncOptions {
  /** client knobs (tests: clock, timeouts, backoff) */
  client?: Partial<Omit<B24ClientOptions, 'webhook' | 'onRename' | 'log'>>;
  /** sub-calls per batch, 2…50 (default 50; smaller values only to test crash safety) */
  batchSize?: number;
  /** id reconciliation interval (default 24 h) */
  reconcileEveryMs?: number;
  progressEveryMs?: number;
  /** gives the bench access to the client's counters */
  onClient?: (client: B24Client) => void;
}

const DAY = 86_400_000;
const MAX_ROUND_RETRIES = 8;
const RENAMED = 'bitrix24.renamed:';

interface ReconcileState {
  at: number | null;
  due: boolean;
}

export async function readWebhookSecret(secrets: SecretProvider): Promise<string> {
  const secret = (await secrets.get({ kind: 'bitrix24_webhook' }))?.trim();
  if (!secret) {
    throw new SkvozError('invalid_input', 'Вебхук Bitrix24 не задан: вставьте адрес входящего вебхука в «Настройках» → Bitrix24.');
  }
  return secret;
}

/** The webhook with a base URL override and a remembered portal rename applied. */
export function resolveWebhook(db: Db, secret: string, baseUrl: string | null | undefined): { webhook: Webhook; persistRename: (o: string) => void } {
  const first = parseWebhook(secret, baseUrl || null);
  const renamed = readMeta(db, RENAMED + first.origin);
  let webhook = first;
  if (renamed) {
    try {
      webhook = withOrigin(first, renamed);
    } catch {
      webhook = first;
    }
  }
  return { webhook, persistRename: (origin) => writeMeta(db, RENAMED + first.origin, origin) };
}

export function makeClient(ws: Workspace, secret: string, overrides: SourceOverrides, opts: Bitrix24SyncOptions, log: SourceSyncContext['log']): B24Client {
  const { webhook, persistRename } = resolveWebhook(ws.db, secret, overrides.bitrix24BaseUrl ?? ws.settings.bitrix24.baseUrl);
  return new B24Client({
    webhook,
    limit: RATE_LIMITS[ws.settings.bitrix24.rateLimit] ?? RATE_LIMITS.standard,
    log,
    onRename: persistRename,
    ...opts.client,
  });
}

/** SKVOZ_BITRIX24_BATCH: sub-calls per batch for crash-safety tests of the CLI (many commits). */
function envBatchSize(): number | undefined {
  const n = Number(process.env.SKVOZ_BITRIX24_BATCH);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export async function syncBitrix24(ctx: SourceSyncContext, opts: Bitrix24SyncOptions = {}): Promise<{ rows: number }> {
  const { ws, signal, log } = ctx;
  const db = ws.db;
  const secret = await readWebhookSecret(ctx.secrets);
  const client = makeClient(ws, secret, ctx.overrides, opts, log);
  opts.onClient?.(client);
  const clock = opts.client?.clock ?? realClock;
  const batchSize = Math.min(50, Math.max(2, opts.batchSize ?? envBatchSize() ?? 50));

  if (ctx.full) {
    db.transaction(() => {
      clearCursors(db, SOURCE);
      saveCursor(db, SOURCE, 'reconcile', { at: null, due: true } satisfies ReconcileState);
      saveCursor(db, SOURCE, REFRESH_SCOPE, { afterId: 0 });
    })();
  }
  const rc = readCursorJson<ReconcileState>(db, SOURCE, 'reconcile');
  const resuming = ['lead', 'deal', 'contact'].some((e) => readCursor(db, SOURCE, `reconcile:${e}`) !== null);
  const lastAt = rc?.at;
  const reconcile = resuming || rc?.due === true || (typeof lastAt === 'number' && ctx.now() - lastAt >= (opts.reconcileEveryMs ?? DAY));

  const mode = Number(readMeta(db, META_MODE));
  const scopes = readMeta(db, META_SCOPES);
  const run: Run = { db, client, signal, log, mode: mode === 1 || mode === 2 ? mode : null, scopes: scopes === null ? null : scopes.split(',').filter(Boolean) };
  const dict = new DictionaryStream(run);
  const leads = new ScanStream(run, { scope: 'lead', prefix: 'L', entity: 'leads', spec: LEAD, backfill: true, skip: (r) => r.mode === 2, write: writeLeadPage });
  const deals = new ScanStream(run, { scope: 'deal', prefix: 'D', entity: 'deals', spec: DEAL, backfill: true, write: writeDealPage });
  const contacts = new ContactFetchStream(run, () => !deals.active());
  const changes = new ScanStream(run, { scope: 'contact', prefix: 'M', entity: 'contacts', spec: CONTACT, backfill: false, write: writeContactDeltaPage });
  const wonLater = new WonTimeStream(run, () => !deals.active());
  const streams: Stream[] = [dict, leads, deals, contacts, changes, wonLater];
  const checks: ReconcileStream[] = [];
  if (reconcile) {
    checks.push(
      new ReconcileStream(run, LEAD, 'RL', writeLeadPage, () => !leads.active(), () => run.mode === 2),
      new ReconcileStream(run, DEAL, 'RD', writeDealPage, () => !deals.active()),
      new ReconcileStream(run, CONTACT, 'RC', writeRestoredContacts, () => !contacts.active() && !changes.active()),
    );
    streams.push(...checks);
  }

  const started = clock.now();
  const lastEmit = new Map<string, number>();
  const emit = (force: boolean) => {
    const groups = new Map<string, { done: number; total: number | null }>();
    for (const s of streams) {
      const p = s.progress();
      const g = groups.get(s.entity.split(':')[0] ?? s.entity) ?? { done: 0, total: 0 };
      g.done += p.done;
      g.total = g.total === null || p.total === null ? null : g.total + p.total;
      groups.set(s.entity.split(':')[0] ?? s.entity, g);
    }
    const now = clock.now();
    for (const [entity, g] of groups) {
      if (!force && now - (lastEmit.get(entity) ?? 0) < (opts.progressEveryMs ?? 250)) continue;
      lastEmit.set(entity, now);
      const secs = Math.max(0.001, (now - started) / 1000);
      ctx.progress({ entity, done: g.done, total: g.total, ratePerSec: g.done / secs, requests: client.stats.requests });
    }
  };

  let changed = 0;
  let failures = 0;
  let server = { ms: ctx.now(), offset: 180 };
  for (;;) {
    if (signal.aborted) throw cancelledError();
    const calls: SubCall[] = [];
    const asked: Stream[] = [];
    for (const s of streams) {
      if (!s.active()) continue;
      const room = batchSize - calls.length;
      if (room <= 0) break;
      calls.push(...s.plan(room));
      asked.push(s);
    }
    let round: Round = { results: new Map(), server };
    if (calls.length) {
      const ans = await runBatch(client, calls, signal);
      server = serverTime(ans.time) ?? { ms: ctx.now(), offset: server.offset };
      round = { results: ans.results, server };
    }
    const commits: Commit[] = [];
    let retry: Retry | null = null;
    for (const s of asked) {
      const r = await s.settle(round);
      if (r === null) continue;
      if (isRetry(r)) {
        retry ??= r;
        continue;
      }
      commits.push(r);
      if (r.retry) retry ??= { retry: r.retry };
    }
    if (commits.length) {
      db.transaction(() => {
        for (const c of commits) changed += c.write(db);
      })();
      for (const c of commits) c.after();
    }
    emit(false);
    if (retry) {
      // sub-calls that failed stay pending; rounds without any progress count towards giving up
      failures = commits.some((c) => c.read > 0) ? 0 : failures + 1;
      if (failures > MAX_ROUND_RETRIES) throw retry.retry;
      log.info(`повтор после ошибки ${retry.retry.apiCode || retry.retry.kind} (${failures})`);
      await clock.sleep(Math.min(30_000, (opts.client?.backoffBaseMs ?? 1000) * 2 ** Math.max(0, failures - 1)), signal);
    } else {
      failures = 0;
    }
    if (!calls.length && !commits.length && !retry) break;
  }

  const deletedNow = checks.reduce((s, c) => s + c.deleted, 0);
  if (reconcile ? checks.every((c) => c.settled) : rc === null) {
    saveCursor(db, SOURCE, 'reconcile', { at: ctx.now(), due: false } satisfies ReconcileState);
  }
  emit(true);
  log.info(
    `Bitrix24: изменено строк ${changed}${reconcile ? `, помечено удалёнными ${deletedNow}` : ''}, ` +
      `${wonLater.settled ? `, уточнено время выигрыша ${wonLater.settled}` : ''}, запросов ${client.stats.requests}, 503: ${client.stats.rateLimited}, повторов ${client.stats.retries}`,
  );
  return { rows: changed };
}

/** Restored contacts found by reconciliation are written whatever links them. */
async function writeRestoredContacts(run: Run, raws: unknown[]): Promise<(db: Db) => number> {
  const rows = mapContacts(raws, run.log);
  return (db) => (rows.length ? writeContacts(db, rows) : 0);
}

export function createBitrix24Source(opts: Bitrix24SyncOptions = {}): SourceSync {
  return {
    kind: 'bitrix24',
    async isConfigured(_ws: Workspace, secrets: SecretProvider): Promise<boolean> {
      const s = await secrets.get({ kind: 'bitrix24_webhook' });
      return !!s && s.trim() !== '';
    },
    run: (ctx) => syncBitrix24(ctx, opts),
  };
}
