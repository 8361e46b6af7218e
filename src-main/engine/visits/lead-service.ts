// The small HTTP client the outbox uses for Calltouch deals: POST client-order/create|update
// (headers Access-Token, SiteId, Content-Type; reference/calltouch.md §6.1, §7) and the deals
// journal GET …/{siteId}/orders-diary/orders (§4) to reconcile ambiguous sends.
//
// It NEVER retries a POST by itself: a create is not idempotent, so every outcome goes back to
// the outbox, which writes it down first. Outcomes:
//   ok         — HTTP 200 JSON; per-order results from data.orders[i] (calltouchOrderId | error)
//   invalid    — HTTP 400: the request was refused as a whole (assumed: nothing was stored)
//   definitive — the request surely did not reach Calltouch's logic: connection refused, DNS,
//                connect timeout, 429, 401/403/404 — safe to send again later
//   ambiguous  — it may have been processed: timeout waiting for the answer, connection dropped
//                after sending, 5xx, an unreadable 200 — look the orders up before resending
// Every request waits for the process-wide Calltouch limiter (4 rps). Tokens are never logged.
import { Agent, request } from 'undici';
import { callsDiaryDate } from '../sources/calltouch/dates';
import { retryAfterMs } from '../sources/calltouch/client';
import type { RateLimiter } from '../sources/calltouch/limiter';
import type { CtCreateBody, CtUpdateBody } from './calltouch-orders';

export interface OrderResult {
  /** calltouchOrderId, as a string */
  id: string | null;
  error: string | null;
}

export type Outcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'invalid'; message: string; status: number }
  | { kind: 'definitive'; message: string; auth: boolean; waitMs: number | null; status: number | null }
  | { kind: 'ambiguous'; message: string; status: number | null };

export interface JournalRecord {
  orderId: string | null;
  orderNumber: string;
}

export interface JournalPage {
  page: number;
  pageTotal: number;
  records: JournalRecord[];
  /** a bare array answer: everything at once, no paging */
  complete: boolean;
}

export interface LeadServiceOptions {
  baseUrl: string;
  siteId: number;
  token: string;
  timeoutMs: number;
  limiter: RateLimiter;
  agent: Agent;
  signal?: AbortSignal;
}

/** Connect-phase failures: the request never left this machine. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT', 'ECONNABORTED']);

function errCode(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  if (typeof e.code === 'string') return e.code;
  if (e.cause && typeof e.cause.code === 'string') return e.cause.code;
  return typeof e.name === 'string' ? e.name : 'error';
}

function shortText(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

/** The message of a 4xx body: data.validationErrorData, message, error — whatever is there. */
export function errorText(text: string): string {
  try {
    const j = JSON.parse(text) as { data?: { validationErrorData?: unknown; message?: unknown }; message?: unknown; error?: unknown };
    const v = j.data?.validationErrorData ?? j.data?.message ?? j.message ?? j.error;
    if (v !== undefined) return shortText(typeof v === 'string' ? v : JSON.stringify(v));
  } catch {
    /* not JSON */
  }
  return /^\s*</.test(text) ? 'страница вместо ответа API' : shortText(text);
}

export class LeadServiceClient {
  /** HTTP requests made */
  requests = 0;

  constructor(private readonly o: LeadServiceOptions) {}

  get siteId(): number {
    return this.o.siteId;
  }

  private get base(): string {
    return this.o.baseUrl.replace(/\/+$/, '');
  }

  /** `paced`: the caller already took this request's limiter slot (right before claiming its rows). */
  async create(body: CtCreateBody, paced = false): Promise<Outcome<OrderResult[]>> {
    return this.postOrders('/lead-service/v1/api/client-order/create', body, body.orders.length, paced);
  }

  async update(body: CtUpdateBody, paced = false): Promise<Outcome<OrderResult[]>> {
    return this.postOrders('/lead-service/v1/api/client-order/update', body, body.orders.length, paced);
  }

  /** One page of the deals journal, orders dated within [from, to] (ISO days, dd/mm/yyyy on the wire). */
  async journal(from: string, to: string, page: number, limit: number): Promise<Outcome<JournalPage>> {
    const qs = new URLSearchParams({
      clientApiId: this.o.token,
      dateFrom: callsDiaryDate(from),
      dateTo: callsDiaryDate(to),
      page: String(page),
      limit: String(limit),
    });
    const r = await this.send('GET', `/calls-service/RestAPI/${this.o.siteId}/orders-diary/orders?${qs.toString()}`, null, false);
    if (r.kind !== 'ok') return r;
    const body = r.value as { page?: unknown; pageTotal?: unknown; records?: unknown } | unknown[];
    const list = Array.isArray(body) ? body : Array.isArray(body?.records) ? body.records : null;
    if (!list) return { kind: 'ambiguous', message: 'Calltouch прислал журнал сделок в неожиданном виде.', status: 200 };
    const records: JournalRecord[] = [];
    for (const x of list as { orderId?: unknown; orderNumber?: unknown }[]) {
      if (!x || (typeof x.orderNumber !== 'string' && typeof x.orderNumber !== 'number')) continue;
      const id = typeof x.orderId === 'number' || typeof x.orderId === 'string' ? String(x.orderId) : null;
      records.push({ orderId: id, orderNumber: String(x.orderNumber) });
    }
    const paged = Array.isArray(body)
      ? { page: 1, pageTotal: 1, complete: true }
      : { page: Number(body.page) || page, pageTotal: Number(body.pageTotal) || 0, complete: false };
    return { kind: 'ok', value: { ...paged, records } };
  }

