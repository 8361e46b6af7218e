// Bitrix24 REST client on undici: POST JSON to <webhook>/<method>, one queue per portal,
// retry policy of reference/bitrix24.md §8.4:
//   503 QUERY_LIMIT_EXCEEDED → drain our bucket, wait 1.5 s × 1.5^n (+ jitter), retry
//   429 OPERATION_TIME_LIMIT → park the method(s) until the last known reset (≥ 10 s), retry
//   OVERLOAD_LIMIT → stop (B24ApiError 'overload'); other 4xx → no retry
//   5xx / network / timeout / truncated JSON → exponential backoff 1 s × 2^n, cap 30 s, ±10 %
//   302 (portal renamed, §2) → re-POST to the new host by hand, report it through onRename
//   *.add (also inside a batch) is never re-sent once it may have reached the server (§11.4)
import { request } from 'undici';
import type { Logger } from '../../log';
import type { B24Success, B24Time } from './api-types';
import { B24ApiError, classify, effectiveCode } from './api-error';
import { cancelledError, LeakyBucket, OperatingBudget, RATE_LIMITS, realClock, type Clock, type RateLimit } from './limiter';
import { withOrigin, type Webhook } from './webhook';

export interface HttpAnswer {
  status: number;
  location: string | null;
  body: string;
}

/** One POST. Throws TransportError when no complete answer arrived. */
export type Transport = (url: string, body: string, opts: { signal?: AbortSignal; timeoutMs: number }) => Promise<HttpAnswer>;

