// The Calltouch side of the outbox sender: one pass over what is due, site by site.
//   1. reconcile rows of unknown fate (left 'sending' by a crash, or failed ambiguously): look
//      them up in the deals journal; found → sent, not found → queued again (sent in step 2);
//   2. creates in batches of ≤ 100 (client-order/create);
//   3. updates of orders whose create is sent (client-order/update).
// Every request is preceded by writing its rows as 'sending' (with what they carry) and followed
// by writing each row's outcome; nothing is sent for a row another sender has claimed.
import { Agent } from 'undici';
import type { Workspace } from '../workspace';
import type { SecretProvider } from '../secrets';
import type { SourceOverrides } from '../sync/orchestrator';
import type { Logger } from '../log';
import { checkBaseUrl } from '../sources/calltouch/client';
import { sharedCalltouchLimiter, type RateLimiter } from '../sources/calltouch/limiter';
import { MAX_ORDERS, createOrder, sentFacts, updateOrder, type OrderFacts } from './calltouch-orders';
import { LeadServiceClient, type Outcome, type OrderResult } from './lead-service';
import { Outbox, backoffMs, type Op, type OutboxRow } from './outbox';
import { factsOf, parseSent, queueDealForwards } from './facts';
import { isDuplicateError, lookupOrders } from './reconcile';

export interface SenderTuning {
  /** orders per request (≤ 100) */
  batchSize: number;
  /** how long to wait for an answer */
  timeoutMs: number;
  /** a row left 'sending' this long is taken as abandoned by a crashed sender (> timeoutMs) */
  settleMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  journalPageLimit: number;
  limiter: RateLimiter;
  random: () => number;
}

export function defaultTuning(over: Partial<SenderTuning> = {}): SenderTuning {
  const timeoutMs = over.timeoutMs ?? 30_000;
  return {
    batchSize: MAX_ORDERS,
    settleMs: Math.max(timeoutMs * 2, timeoutMs + 30_000),
    backoffBaseMs: 30_000,
    backoffMaxMs: 30 * 60_000,
    journalPageLimit: 1000,
    limiter: sharedCalltouchLimiter(),
    random: Math.random,
    ...over,
    timeoutMs,
  };
}

export interface SendStats {
  attempted: number;
  sent: number;
  failed: number;
  rejected: number;
  /** rows of unknown fate looked up */
  reconciled: number;
  /** of those, found already in Calltouch */
  found: number;
  requests: number;
}

export interface SenderDeps {
  ws: Workspace;
  secrets: SecretProvider;
  overrides: SourceOverrides;
  now: () => number;
  tuning: SenderTuning;
  log: Logger;
  signal?: AbortSignal;
  /** called after each batch (counts for the navigation badge) */
  changed: () => void;
}

/** Calltouch sites known to the workspace (settings) and the environment (CLI). */
export function knownSites(ws: Workspace, overrides: SourceOverrides): number[] {
  return [...new Set([...ws.settings.calltouch.sites.map((s) => s.siteId), ...(overrides.calltouchSiteIds ?? [])])];
}

export function siteTimeZone(ws: Workspace, siteId: number): string {
  return ws.settings.calltouch.sites.find((s) => s.siteId === siteId)?.timeZone ?? ws.settings.timeZone;
}

export const noTokenMessage = (siteId: number): string => `Нет токена Calltouch для кабинета ${siteId} — добавьте его в настройках`;
export const NO_SITE_MESSAGE = 'Не выбран кабинет Calltouch — добавьте кабинет в настройках';

function chunks<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

export class CalltouchSender {
  readonly stats: SendStats = { attempted: 0, sent: 0, failed: 0, rejected: 0, reconciled: 0, found: 0, requests: 0 };
  private readonly outbox: Outbox;
  private readonly agent: Agent;

