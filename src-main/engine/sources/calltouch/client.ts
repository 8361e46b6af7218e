// HTTP client of the Calltouch read API (calls-service/RestAPI), one per site and token.
// Policies (reference/calltouch.md §1.4, §10):
// - every attempt waits for the process-wide limiter (4 rps; see ./limiter);
// - 429 → back off (Retry-After honoured when sent — unverified that Calltouch sends it) and
//   pause the shared limiter; 5xx, network errors, timeouts, an HTML page with 200 (maintenance
//   pages, proxies) and truncated JSON → back off and retry; other 4xx → fail at once;
// - Content-Type must be JSON: "Calltouch вернул страницу вместо данных" otherwise;
// - the token travels only in the query (`clientApiId`) and is never logged (paths only).
// The HTTP status of a bad token / site id is undocumented (§10, open question 10): 401 is read
// as a bad token, 403 as a token without access to this site, 404 as an unknown site.
import { Agent, request, type Dispatcher } from 'undici';
import { SkvozError } from '../../errors';
import type { ErrorCode } from '@shared/contract';
import { createLogger, redact, type Logger } from '../../log';
import type { CtCallRaw, CtCallsPage, CtRequestRaw } from './api-types';
import { callsDiaryDate, requestsJournalDate } from './dates';
import { cancelledError, sharedCalltouchLimiter, systemClock, type CtClock, type RateLimiter } from './limiter';

export type CtFailure =
  | 'auth' | 'site' | 'not_found' | 'bad_request' | 'http' | 'rate_limited' | 'server' | 'network' | 'html' | 'truncated' | 'unexpected' | 'cancelled';

export class CtApiError extends SkvozError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly failure: CtFailure,
    readonly status: number | null = null,
  ) {
    super(code, message);
    this.name = 'CtApiError';
  }
}

export interface CtTuning {
  limiter: RateLimiter;
  clock: CtClock;
  /** attempts per request, the first included */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** headers and body timeouts of one attempt */
  timeoutMs: number;
  random: () => number;
  dispatcher?: Dispatcher;
}

export interface CtClientOptions extends Partial<CtTuning> {
  baseUrl: string;
  token: string;
  siteId: number;
  signal?: AbortSignal;
  log?: Logger;
}

export const DEFAULT_TUNING: Omit<CtTuning, 'limiter'> = {
  clock: systemClock,
  maxAttempts: 8,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
  timeoutMs: 60_000,
  random: Math.random,
};

let agent: Agent | null = null;
function sharedAgent(): Agent {
  agent ??= new Agent({ keepAliveTimeout: 10_000, connect: { timeout: 15_000 } });
  return agent;
}

const READ_API = '/calls-service/RestAPI';

/** Retry-After as seconds or an HTTP date → ms (null when absent or unreadable). */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const at = Date.parse(t);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function errorDetail(text: string): string {
  let detail = text.trim();
  try {
    const j = JSON.parse(detail) as Record<string, unknown>;
    const m = j.message ?? j.error ?? j.errorMessage ?? j.description;
    if (typeof m === 'string') detail = m;
  } catch {
    // not JSON: keep the text
  }
  detail = redact(detail.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim());
  return detail.length > 200 ? `${detail.slice(0, 200)}…` : detail;
}

function isJsonType(type: string): boolean {
  return /\bjson\b/i.test(type);
}

interface Attempt {
  ok: boolean;
  value?: unknown;
  error?: CtApiError;
  retry?: boolean;
  /** server-requested wait */
  waitMs?: number | null;
}

export class CalltouchClient {
  /** HTTP attempts made (retries included) */
  requests = 0;
  /** 429 answers received */
  throttled = 0;
  retries = 0;
  readonly siteId: number;
  private readonly t: CtTuning;
  private readonly base: string;
  private readonly token: string;
  private readonly signal?: AbortSignal;
  private readonly log: Logger;

  constructor(opts: CtClientOptions) {
    this.t = { ...DEFAULT_TUNING, limiter: opts.limiter ?? sharedCalltouchLimiter(), ...stripUndefined(opts) };
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.siteId = opts.siteId;
    this.signal = opts.signal;
    this.log = opts.log ?? createLogger('calltouch');
  }

