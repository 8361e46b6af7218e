// A loopback Bitrix24 portal for tests and benchmarks (node:http on 127.0.0.1, port 0).
// Webhook: http://127.0.0.1:<port>/rest/1/<code>/<method>. Implements the leaky bucket
// (503 QUERY_LIMIT_EXCEEDED), per-method operating time (429 OPERATION_TIME_LIMIT), auth and
// plan errors, batch with its `[]`-when-empty maps, and fault knobs: 5xx, hangs, truncated JSON,
// connection resets, lost answers after execution, and a 302 "portal renamed" twin server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalData, rng } from './data';
import { callMethod, MethodError, type MethodCtx } from './methods';
import { parsePhpQuery } from './query';

export type FaultKind = '500' | '502' | 'timeout' | 'truncated' | 'reset';

export interface FakeOptions {
  code?: string;
  userId?: number;
  /** server-side leaky bucket; null = no limit */
  rateLimit?: { burst: number; rps: number } | null;
  /** per-method operating seconds over a rolling window; null = unlimited */
  operating?: { limitSec: number; windowMs: number; costSec?: (method: string, rows: number) => number } | null;
  /** `rate`: share of HTTP requests that fail; `subRate`: share of batch sub-calls that fail */
  faults?: { rate: number; subRate?: number; kinds?: FaultKind[]; seed?: number; hangMs?: number } | null;
  /** batch sub-calls of these methods fail with this share, cycling OPERATION_TIME_LIMIT, a general error and a 500 */
  methodFaults?: { methods: string[]; rate: number } | null;
  latencyMs?: number;
  mode?: 1 | 2;
  scopes?: string[];
  /** every request fails authentication with this code */
  authError?: 'NO_AUTH_FOUND' | 'INVALID_CREDENTIALS' | 'invalid_token' | 'expired_token' | null;
  /** REST is not on the portal's plan: 403 ACCESS_DENIED */
  freePlan?: boolean;
  /** blocked by support: 503 OVERLOAD_LIMIT */
  overload?: boolean;
  /** the next N answers are lost after the method ran (socket destroyed) */
  dropAfterExecute?: number;
  /** answer every request with this HTML page and status (not a REST endpoint) */
  html?: { status: number } | null;
}

