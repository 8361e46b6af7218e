// HTTP for the ad-platform clients (Yandex Direct, VK Ads): one attempt = one request through the
// platform's limiter; a `decide` callback reads the answer and says done / retry after a wait /
// fail. Tokens travel only in headers or form bodies and never reach a log line (paths only).
import { Agent, request, type Dispatcher } from 'undici';
import type { ErrorCode } from '@shared/contract';
import { SkvozError } from '../../errors';
import type { Logger } from '../../log';
import { cancelledError, realClock, type Clock } from '../clock';
import { RateLimiter } from '../calltouch/limiter';

export class AdApiError extends SkvozError {
  constructor(
    code: ErrorCode,
    message: string,
    /** what went wrong, for the connection test's wording */
    readonly failure: 'auth' | 'access' | 'units' | 'limit' | 'server' | 'network' | 'html' | 'bad_request' | 'unexpected',
    readonly status: number | null = null,
    readonly apiCode: number | string | null = null,
  ) {
    super(code, message);
    this.name = 'AdApiError';
  }
}

export interface AdTuning {
  limiter: RateLimiter;
  clock: Clock;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  random: () => number;
  dispatcher?: Dispatcher;
}

export const DEFAULT_AD_TUNING: Omit<AdTuning, 'limiter'> = {
  clock: realClock,
  maxAttempts: 8,
  retryBaseMs: 2_000,
  retryMaxMs: 60_000,
  timeoutMs: 120_000,
  random: Math.random,
};

let agent: Agent | null = null;
function sharedAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 15_000 } });
  return agent;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export type Decision<T> =
  | { done: T }
  | { retry: AdApiError; waitMs?: number | null; pauseAll?: boolean }
  | { fail: AdApiError };

export function header(h: RawAnswer['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export interface Exchange {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** Runs `make()` until `decide` says done or fail; waits per the decision or exponential back-off. */
export async function exchange<T>(
  t: AdTuning,
  o: { label: string; platform: string; signal?: AbortSignal; log: Logger; counters: { requests: number; retries: number } },
  make: () => Exchange,
  decide: (a: RawAnswer, attempt: number) => Decision<T>,
): Promise<T> {
  let last: AdApiError | null = null;
  for (let attempt = 1; attempt <= t.maxAttempts; attempt++) {
    await t.limiter.acquire(o.signal);
    if (o.signal?.aborted) throw cancelledError();
    const ex = make();
    o.counters.requests++;
    let answer: RawAnswer;
    try {
      const res = await request(ex.url, {
        method: ex.method,
        headers: ex.headers,
        body: ex.body,
        signal: o.signal,
        headersTimeout: t.timeoutMs,
        bodyTimeout: t.timeoutMs,
        dispatcher: t.dispatcher ?? sharedAgent(),
      });
      answer = { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (err) {
      if (o.signal?.aborted) throw cancelledError();
      const code = (err as { code?: string }).code ?? (err as Error).name;
      last = new AdApiError('network', `Нет связи с ${o.platform} (${code}). Проверьте подключение к интернету.`, 'network');
      if (attempt === t.maxAttempts) break;
      await backoff(t, o, attempt, null, last);
      continue;
    }
    const d = decide(answer, attempt);
    if ('done' in d) return d.done;
    if ('fail' in d) throw d.fail;
    last = d.retry;
    if (attempt === t.maxAttempts) break;
    const wait = await backoff(t, o, attempt, d.waitMs ?? null, last);
    if (d.pauseAll) t.limiter.pause(wait);
  }
  throw last ?? new AdApiError('internal', `Запрос к ${o.platform} не удался.`, 'unexpected');
}

async function backoff(
  t: AdTuning,
  o: { label: string; signal?: AbortSignal; log: Logger; counters: { retries: number } },
  attempt: number,
  waitMs: number | null,
  err: AdApiError,
): Promise<number> {
  const exp = Math.min(t.retryMaxMs, t.retryBaseMs * 2 ** (attempt - 1)) * (0.5 + t.random() * 0.5);
  // a server-named wait is honoured up to 10 × the longest back-off (10 min on the real APIs)
  const wait = Math.round(waitMs === null ? exp : Math.min(waitMs, t.retryMaxMs * 10));
  o.counters.retries++;
  o.log.warn(`${o.label}: ${err.failure}${err.apiCode !== null ? ` ${err.apiCode}` : ''} (попытка ${attempt}/${t.maxAttempts}), повтор через ${wait} мс`);
  await t.clock.sleep(wait, o.signal);
  return wait;
}

/** A base URL a token may be sent to: https, or plain http to a loopback host (tests, fakes). */
export function checkAdBaseUrl(raw: string, what: string, example: string): string {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    throw new SkvozError('invalid_input', `Адрес API ${what} не похож на ссылку (ожидается ${example}).`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new SkvozError('invalid_input', `Адрес API ${what} должен начинаться с https:// — токен нельзя передавать без шифрования.`);
  }
  return u.origin + u.pathname.replace(/\/+$/, '');
}

/** Error text from a JSON body, trimmed and without markup. */
export function bodyDetail(text: string): string {
  let d = text.trim();
  try {
    const j = JSON.parse(d) as Record<string, unknown>;
    const e = j.error;
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      d = [o.error_string ?? o.message ?? o.code, o.error_detail ?? o.description].filter((x) => typeof x === 'string' && x).join(': ');
    } else if (typeof e === 'string') d = [e, j.error_description].filter(Boolean).join(': ');
  } catch {
    // not JSON
  }
  d = d.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return d.length > 200 ? `${d.slice(0, 200)}…` : d;
}

/** The tuning fields actually given (undefined ones keep the defaults). */
export function definedTuning(o: Partial<AdTuning>): Partial<AdTuning> {
  const out: Partial<AdTuning> = {};
  for (const k of ['clock', 'maxAttempts', 'retryBaseMs', 'retryMaxMs', 'timeoutMs', 'random', 'dispatcher'] as const) {
    if (o[k] !== undefined) (out as Record<string, unknown>)[k] = o[k];
  }
  return out;
}

let envLimiter: RateLimiter | null = null;
/**
 * Test knob: SKVOZ_ADS_RPS raises the pace of the ad clients, honoured only when the base URL is a
 * loopback host (a local fake) — the real APIs always get their shared limiters.
 */
export function loopbackTuning(baseUrl: string): Partial<AdTuning> {
  const rps = Number(process.env.SKVOZ_ADS_RPS);
  const host = new URL(baseUrl).hostname;
  if (!Number.isFinite(rps) || rps <= 0 || !['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) return {};
  envLimiter ??= new RateLimiter(rps);
  return { limiter: envLimiter, retryBaseMs: 50, retryMaxMs: 500 };
}