  /** One page of the calls diary in paged mode (dates inclusive, `dd/mm/yyyy`). */
  async callsPage(from: string, to: string, page: number, limit: number): Promise<CtCallsPage> {
    const body = await this.get(`${READ_API}/${this.siteId}/calls-diary/calls`, {
      dateFrom: callsDiaryDate(from),
      dateTo: callsDiaryDate(to),
      page: String(page),
      limit: String(limit),
      withCallTags: 'true',
      withYandexDirect: 'true',
    });
    if (Array.isArray(body)) {
      // some deployments may ignore paging: one page holding everything
      return { page: 1, pageTotal: 1, pageSize: body.length, recordsTotal: body.length, records: body as CtCallRaw[] };
    }
    if (!body || typeof body !== 'object' || !Array.isArray((body as CtCallsPage).records)) throw this.unexpected(body);
    const p = body as CtCallsPage;
    return {
      page: Number(p.page) || page,
      pageTotal: Number(p.pageTotal) || 0,
      pageSize: Number(p.pageSize) || limit,
      recordsTotal: Number(p.recordsTotal) || 0,
      records: p.records,
    };
  }

  /** The calls diary without paging: a bare array, one day only. */
  async callsDay(day: string): Promise<CtCallRaw[]> {
    const d = callsDiaryDate(day);
    const body = await this.get(`${READ_API}/${this.siteId}/calls-diary/calls`, {
      dateFrom: d,
      dateTo: d,
      withCallTags: 'true',
      withYandexDirect: 'true',
    });
    if (!Array.isArray(body)) throw this.unexpected(body);
    return body as CtCallRaw[];
  }

  /** The requests journal (dates inclusive, `mm/dd/yyyy`, siteId as a query parameter): a bare array. */
  async requestsRange(from: string, to: string): Promise<CtRequestRaw[]> {
    const body = await this.get(`${READ_API}/requests`, {
      siteId: String(this.siteId),
      dateFrom: requestsJournalDate(from),
      dateTo: requestsJournalDate(to),
      withRequestTags: 'true',
    });
    if (!Array.isArray(body)) throw this.unexpected(body);
    return body as CtRequestRaw[];
  }

  private unexpected(body: unknown): CtApiError {
    const detail = body && typeof body === 'object' ? errorDetail(JSON.stringify(body)) : String(body);
    return new CtApiError('internal', `Неожиданный ответ Calltouch: ${detail}`, 'unexpected');
  }

  /** GET a read-API path with the token; retries per the policies above. */
  async get(path: string, query: Record<string, string>): Promise<unknown> {
    const qs = new URLSearchParams({ clientApiId: this.token, ...query }).toString();
    const url = `${this.base}${path}?${qs}`;
    let last: CtApiError | null = null;
    for (let attempt = 1; attempt <= this.t.maxAttempts; attempt++) {
      await this.t.limiter.acquire(this.signal);
      const r = await this.attempt(url);
      if (r.ok) return r.value;
      last = r.error ?? null;
      if (!r.retry || attempt === this.t.maxAttempts) break;
      const backoff = Math.min(this.t.retryMaxMs, this.t.retryBaseMs * 2 ** (attempt - 1)) * (0.5 + this.t.random() * 0.5);
      const wait = r.waitMs ?? Math.round(backoff * (last?.failure === 'rate_limited' ? 2 : 1));
      if (last?.failure === 'rate_limited') this.t.limiter.pause(wait);
      this.retries++;
      this.log.warn(`${path}: ${last?.failure ?? 'error'} (попытка ${attempt}/${this.t.maxAttempts}), повтор через ${wait} мс`);
      await this.t.clock.sleep(wait, this.signal);
    }
    throw last ?? new CtApiError('internal', 'Запрос к Calltouch не удался.', 'unexpected');
  }

  private async attempt(url: string): Promise<Attempt> {
    if (this.signal?.aborted) throw cancelledError();
    this.requests++;
    let status: number;
    let type: string;
    let text: string;
    let retryAfter: string | string[] | undefined;
    try {
      const res = await request(url, {
        method: 'GET',
        headers: { accept: 'application/json' },
        signal: this.signal,
        headersTimeout: this.t.timeoutMs,
        bodyTimeout: this.t.timeoutMs,
        dispatcher: this.t.dispatcher ?? sharedAgent(),
      });
      status = res.statusCode;
      type = String(res.headers['content-type'] ?? '');
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      if (this.signal?.aborted) throw cancelledError();
      const code = (err as { code?: string }).code ?? (err as Error).name;
      return {
        ok: false,
        retry: true,
        error: new CtApiError('network', `Нет связи с Calltouch (${code}). Проверьте подключение к интернету.`, 'network'),
      };
    }
    return this.interpret(status, type, text, retryAfter);
  }

