// Loopback HTTP core of the fake Calltouch: a route table (so more API families — lead-service
// client-order/create|update, the orders diary — can be added from their own files with
// `fake.route(...)`), the per-IP limit (5 rps by default → 429), injected faults and counters.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rng as mulberry32 } from '../../rng';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  ip: string;
}

export interface FakeResponse {
  status: number;
  /** serialised as application/json */
  json?: unknown;
  /** sent as is with `contentType` (default text/html) */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest, match: RegExpExecArray) => FakeResponse | Promise<FakeResponse>;

export interface Route {
  /** name for counters, e.g. 'calls-diary' */
  name: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
  /** injected faults apply to this route (default true) */
  faults?: boolean;
}

export type FaultKind = 'http500' | 'http503html' | 'html200' | 'truncated' | 'reset' | 'slow';

export interface FaultConfig {
  /** share of served requests that get a fault, 0…1 */
  fraction: number;
  /** relative weights of the kinds (default: all equal) */
  kinds?: Partial<Record<FaultKind, number>>;
  /** delay of a 'slow' response, ms (default 300) */
  slowMs?: number;
  seed?: number;
}

export interface FakeStats {
  /** every request received, 429s included */
  requests: number;
  throttled: number;
  faults: Record<FaultKind, number>;
  byRoute: Record<string, number>;
}

export interface LoggedRequest {
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  fault: FaultKind | null;
}

const FAULTS: FaultKind[] = ['http500', 'http503html', 'html200', 'truncated', 'reset', 'slow'];

const HTML_PAGE = '<!DOCTYPE html><html><head><title>Calltouch</title></head><body><h1>Ведутся технические работы</h1></body></html>';


const emptyFaults = (): Record<FaultKind, number> => ({ http500: 0, http503html: 0, html200: 0, truncated: 0, reset: 0, slow: 0 });

export class FakeServer {
  readonly routes: Route[] = [];
  stats: FakeStats = { requests: 0, throttled: 0, faults: emptyFaults(), byRoute: {} };
  log: LoggedRequest[] = [];
  /** per-IP limit in requests per second; null = off */
  rps: number | null = 5;
  /** send `Retry-After: 1` with 429 (unconfirmed that Calltouch does) */
  retryAfter = false;
  /** delay added to every response, ms */
  latencyMs = 0;
  private faults: FaultConfig = { fraction: 0 };
  private rand: () => number = mulberry32(1);
  private readonly windows = new Map<string, number[]>();
  private server: Server | null = null;
  url = '';

  route(r: Route): void {
    this.routes.push(r);
  }

  setFaults(f: FaultConfig): void {
    this.faults = f;
    this.rand = mulberry32(f.seed ?? 1);
  }

  resetStats(): void {
    this.stats = { requests: 0, throttled: 0, faults: emptyFaults(), byRoute: {} };
    this.log = [];
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** true when this request is over the per-IP limit (served requests in the last second) */
  private limited(ip: string): boolean {
    if (this.rps === null) return false;
    const now = performance.now();
    let w = this.windows.get(ip);
    if (!w) this.windows.set(ip, (w = []));
    while (w.length && (w[0] as number) <= now - 1000) w.shift();
    if (w.length >= this.rps) return true;
    w.push(now);
    return false;
  }

  private pickFault(): FaultKind | null {
    if (this.faults.fraction <= 0 || this.rand() >= this.faults.fraction) return null;
    const weights = FAULTS.map((k) => this.faults.kinds?.[k] ?? (this.faults.kinds ? 0 : 1));
    let u = this.rand() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < FAULTS.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return FAULTS[i] as FaultKind;
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      ip: req.socket.remoteAddress ?? '?',
    };
    this.stats.requests++;
    let route: Route | undefined;
    let match: RegExpExecArray | null = null;
    for (const r of this.routes) {
      if (r.method !== fr.method) continue;
      match = r.pattern.exec(fr.path);
      if (match) {
        route = r;
        break;
      }
    }
    const name = route?.name ?? 'unknown';
    this.stats.byRoute[name] = (this.stats.byRoute[name] ?? 0) + 1;
    const entry: LoggedRequest = { route: name, method: fr.method, path: fr.path, query: Object.fromEntries(u.searchParams), status: 0, fault: null };
    if (this.log.length >= 20_000) this.log.shift();
    this.log.push(entry);
    if (this.limited(fr.ip)) {
      this.stats.throttled++;
      entry.status = 429;
      const headers: Record<string, string> = this.retryAfter ? { 'retry-after': '1' } : {};
      this.send(res, { status: 429, json: { message: 'Too Many Requests' }, headers });
      return;
    }
    const fault = route && route.faults !== false ? this.pickFault() : null;
    entry.fault = fault;
    if (fault) this.stats.faults[fault]++;
    const delay = this.latencyMs + (fault === 'slow' ? (this.faults.slowMs ?? 300) : 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (fault === 'http500') return this.finish(res, entry, { status: 500, json: { message: 'Internal Server Error' } });
    if (fault === 'http503html') return this.finish(res, entry, { status: 503, text: HTML_PAGE });
    if (fault === 'html200') return this.finish(res, entry, { status: 200, text: HTML_PAGE });
    let out: FakeResponse;
    if (!route || !match) out = { status: 404, text: HTML_PAGE };
    else {
      try {
        out = await route.handler(fr, match);
      } catch (err) {
        out = { status: 500, json: { message: String(err) } };
      }
    }
    if ((fault === 'truncated' || fault === 'reset') && out.status === 200 && out.json !== undefined) {
      const body = Buffer.from(JSON.stringify(out.json));
      const cut = body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
      entry.status = 200;
      if (fault === 'truncated') {
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(cut.length) });
        res.end(cut);
      } else {
        res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8', 'content-length': String(body.length) });
        res.write(cut, () => res.socket?.destroy());
      }
      return;
    }
    this.finish(res, entry, out);
  }

  private finish(res: ServerResponse, entry: LoggedRequest, out: FakeResponse): void {
    entry.status = out.status;
    this.send(res, out);
  }

  private send(res: ServerResponse, out: FakeResponse): void {
    const isJson = out.json !== undefined;
    const body = Buffer.from(isJson ? JSON.stringify(out.json) : (out.text ?? ''));
    res.writeHead(out.status, {
      'content-type': isJson ? 'application/json;charset=UTF-8' : (out.contentType ?? 'text/html;charset=UTF-8'),
      'content-length': String(body.length),
      ...out.headers,
    });
    res.end(body);
  }
}