/** what a failing sub-call answers (reference/bitrix24.md §8): operating limit, «General error», 5xx */
const METHOD_FAULTS = [
  { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' },
  { error: '', error_description: 'Failed to get list. General error.' },
  { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' },
];

export interface FakeCounters {
  requests: number;
  /** sub-calls failed by `methodFaults` */
  methodFaults: number;
  http503: number;
  http429: number;
  /** OPERATION_TIME_LIMIT answers: HTTP 429 plus refused batch sub-calls */
  operatingRefusals: number;
  faults: number;
  subCalls: number;
  byMethod: Map<string, number>;
}

const pad = (n: number) => String(n).padStart(2, '0');

export class FakeBitrix24 {
  readonly opts: FakeOptions;
  readonly counters: FakeCounters = { requests: 0, methodFaults: 0, http503: 0, http429: 0, operatingRefusals: 0, faults: 0, subCalls: 0, byMethod: new Map() };
  private server: Server | null = null;
  private twins: Server[] = [];
  private bucket = { level: 0, at: Date.now() };
  private spent = new Map<string, { at: number; sec: number }[]>();
  private random: () => number;
  private sockets = new Set<import('node:net').Socket>();
  origin = '';

  constructor(
    readonly data: PortalData,
    opts: FakeOptions = {},
    /** server clock (ms) */
    readonly now: () => number = Date.now,
  ) {
    this.opts = { code: 'fakecode0123456789', userId: 1, rateLimit: null, operating: null, faults: null, mode: 1, scopes: ['crm', 'user'], ...opts };
    this.random = rng(opts.faults?.seed ?? 12345);
  }

  get webhook(): string {
    return `${this.origin}/rest/${this.opts.userId}/${this.opts.code}/`;
  }

  nowIso(ms = this.now()): string {
    const off = this.data.offsetMin;
    const d = new Date(Math.floor(ms / 1000) * 1000 + off * 60_000);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }

  async start(): Promise<this> {
    this.server = await this.listen((req, res) => void this.handle(req, res));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** A second host that answers every request with 302 to this portal (a renamed portal). */
  async renamedFrom(): Promise<string> {
    const twin = await this.listen((req, res) => {
      this.counters.requests++;
      res.writeHead(302, { location: `${this.origin}${req.url ?? '/'}` }).end();
    });
    this.twins.push(twin);
    return `http://127.0.0.1:${(twin.address() as AddressInfo).port}`;
  }

  private listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
    const server = createServer(handler);
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([this.server, ...this.twins].map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : Promise.resolve())));
  }

  /** Empties the server-side bucket (a new benchmark phase). */
  resetBucket(): void {
    this.bucket = { level: 0, at: this.now() };
  }

  private count(method: string): void {
    this.counters.byMethod.set(method, (this.counters.byMethod.get(method) ?? 0) + 1);
  }

  private time(startMs: number, method: string) {
    const now = this.now();
    const op = this.operating(method);
    return {
      start: startMs / 1000,
      finish: now / 1000,
      duration: (now - startMs) / 1000,
      processing: (now - startMs) / 1000,
      date_start: this.nowIso(startMs),
      date_finish: this.nowIso(now),
      ...(this.opts.operating ? { operating: op.sec, operating_reset_at: op.resetAt } : { operating: 0 }),
    };
  }

  private operating(method: string): { sec: number; resetAt: number } {
    const o = this.opts.operating;
    const now = this.now();
    if (!o) return { sec: 0, resetAt: Math.ceil(now / 1000) + 600 };
    const list = (this.spent.get(method) ?? []).filter((e) => e.at > now - o.windowMs);
    this.spent.set(method, list);
    const sec = list.reduce((s, e) => s + e.sec, 0);
    const oldest = list[0]?.at ?? now;
    return { sec, resetAt: Math.ceil((oldest + o.windowMs) / 1000) };
  }

  private blocked(method: string): boolean {
    const o = this.opts.operating;
    return !!o && this.operating(method).sec >= o.limitSec;
  }

  private charge(method: string, rows: number): void {
    const o = this.opts.operating;
    if (!o) return;
    const sec = o.costSec ? o.costSec(method, rows) : 0.01 + rows * 0.0002;
    const list = this.spent.get(method) ?? [];
    list.push({ at: this.now(), sec });
    this.spent.set(method, list);
  }

  private ctx(): MethodCtx {
    return { data: this.data, scopes: this.opts.scopes ?? [], mode: this.opts.mode ?? 1, nowIso: this.nowIso() };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = this.now();
    this.counters.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/rest\/(\d+)\/([^/]+)\/([A-Za-z0-9_.]+?)(?:\.json)?$/.exec(url.pathname);
    if (this.opts.latencyMs) await new Promise((r) => setTimeout(r, this.opts.latencyMs));
    if (this.opts.html) {
      res.writeHead(this.opts.html.status, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>Сайт</body></html>');
      return;
    }
    if (!m) return this.send(res, 404, { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' });
    const method = m[3] ?? '';
    this.count(method);
    if (this.opts.overload) return this.send(res, 503, { error: 'OVERLOAD_LIMIT', error_description: 'REST API is blocked due to overload.' });
    if (m[1] !== String(this.opts.userId) || m[2] !== this.opts.code) {
      return this.send(res, 401, { error: 'NO_AUTH_FOUND', error_description: 'Wrong authorization data' });
    }
    if (this.opts.authError) return this.send(res, 401, { error: this.opts.authError, error_description: 'Unable to authorize user' });
    if (this.opts.freePlan) return this.send(res, 403, { error: 'ACCESS_DENIED', error_description: 'REST API is available only on commercial plans.' });
    const rl = this.opts.rateLimit;
    if (rl) {
      const now = this.now();
      this.bucket.level = Math.max(0, this.bucket.level - ((now - this.bucket.at) / 1000) * rl.rps);
      this.bucket.at = now;
      if (this.bucket.level + 1 > rl.burst) {
        this.counters.http503++;
        return this.send(res, 503, { error: 'QUERY_LIMIT_EXCEEDED', error_description: 'Too many requests' });
      }
      this.bucket.level += 1;
    }
    const f = this.opts.faults;
    const fault = f && this.random() < f.rate ? (f.kinds ?? ['500', '502', 'timeout', 'truncated', 'reset'])[Math.floor(this.random() * (f.kinds?.length ?? 5))] : null;
    if (fault) this.counters.faults++;
    if (fault === '500') return this.send(res, 500, { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' });
    if (fault === '502') {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>');
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'timeout') {
      setTimeout(() => req.socket.destroy(), f?.hangMs ?? 2000);
      return;
    }
    let params: Record<string, unknown>;
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      params = raw ? (JSON.parse(raw) as Record<string, unknown>) : parsePhpQuery(url.search.slice(1));
    } catch {
      return this.send(res, 400, { error: 'INVALID_REQUEST', error_description: 'Bad JSON' });
    }
    const out = method === 'batch' ? this.batch(params, t0) : this.single(method, params, t0);
    if ((this.opts.dropAfterExecute ?? 0) > 0) {
      this.opts.dropAfterExecute = (this.opts.dropAfterExecute ?? 0) - 1;
      req.socket.destroy();
      return;
    }
    if (fault === 'truncated' && out.status === 200) {
      const text = JSON.stringify(out.body);
      const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(cut) }).end(cut);
      return;
    }
    this.send(res, out.status, out.body);
  }

  private single(method: string, params: Record<string, unknown>, t0: number): { status: number; body: unknown } {
    if (this.blocked(method)) {
      this.counters.http429++;
      this.counters.operatingRefusals++;
      return { status: 429, body: { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' } };
    }
    try {
      const a = callMethod(method, params, this.ctx());
      this.charge(method, a.rows);
      const body: Record<string, unknown> = { result: a.result };
      if (a.total !== undefined) body.total = a.total;
      if (a.next !== undefined) body.next = a.next;
      body.time = this.time(t0, method);
      return { status: 200, body };
    } catch (e) {
      if (!(e instanceof MethodError)) throw e;
      return { status: e.status, body: { error: e.code, error_description: e.description } };
    }
  }

  private batch(params: Record<string, unknown>, t0: number): { status: number; body: unknown } {
    const cmd = params.cmd;
    const entries = Array.isArray(cmd) ? cmd.map((c, i) => [String(i), c] as const) : cmd && typeof cmd === 'object' ? Object.entries(cmd) : [];
    if (entries.length > 50) return { status: 400, body: { error: 'ERROR_BATCH_LENGTH_EXCEEDED', error_description: 'Max batch length exceeded' } };
    const halt = String(params.halt ?? '0') === '1' || params.halt === true;
    const result: Record<string, unknown> = {};
    const errors: Record<string, unknown> = {};
    const totals: Record<string, number> = {};
    const nexts: Record<string, number> = {};
    const times: Record<string, unknown> = {};
    for (const [key, c] of entries) {
      const s = String(c);
      const q = s.indexOf('?');
      const method = q < 0 ? s : s.slice(0, q);
      const sub = parsePhpQuery(q < 0 ? '' : s.slice(q + 1));
      this.counters.subCalls++;
      this.count(method);
      const ts = this.now();
      if (method === 'batch') {
        errors[key] = { error: 'ERROR_BATCH_METHOD_NOT_ALLOWED', error_description: 'Method is not allowed for batch usage' };
      } else if (this.opts.methodFaults?.methods.includes(method) && this.random() < this.opts.methodFaults.rate) {
        this.counters.faults++;
        this.counters.methodFaults++;
        errors[key] = METHOD_FAULTS[this.counters.methodFaults % METHOD_FAULTS.length];
      } else if (this.opts.faults?.subRate && this.random() < this.opts.faults.subRate) {
        this.counters.faults++;
        errors[key] = this.random() < 0.5
          ? { error: '', error_description: 'Failed to get list. General error.' }
          : { error: 'INTERNAL_SERVER_ERROR', error_description: 'Internal server error' };
      } else if (this.blocked(method)) {
        this.counters.operatingRefusals++;
        errors[key] = { error: 'OPERATION_TIME_LIMIT', error_description: 'Method is blocked due to operation time limit.' };
      } else {
        try {
          const a = callMethod(method, sub, this.ctx());
          this.charge(method, a.rows);
          result[key] = a.result;
          if (a.total !== undefined) totals[key] = a.total;
          if (a.next !== undefined) nexts[key] = a.next;
          times[key] = this.time(ts, method);
        } catch (e) {
          if (!(e instanceof MethodError)) throw e;
          errors[key] = { error: e.code, error_description: e.description };
        }
      }
      if (halt && errors[key]) break;
    }
    // PHP: an empty associative array serialises as []
    const php = (o: Record<string, unknown>) => (Object.keys(o).length ? o : []);
    const inner = { result: php(result), result_error: php(errors), result_total: php(totals), result_next: php(nexts), result_time: php(times) };
    return { status: 200, body: { result: inner, time: this.time(t0, 'batch') } };
  }
}