export class TransportError extends Error {
  constructor(
    message: string,
    /** the request certainly never reached the server (connection refused, DNS) */
    readonly notSent: boolean,
    readonly timeout: boolean,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

function errCode(err: unknown): string {
  for (let e: unknown = err, i = 0; e && typeof e === 'object' && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}

export const undiciTransport: Transport = async (url, body, { signal, timeoutMs }) => {
  const deadline = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
  try {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Skvoz/0.1 (+https://skvoz.app)' },
      signal: both,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    const loc = res.headers.location;
    return { status: res.statusCode, location: typeof loc === 'string' ? loc : Array.isArray(loc) ? (loc[0] ?? null) : null, body: text };
  } catch (err) {
    if (signal?.aborted) throw cancelledError();
    const code = errCode(err);
    const timeout = deadline.aborted || TIMEOUTS.has(code);
    throw new TransportError(timeout ? 'таймаут ответа' : code || (err instanceof Error ? err.message : 'сеть'), NOT_SENT.has(code), timeout);
  }
};

export interface PortalQueue {
  bucket: LeakyBucket;
  budget: OperatingBudget;
}

const queues = new Map<string, PortalQueue>();

/** The process-wide queue of one portal (all clients of that portal share its limits). */
export function portalQueue(origin: string, limit: RateLimit, clock: Clock = realClock, operatingLimitSec = 480, minBlockMs = 10_000): PortalQueue {
  const key = `${origin}|${limit.burst}|${limit.rps}|${operatingLimitSec}|${minBlockMs}`;
  let q = clock === realClock ? queues.get(key) : undefined;
  if (!q) {
    q = { bucket: new LeakyBucket(limit, clock), budget: new OperatingBudget(clock, operatingLimitSec, minBlockMs) };
    if (clock === realClock) queues.set(key, q);
  }
  return q;
}

export interface B24ClientOptions {
  webhook: Webhook;
  limit?: RateLimit;
  clock?: Clock;
  transport?: Transport;
  random?: () => number;
  /** per request; the cloud cuts requests at 60 s (§2) */
  timeoutMs?: number;
  /** attempts per call for 5xx / network / bad JSON */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  rateBaseMs?: number;
  maxRateRetries?: number;
  maxParks?: number;
  operatingLimitSec?: number;
  /** shortest pause of a method after 429 OPERATION_TIME_LIMIT (default 10 s) */
  operatingMinWaitMs?: number;
  queue?: PortalQueue;
  /** the portal answered 302 to another host: persist the new origin */
  onRename?: (origin: string) => void;
  log?: Logger;
}

export interface ClientStats {
  requests: number;
  rateLimited: number;
  operatingLimited: number;
  retries: number;
  redirects: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Methods a call runs: the method itself, or every sub-method of a batch. */
export function callMethods(method: string, params: Record<string, unknown>): string[] {
  if (method !== 'batch') return [method];
  const cmd = params.cmd;
  const list = Array.isArray(cmd) ? cmd : cmd && typeof cmd === 'object' ? Object.values(cmd) : [];
  const out = new Set<string>();
  for (const c of list) if (typeof c === 'string') out.add(c.split('?')[0] ?? c);
  return [...out];
}

function subMethodsByKey(params: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const cmd = params.cmd;
  if (cmd && typeof cmd === 'object') {
    for (const [k, v] of Object.entries(cmd)) if (typeof v === 'string') out.set(k, v.split('?')[0] ?? v);
  }
  return out;
}

/** `*.add` creates a record: re-sending after a lost answer could create it twice (§11.4). */
export function isCreate(method: string): boolean {
  return /\.add$/i.test(method);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class B24Client {
  private hook: Webhook;
  readonly queue: PortalQueue;
  readonly stats: ClientStats = { requests: 0, rateLimited: 0, operatingLimited: 0, retries: 0, redirects: 0 };
  private readonly clock: Clock;
  private readonly transport: Transport;
  private readonly random: () => number;

  constructor(private readonly opts: B24ClientOptions) {
    this.hook = opts.webhook;
    this.clock = opts.clock ?? realClock;
    this.transport = opts.transport ?? undiciTransport;
    this.random = opts.random ?? Math.random;
    this.queue = opts.queue ?? portalQueue(opts.webhook.origin, opts.limit ?? RATE_LIMITS.standard, this.clock, opts.operatingLimitSec, opts.operatingMinWaitMs);
  }

  get webhook(): Webhook {
    return this.hook;
  }

  private backoff(n: number): number {
    const base = this.opts.backoffBaseMs ?? 1000;
    const raw = Math.min(this.opts.backoffCapMs ?? 30_000, base * 2 ** (n - 1));
    return Math.max(Math.min(100, base), Math.round(raw * (0.9 + 0.2 * this.random())));
  }

  private rateWait(n: number): number {
    return Math.round((this.opts.rateBaseMs ?? 1500) * 1.5 ** (n - 1) * (1 + 0.1 * this.random()));
  }

  private fail(kind: B24ApiError['kind'], code: string, status: number, method: string, detail: string, html = false): B24ApiError {
    return new B24ApiError(kind, code, status, method, this.hook.host, detail, html);
  }

  private follow(location: string | null, method: string): void {
    let next: string;
    try {
      next = new URL(location ?? '', this.hook.base).origin;
    } catch {
      throw this.fail('client', 'BAD_REDIRECT', 302, method, 'портал вернул перенаправление без адреса');
    }
    if (next === this.hook.origin) {
      // a redirect to the same host (e.g. an expired licence page) would loop forever (§2)
      throw this.fail('client', 'REDIRECT_LOOP', 302, method, 'портал перенаправляет запрос сам на себя — проверьте, что портал активен');
    }
    this.hook = withOrigin(this.hook, next);
    this.stats.redirects++;
    this.opts.log?.warn(`портал Bitrix24 переехал на ${this.hook.host}`);
    this.opts.onRename?.(this.hook.origin);
  }

  private record(method: string, params: Record<string, unknown>, ok: B24Success<unknown>): void {
    this.queue.budget.record(method, ok.time);
    if (method !== 'batch') return;
    const inner = ok.result as { result_time?: unknown } | null;
    const times = inner && typeof inner === 'object' ? inner.result_time : null;
    if (!times || typeof times !== 'object') return;
    const byKey = subMethodsByKey(params);
    const best = new Map<string, B24Time>();
    for (const [key, t] of Object.entries(times as Record<string, B24Time>)) {
      const m = byKey.get(key);
      if (!m || !t || typeof t.operating !== 'number') continue;
      const prev = best.get(m);
      if (!prev || (prev.operating ?? 0) < t.operating) best.set(m, t);
    }
    for (const [m, t] of best) this.queue.budget.record(m, t);
  }

  /** Calls one REST method and returns its success envelope; throws B24ApiError / cancelled. */
  async call<T>(method: string, params: Record<string, unknown> = {}, signal?: AbortSignal): Promise<B24Success<T>> {
    const body = JSON.stringify(params);
    const methods = callMethods(method, params);
    const creates = methods.some(isCreate);
    const maxAttempts = this.opts.maxAttempts ?? 6;
    let faults = 0;
    let rate = 0;
    let parks = 0;
    let redirects = 0;
    const retryFault = async (kind: B24ApiError['kind'], code: string, status: number, detail: string, html = false): Promise<void> => {
      faults++;
      if (faults >= maxAttempts) throw this.fail(kind, code, status, method, detail, html);
      this.stats.retries++;
      const wait = this.backoff(faults);
      this.opts.log?.debug(`${method}: ${detail || code || status}, повтор через ${wait} мс`);
      await this.clock.sleep(wait, signal);
    };
    for (;;) {
      if (signal?.aborted) throw cancelledError();
      const d = this.queue.budget.delay(methods);
      if (d.ms > 0) {
        if (d.reason === 'parked') this.opts.log?.info(`${methods.join(',')}: лимит времени методов, пауза ${Math.round(d.ms / 1000)} с`);
        await this.clock.sleep(d.ms, signal);
      }
      await this.queue.bucket.take(signal);
      this.stats.requests++;
      let ans: HttpAnswer;
      try {
        ans = await this.transport(this.hook.base + method, body, { signal, timeoutMs: this.opts.timeoutMs ?? 70_000 });
      } catch (err) {
        if (signal?.aborted) throw cancelledError();
        if (!(err instanceof TransportError)) throw err;
        if (creates && !err.notSent) {
          throw this.fail('network', 'NO_RETRY', 0, method, `${err.message}; запрос мог дойти до портала, повторять его нельзя — иначе запись может создаться дважды`);
        }
        await retryFault('network', err.timeout ? 'TIMEOUT' : 'NETWORK', 0, err.message);
        continue;
      }
      if (REDIRECTS.has(ans.status)) {
        if (++redirects > 3) throw this.fail('client', 'TOO_MANY_REDIRECTS', ans.status, method, 'слишком много перенаправлений');
        this.follow(ans.location, method);
        continue;
      }
      const json = parseJson(ans.body);
      if (json === undefined || json === null || typeof json !== 'object') {
        const html = /^\s*</.test(ans.body);
        if (ans.status >= 400 && ans.status < 500) {
          const kind = classify(ans.status, '');
          throw this.fail(kind, '', ans.status, method, `HTTP ${ans.status}`, html);
        }
        if (creates) throw this.fail('bad_response', 'NO_RETRY', ans.status, method, 'ответ на создание записи не прочитан — повторять нельзя', html);
        await retryFault(ans.status >= 500 ? 'server' : 'bad_response', '', ans.status, `HTTP ${ans.status}, ${html ? 'HTML вместо JSON' : 'неполный JSON'}`, html);
        continue;
      }
      const env = json as Partial<B24Success<T>> & { error?: unknown; error_description?: unknown };
      const hasError = typeof env.error === 'string' || (env.error_description !== undefined && !('result' in env));
      if (ans.status < 300 && 'result' in env && !hasError) {
        this.record(method, params, env as B24Success<T>);
        return env as B24Success<T>;
      }
      const code = effectiveCode(env.error, env.error_description);
      const desc = typeof env.error_description === 'string' ? env.error_description : '';
      const kind = classify(ans.status, code);
      if (kind === 'rate') {
        this.stats.rateLimited++;
        this.queue.bucket.drain();
        if (++rate > (this.opts.maxRateRetries ?? 10)) throw this.fail(kind, code, ans.status, method, desc);
        this.stats.retries++;
        await this.clock.sleep(this.rateWait(rate), signal);
        continue;
      }
      if (kind === 'operating') {
        this.stats.operatingLimited++;
        if (++parks > (this.opts.maxParks ?? 3)) throw this.fail(kind, code, ans.status, method, desc);
        this.stats.retries++;
        for (const m of methods) this.queue.budget.block(m);
        continue;
      }
      if (kind === 'server') {
        if (creates) throw this.fail(kind, code || 'NO_RETRY', ans.status, method, `${desc}; повторять создание записи нельзя`);
        await retryFault(kind, code, ans.status, desc || `HTTP ${ans.status}`);
        continue;
      }
      throw this.fail(kind, code, ans.status, method, desc);
    }
  }
}