  constructor(private readonly d: SenderDeps) {
    this.outbox = new Outbox(d.ws.db);
    this.agent = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: Math.min(15_000, d.tuning.timeoutMs) } });
  }

  async run(): Promise<SendStats> {
    const { ws, overrides } = this.d;
    const db = ws.db;
    const now = this.d.now();
    const site0 = knownSites(ws, overrides)[0] ?? null;
    if (ws.settings.visits.forwardBitrix24Deals) {
      const n = queueDealForwards(db, ws.settings, now, site0, (e) => this.outbox.enqueue({ target: 'calltouch', ...e, now }));
      if (n) this.d.log.info(`сделок Bitrix24 в очереди для Calltouch: ${n}`);
    }
    const siteless = db
      .prepare("SELECT id FROM outbox WHERE target = 'calltouch' AND site_id IS NULL AND state IN ('queued', 'failed')")
      .pluck()
      .all() as number[];
    if (site0 === null) this.outbox.note(siteless, NO_SITE_MESSAGE, now);
    else db.transaction(() => siteless.forEach((id) => this.outbox.setSite(id, site0, now)))();
    const sites = db
      .prepare("SELECT DISTINCT site_id FROM outbox WHERE target = 'calltouch' AND site_id IS NOT NULL AND state IN ('queued', 'failed', 'sending') ORDER BY site_id")
      .pluck()
      .all() as number[];
    try {
      for (const siteId of sites) {
        if (this.d.signal?.aborted) break;
        await this.site(siteId);
      }
    } finally {
      await this.agent.close();
    }
    return this.stats;
  }

  private pendingOfSite(siteId: number): number[] {
    return this.d.ws.db
      .prepare("SELECT id FROM outbox WHERE target = 'calltouch' AND site_id = ? AND state IN ('queued', 'failed')")
      .pluck()
      .all(siteId) as number[];
  }

  private async site(siteId: number): Promise<void> {
    const { ws, overrides } = this.d;
    const token = await this.d.secrets.get({ kind: 'calltouch_token', siteId });
    if (!token) {
      this.outbox.note(this.pendingOfSite(siteId), noTokenMessage(siteId), this.d.now());
      this.d.changed();
      return;
    }
    const base = checkBaseUrl(overrides.calltouchBaseUrl ?? ws.settings.calltouch.baseUrl);
    if (!base.ok) {
      this.outbox.note(this.pendingOfSite(siteId), base.message, this.d.now());
      return;
    }
    const client = new LeadServiceClient({
      baseUrl: base.url,
      siteId,
      token,
      timeoutMs: this.d.tuning.timeoutMs,
      limiter: this.d.tuning.limiter,
      agent: this.agent,
      signal: this.d.signal,
    });
    const tz = siteTimeZone(ws, siteId);
    try {
      if (!(await this.reconcile(siteId, client, tz))) return;
      if (!(await this.batches(siteId, 'create', client, tz))) return;
      await this.batches(siteId, 'update', client, tz);
    } finally {
      this.stats.requests += client.requests;
    }
  }

  private backoff(attempts: number): number {
    const t = this.d.tuning;
    return backoffMs(attempts, { baseMs: t.backoffBaseMs, maxMs: t.backoffMaxMs, random: t.random });
  }

  /** Step 1. Returns false when the lookup could not be done (the site is skipped this pass). */
  private async reconcile(siteId: number, client: LeadServiceClient, tz: string): Promise<boolean> {
    const now = this.d.now();
    const rows = this.outbox.toVerify('calltouch', now, this.d.tuning.settleMs).filter((r) => r.site_id === siteId);
    if (rows.length === 0) return true;
    const owned = this.outbox.claimForVerify(rows, now);
    const mine = rows.filter((r) => owned.has(r.id));
    // an update may simply be sent again (status, revenue and tags are idempotent)
    for (const r of mine) if (r.op === 'update') this.outbox.notFound(r.id, now, now);
    const items: { row: OutboxRow; facts: OrderFacts }[] = [];
    for (const r of mine) {
      if (r.op !== 'create') continue;
      const facts = factsOf(this.d.ws.db, r, this.d.ws.settings);
      if (facts) items.push({ row: r, facts });
      else this.outbox.rejected(r.id, 'Источник сделки удалён — проверить её в Calltouch не по чему.', now, now);
    }
    if (items.length === 0) return true;
    this.stats.reconciled += items.length;
    const lookup = await lookupOrders(client, items.map((i) => i.facts), tz, now, {
      pageLimit: this.d.tuning.journalPageLimit,
      crm: this.d.ws.settings.visits.crmName,
    });
    const t = this.d.now();
    this.d.ws.db.transaction(() => {
      for (const { row } of items) {
        const p = lookup.presence.get(row.order_number);
        if (p?.found) {
          if (this.outbox.sent(row.id, p.id, null, t, now)) {
            this.stats.sent++;
            this.stats.found++;
          }
        } else if (p && !p.found) {
          this.outbox.notFound(row.id, t, now);
        } else {
          const msg = lookup.error?.message ?? 'Не удалось проверить, дошла ли сделка до Calltouch.';
          if (this.outbox.failed(row.id, msg, t + (lookup.error?.waitMs ?? this.backoff(row.attempts)), true, t, now)) this.stats.failed++;
        }
      }
    })();
    this.d.log.info(`кабинет ${siteId}: сверка ${items.length} сделок (${lookup.via}, запросов ${lookup.requests})`);
    this.d.changed();
    return lookup.error === null;
  }

  /** Steps 2 and 3. Returns false when Calltouch is out of reach (the rest waits for the next pass). */
  private async batches(siteId: number, op: Op, client: LeadServiceClient, tz: string): Promise<boolean> {
    let rows = this.outbox.due('calltouch', op, this.d.now(), siteId);
    if (op === 'update') rows = rows.filter((r) => this.outbox.createSent(r.order_number, 'calltouch'));
    const queue = chunks(rows, Math.min(MAX_ORDERS, this.d.tuning.batchSize));
    for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
      if (this.d.signal?.aborted) return false;
      const r = await this.batch(chunk, op, client, tz);
      if (r === 'stop') return false;
      if (r === 'split') {
        // one bad order refuses the whole request: send them one by one to find it
        const fresh = chunk.map((c) => this.outbox.get(c.id)).filter((x): x is OutboxRow => x !== undefined);
        queue.unshift(...chunks(fresh, 1));
      }
    }
    return true;
  }

  private async batch(chunk: readonly OutboxRow[], op: Op, client: LeadServiceClient, tz: string): Promise<'ok' | 'stop' | 'split'> {
    const { ws } = this.d;
    // the request's rate-limit slot first: once claimed, rows go out at once (a claim that sat
    // waiting could look abandoned to another sender)
    try {
      await this.d.tuning.limiter.acquire(this.d.signal);
    } catch {
      return 'stop';
    }
    const now = this.d.now();
    const items: { row: OutboxRow; facts: OrderFacts }[] = [];
    for (const row of chunk) {
      const facts = factsOf(ws.db, row, ws.settings);
      if (facts) items.push({ row, facts });
      else if (this.outbox.cancel(row.id, now)) this.outbox.note([row.id], 'Сделка удалена в Bitrix24 — отправка отменена.', now);
    }
    const payloads = new Map(items.map((i) => [i.row.id, JSON.stringify(sentFacts(i.facts))]));
    const owned = this.outbox.claim(
      items.map((i) => i.row),
      now,
      payloads,
    );
    const mine = items.filter((i) => owned.has(i.row.id));
    if (mine.length === 0) return 'ok';
    this.stats.attempted += mine.length;
    const crm = ws.settings.visits.crmName;
    let outcome: Outcome<OrderResult[]>;
    if (op === 'create') {
      outcome = await client.create({ crm, orders: mine.map((i) => createOrder(i.facts, tz)) }, true);
    } else {
      const orders = mine.map((i) => updateOrder(i.facts, tz, now, parseSent(this.outbox.lastSent(i.row.order_number, 'calltouch')?.payload ?? null)));
      outcome = await client.update({ crm, orders }, true);
    }
    const t = this.d.now();
    let result: 'ok' | 'stop' | 'split' = 'ok';
    const count = (written: boolean, key: 'sent' | 'failed' | 'rejected') => {
      if (written) this.stats[key]++;
    };
    ws.db.transaction(() => {
      for (const [k, { row }] of mine.entries()) {
        const attempts = row.attempts + 1;
        if (outcome.kind === 'ok') {
          const res = outcome.value[k] ?? { id: null, error: null };
          if (res.error === null && (res.id !== null || op === 'update')) {
            count(this.outbox.sent(row.id, res.id, null, t, now), 'sent');
          } else if (res.error === null) {
            const msg = 'Calltouch не вернул результат по этой сделке — сверим по журналу сделок.';
            count(this.outbox.failed(row.id, msg, t + this.backoff(attempts), true, t, now), 'failed');
          } else if (op === 'create' && isDuplicateError(res.error) && attempts < 3) {
            // it is there already (an earlier attempt, a lagging journal): look it up next pass
            count(this.outbox.failed(row.id, `Calltouch: ${res.error} — сверим по журналу сделок.`, t, true, t, now), 'failed');
          } else {
            count(this.outbox.rejected(row.id, `Calltouch отклонил сделку: ${res.error}`, t, now), 'rejected');
          }
        } else if (outcome.kind === 'invalid') {
          if (mine.length > 1) {
            this.outbox.failed(row.id, outcome.message, 0, false, t, now);
            result = 'split';
          } else {
            count(this.outbox.rejected(row.id, outcome.message, t, now), 'rejected');
          }
        } else {
          const ambiguous = outcome.kind === 'ambiguous';
          const wait = outcome.kind === 'definitive' && outcome.waitMs !== null ? outcome.waitMs : this.backoff(attempts);
          count(this.outbox.failed(row.id, outcome.message, t + wait, ambiguous && op === 'create', t, now), 'failed');
          if (!ambiguous) result = 'stop';
        }
      }
    })();
    if (outcome.kind !== 'ok') this.d.log.warn(`кабинет ${client.siteId}: ${op} ×${mine.length}: ${outcome.message}`);
    this.d.changed();
    return result;
  }
}