  private interpret(status: number, type: string, text: string, retryAfter: string | string[] | undefined): Attempt {
    const fail = (code: ErrorCode, message: string, failure: CtFailure, retry = false): Attempt => ({
      ok: false,
      retry,
      error: new CtApiError(code, message, failure, status),
      waitMs: null,
    });
    if (status === 429) {
      this.throttled++;
      const a = fail(
        'rate_limited',
        'Calltouch ограничил частоту запросов (HTTP 429). Повторите позже — возможно, исчерпан дневной лимит баллов API.',
        'rate_limited',
        true,
      );
      a.waitMs = retryAfterMs(retryAfter, this.t.clock.now());
      if (a.waitMs !== null) a.waitMs = Math.min(a.waitMs, this.t.retryMaxMs * 4);
      return a;
    }
    if (status >= 500) {
      return fail('network', `Сервер Calltouch отвечает ошибкой (HTTP ${status}). Повторите позже.`, 'server', true);
    }
    if (status >= 300 && status < 400) {
      return fail('network', `Calltouch вернул страницу вместо данных (перенаправление HTTP ${status}). Проверьте адрес API.`, 'html');
    }
    if (status === 401) {
      return fail('auth_failed', 'Calltouch не принял токен API (HTTP 401). Проверьте токен в «Настройках» → Calltouch.', 'auth');
    }
    if (status === 403) {
      return fail(
        'auth_failed',
        `Токен API не даёт доступа к кабинету ${this.siteId} (HTTP 403). Проверьте ID кабинета и токен.`,
        'site',
      );
    }
    if (status === 404) {
      return fail('not_found', `Calltouch не нашёл кабинет ${this.siteId} (HTTP 404). Проверьте ID кабинета.`, 'not_found');
    }
    if (status >= 400) {
      const detail = errorDetail(text);
      return fail('invalid_input', `Calltouch отклонил запрос (HTTP ${status})${detail ? `: ${detail}` : ''}.`, status === 400 ? 'bad_request' : 'http');
    }
    const looksHtml = /html/i.test(type) || /^\s*</.test(text);
    if (looksHtml || (type !== '' && !isJsonType(type))) {
      return fail('network', 'Calltouch вернул страницу вместо данных — возможно, идут технические работы. Повторите позже.', 'html', true);
    }
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return fail('network', 'Calltouch прислал неполный ответ. Повторите синхронизацию позже.', 'truncated', true);
    }
  }
}

function stripUndefined(o: CtClientOptions): Partial<CtTuning> {
  const out: Partial<CtTuning> = {};
  if (o.limiter) out.limiter = o.limiter;
  if (o.clock) out.clock = o.clock;
  if (o.maxAttempts !== undefined) out.maxAttempts = o.maxAttempts;
  if (o.retryBaseMs !== undefined) out.retryBaseMs = o.retryBaseMs;
  if (o.retryMaxMs !== undefined) out.retryMaxMs = o.retryMaxMs;
  if (o.timeoutMs !== undefined) out.timeoutMs = o.timeoutMs;
  if (o.random) out.random = o.random;
  if (o.dispatcher) out.dispatcher = o.dispatcher;
  return out;
}

/** A base URL the client may send a token to: https, or plain http to a loopback host (tests). */
export function checkBaseUrl(raw: string): { ok: true; url: string } | { ok: false; code: 'bad_url' | 'not_https'; message: string } {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return { ok: false, code: 'bad_url', message: 'Адрес API Calltouch не похож на ссылку (ожидается https://api.calltouch.ru).' };
  }
  if (u.protocol === 'https:') return { ok: true, url: u.origin + u.pathname.replace(/\/+$/, '') };
  if (u.protocol === 'http:' && isLoopback(u.hostname)) return { ok: true, url: u.origin + u.pathname.replace(/\/+$/, '') };
  return { ok: false, code: 'not_https', message: 'Адрес API Calltouch должен начинаться с https:// — токен нельзя передавать без шифрования.' };
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}