  private async postOrders(path: string, body: unknown, n: number, paced: boolean): Promise<Outcome<OrderResult[]>> {
    const r = await this.send('POST', path, JSON.stringify(body), paced);
    if (r.kind !== 'ok') return r;
    const orders = (r.value as { data?: { orders?: unknown } } | null)?.data?.orders;
    if (!Array.isArray(orders)) {
      return { kind: 'ambiguous', message: 'Calltouch ответил без списка сделок (data.orders) — проверим, дошли ли они.', status: 200 };
    }
    const out: OrderResult[] = [];
    for (let i = 0; i < n; i++) {
      const x = orders[i] as { calltouchOrderId?: unknown; error?: unknown } | undefined;
      const id = typeof x?.calltouchOrderId === 'number' || typeof x?.calltouchOrderId === 'string' ? String(x.calltouchOrderId) : null;
      const error = x?.error === undefined || x.error === null ? null : typeof x.error === 'string' ? x.error : JSON.stringify(x.error);
      out.push({ id, error });
    }
    return { kind: 'ok', value: out };
  }

  private async send(method: 'GET' | 'POST', path: string, body: string | null, paced: boolean): Promise<Outcome<unknown>> {
    try {
      if (!paced) await this.o.limiter.acquire(this.o.signal);
    } catch {
      // cancelled while waiting for a slot: nothing went out
      return { kind: 'definitive', message: 'Отправка прервана — продолжим в следующий раз.', auth: false, waitMs: 0, status: null };
    }
    this.requests++;
    let status: number;
    let type: string;
    let text: string;
    let retryAfter: string | string[] | undefined;
    // undici's own timers tick coarsely (~1 s); a deadline signal keeps the timeout exact
    const deadline = AbortSignal.timeout(this.o.timeoutMs);
    const signal = this.o.signal ? AbortSignal.any([this.o.signal, deadline]) : deadline;
    try {
      const res = await request(`${this.base}${path}`, {
        method,
        headers:
          method === 'POST'
            ? { 'Access-Token': this.o.token, SiteId: String(this.o.siteId), 'Content-Type': 'application/json', accept: 'application/json' }
            : { accept: 'application/json' },
        body,
        signal,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
        dispatcher: this.o.agent,
      });
      status = res.statusCode;
      type = String(res.headers['content-type'] ?? '');
      retryAfter = res.headers['retry-after'];
      text = await res.body.text();
    } catch (err) {
      const code = errCode(err);
      if (NOT_SENT.has(code)) {
        return { kind: 'definitive', message: `Нет связи с Calltouch (${code}). Отправим, когда связь появится.`, auth: false, waitMs: null, status: null };
      }
      // a timeout or a dropped connection after the request went out: it may have been processed
      return { kind: 'ambiguous', message: `Calltouch не ответил вовремя (${code}) — проверим, дошли ли данные, прежде чем отправлять снова.`, status: null };
    }
    if (status === 429) {
      return {
        kind: 'definitive',
        message: 'Calltouch ограничил частоту запросов (HTTP 429) — повторим позже.',
        auth: false,
        waitMs: retryAfterMs(retryAfter, Date.now()),
        status,
      };
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'definitive',
        message: `Calltouch не принял токен для кабинета ${this.o.siteId} (HTTP ${status}) — проверьте токен в настройках.`,
        auth: true,
        waitMs: null,
        status,
      };
    }
    if (status === 404) {
      return { kind: 'definitive', message: `Calltouch не знает этот адрес или кабинет ${this.o.siteId} (HTTP 404).`, auth: true, waitMs: null, status };
    }
    if (status >= 500) return { kind: 'ambiguous', message: `Сервер Calltouch ответил ошибкой (HTTP ${status}).`, status };
    if (status >= 400) return { kind: 'invalid', message: `Calltouch отклонил данные (HTTP ${status}): ${errorText(text)}`, status };
    if (status >= 300) return { kind: 'definitive', message: `Calltouch перенаправляет запрос (HTTP ${status}) — проверьте адрес API.`, auth: true, waitMs: null, status };
    if (/html/i.test(type) || /^\s*</.test(text)) {
      return { kind: 'ambiguous', message: 'Calltouch вернул страницу вместо ответа API — возможно, идут технические работы.', status };
    }
    try {
      return { kind: 'ok', value: JSON.parse(text) as unknown };
    } catch {
      return { kind: 'ambiguous', message: 'Calltouch прислал неполный ответ.', status };
    }
  }
}
