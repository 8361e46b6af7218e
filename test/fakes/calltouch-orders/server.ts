// Fake Calltouch lead-service for deals (reference/calltouch.md §4, §6, §7), on 127.0.0.1 only:
//   POST /lead-service/v1/api/client-order/create   headers Access-Token, SiteId, Content-Type
//   POST /lead-service/v1/api/client-order/update
//   GET  /calls-service/RestAPI/{siteId}/orders-diary/orders?clientApiId&dateFrom&dateTo&page&limit
// Behaviour (our choices where the reference is silent, open question 7):
// - a structurally invalid body → HTTP 400 {data:{validationErrorData:[…]}}, nothing stored;
// - per-order business errors in data.orders[i].error: a create of an existing orderNumber is an
//   ERROR («уже существует»; the order is not changed), an update of an unknown one is «не найдена»;
// - the journal filters on the orderDate's calendar day (dateFrom < dateTo, dd/mm/yyyy, inclusive).
// Faults: scripted or random — 429 and 500 before storing, 500 or a timeout (no answer) AFTER
// storing, the journal unavailable (404), the whole server down (stop / start on the same port).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { validateBody } from './validate';
import { rng as mulberry32 } from '../../rng';

export type Fault = 'ok' | 'timeout' | '500' | '500-before' | '429';

export interface Faults {
  /** consumed first, one per POST */
  script: Fault[];
  timeoutRate: number;
  error5xxRate: number;
  rate429: number;
  journalUnavailable: boolean;
  /** a business error for an order (per-order `error`), or null */
  orderError: ((order: Record<string, unknown>) => string | null) | null;
  /** refuse the whole request (HTTP 400) when an order matches — as a validation error would */
  invalidIf: ((order: Record<string, unknown>) => boolean) | null;
}

export interface StoredOrder {
  calltouchOrderId: number;
  siteId: number;
  orderNumber: string;
  orderDate: string;
  status: string | null;
  statusDate: string | null;
  revenue: string | null;
  tags: string[];
  comments: string[];
  matching: unknown;
  updates: number;
}

export interface Counters {
  requests: number;
  creates: number;
  updates: number;
  journal: number;
  ordersReceived: number;
  stored: number;
  /** create attempts for an orderNumber that already existed */
  duplicates: number;
  timeouts: number;
  errors5xx: number;
  throttled: number;
  invalid: number;
  unauthorized: number;
  perOrderErrors: number;
}

export interface Received {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export interface FakeOptions {
  /** siteId → token */
  tokens: Record<number, string>;
  port?: number;
  seed?: number;
}


const DMY = /^(\d{2})\/(\d{2})\/(\d{4})$/;

function dayKey(dmy: string): string | null {
  const m = DMY.exec(dmy);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : null;
}

/** "19-07-2021 16:42:32" → "2021-07-19" */
function orderDay(s: string): string {
  return `${s.slice(6, 10)}-${s.slice(3, 5)}-${s.slice(0, 2)}`;
}

export class CalltouchOrdersFake {
  readonly faults: Faults = { script: [], timeoutRate: 0, error5xxRate: 0, rate429: 0, journalUnavailable: false, orderError: null, invalidIf: null };
  readonly counters: Counters = {
    requests: 0, creates: 0, updates: 0, journal: 0, ordersReceived: 0, stored: 0, duplicates: 0,
    timeouts: 0, errors5xx: 0, throttled: 0, invalid: 0, unauthorized: 0, perOrderErrors: 0,
  };
  readonly received: Received[] = [];
  /** called after a create/update stored its orders, before the answer (or the fault) */
  afterStore: ((info: { kind: 'create' | 'update'; orderNumbers: string[] }) => void) | null = null;
  onJournal: (() => void) | null = null;
  private readonly orders = new Map<number, Map<string, StoredOrder>>();
  private nextId = 3_344_556;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly held = new Set<ServerResponse>();
  private readonly random: () => number;
  port: number;

  constructor(private readonly opts: FakeOptions) {
    this.port = opts.port ?? 0;
    this.random = mulberry32(opts.seed ?? 1);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  siteOrders(siteId: number): Map<string, StoredOrder> {
    let m = this.orders.get(siteId);
    if (!m) this.orders.set(siteId, (m = new Map()));
    return m;
  }

  allOrders(): StoredOrder[] {
    return [...this.orders.values()].flatMap((m) => [...m.values()]);
  }

  async start(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
    return this;
  }

  /** Network cut: refuses connections and drops the open ones. State is kept for `start()`. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    for (const r of this.held) r.destroy();
    this.held.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private nextFault(): Fault {
    const scripted = this.faults.script.shift();
    if (scripted) return scripted;
    const r = this.random();
    const f = this.faults;
    if (r < f.rate429) return '429';
    if (r < f.rate429 + f.timeoutRate) return 'timeout';
    if (r < f.rate429 + f.timeoutRate + f.error5xxRate) return '500';
    return 'ok';
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      body = undefined;
    }
    this.received.push({ method: req.method ?? '', path: url.pathname, headers: { ...req.headers }, body });
    const journal = /^\/calls-service\/RestAPI\/(\d+)\/orders-diary\/orders\/?$/.exec(url.pathname);
    if (req.method === 'GET' && journal) return this.journal(Number(journal[1]), url.searchParams, res);
    const m = /^\/lead-service\/v1\/api\/client-order\/(create|update)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m) return this.send(res, 404, { message: 'Not found' });
    const kind = m[1] as 'create' | 'update';
    if (kind === 'create') this.counters.creates++;
    else this.counters.updates++;
    const siteId = Number(req.headers.siteid);
    const token = req.headers['access-token'];
    if (!token || !Number.isInteger(siteId) || this.opts.tokens[siteId] !== token) {
      this.counters.unauthorized++;
      return this.send(res, 401, { message: 'Invalid Access-Token or SiteId' });
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      this.counters.invalid++;
      return this.send(res, 400, { data: { validationErrorData: [{ field: 'Content-Type', message: 'нужен application/json' }] } });
    }
    const problems = body === undefined ? [{ field: '', message: 'тело — не JSON' }] : validateBody(kind, body);
    const bad = this.faults.invalidIf;
    if (!problems.length && bad) {
      (body as { orders: Record<string, unknown>[] }).orders.forEach((o, i) => {
        if (bad(o)) problems.push({ field: `orders[${i}]`, message: 'сделка не прошла проверку' });
      });
    }
    if (problems.length) {
      this.counters.invalid++;
      return this.send(res, 400, { data: { validationErrorData: problems } });
    }
    const fault = this.nextFault();
    if (fault === '429') {
      this.counters.throttled++;
      res.setHeader('retry-after', '1');
      return this.send(res, 429, { message: 'Too Many Requests' });
    }
    if (fault === '500-before') {
      this.counters.errors5xx++;
      return this.send(res, 500, { message: 'Internal Server Error' });
    }
    const list = (body as { orders: Record<string, unknown>[] }).orders;
    this.counters.ordersReceived += list.length;
    const results = list.map((o) => (kind === 'create' ? this.createOne(siteId, o) : this.updateOne(siteId, o)));
    this.afterStore?.({ kind, orderNumbers: list.map((o) => String(o.orderNumber)) });
    if (fault === 'timeout') {
      // stored, but the answer never comes: the client gives up (or the server is stopped)
      this.counters.timeouts++;
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    if (fault === '500') {
      this.counters.errors5xx++;
      return this.send(res, 500, { message: 'Internal Server Error' });
    }
    this.send(res, 200, { data: { orders: results } });
  }

  private createOne(siteId: number, o: Record<string, unknown>): Record<string, unknown> {
    const orderNumber = String(o.orderNumber);
    const store = this.siteOrders(siteId);
    if (store.has(orderNumber)) {
      this.counters.duplicates++;
      this.counters.perOrderErrors++;
      return { orderNumber, error: `Сделка с orderNumber «${orderNumber}» уже существует` };
    }
    const injected = this.faults.orderError?.(o) ?? null;
    if (injected) {
      this.counters.perOrderErrors++;
      return { orderNumber, error: injected };
    }
    const stored: StoredOrder = {
      calltouchOrderId: this.nextId++,
      siteId,
      orderNumber,
      orderDate: String(o.orderDate),
      status: typeof o.status === 'string' ? o.status : null,
      statusDate: typeof o.statusDate === 'string' ? o.statusDate : null,
      revenue: typeof o.revenue === 'string' ? o.revenue : null,
      tags: Array.isArray(o.addTags) ? (o.addTags as { tag: string }[]).map((t) => t.tag) : [],
      comments: o.comment ? [(o.comment as { text: string }).text] : [],
      matching: o.matching,
      updates: 0,
    };
    store.set(orderNumber, stored);
    this.counters.stored++;
    return { orderNumber, calltouchOrderId: stored.calltouchOrderId };
  }

  private updateOne(siteId: number, o: Record<string, unknown>): Record<string, unknown> {
    const orderNumber = String(o.orderNumber);
    const s = this.siteOrders(siteId).get(orderNumber);
    if (!s) {
      this.counters.perOrderErrors++;
      return { orderNumber, error: `Сделка с orderNumber «${orderNumber}» не найдена` };
    }
    const injected = this.faults.orderError?.(o) ?? null;
    if (injected) {
      this.counters.perOrderErrors++;
      return { orderNumber, error: injected };
    }
    if (typeof o.status === 'string') s.status = o.status;
    if (typeof o.statusDate === 'string') s.statusDate = o.statusDate;
    if (typeof o.revenue === 'string') s.revenue = o.revenue;
    const add = o.addNewComment as { text: string } | undefined;
    if (add) s.comments.push(add.text);
    const tags = o.addTags as { overwrite: boolean; tags: { tag: string }[] } | undefined;
    if (tags) s.tags = [...(tags.overwrite ? [] : s.tags), ...tags.tags.map((t) => t.tag)];
    s.updates++;
    return { orderNumber, calltouchOrderId: s.calltouchOrderId };
  }

  private journal(siteId: number, q: URLSearchParams, res: ServerResponse): void {
    this.counters.journal++;
    this.onJournal?.();
    if (this.opts.tokens[siteId] === undefined) return this.send(res, 404, { message: 'Unknown site' });
    if (q.get('clientApiId') !== this.opts.tokens[siteId]) {
      this.counters.unauthorized++;
      return this.send(res, 401, { message: 'Invalid clientApiId' });
    }
    if (this.faults.journalUnavailable) return this.send(res, 404, { message: 'Not found' });
    const from = dayKey(q.get('dateFrom') ?? '');
    const to = dayKey(q.get('dateTo') ?? '');
    const page = Number(q.get('page') ?? '1');
    const limit = Number(q.get('limit') ?? '1000');
    if (!from || !to || from >= to || !Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
      this.counters.invalid++;
      return this.send(res, 400, { message: 'dateFrom/dateTo — dd/mm/yyyy, dateFrom раньше dateTo; page ≥ 1; limit ≤ 1000' });
    }
    const all = [...this.siteOrders(siteId).values()]
      .filter((o) => {
        const d = orderDay(o.orderDate);
        return d >= from && d <= to;
      })
      .sort((a, b) => a.calltouchOrderId - b.calltouchOrderId);
    const records = all.slice((page - 1) * limit, page * limit).map((o) => ({
      orderId: o.calltouchOrderId,
      orderNumber: o.orderNumber,
      orderStatus: o.status,
      orderDate: o.orderDate.replace(/^(\d{2})-(\d{2})-(\d{4})/, '$1/$2/$3'),
      completedAmount: o.revenue === null ? null : Number(o.revenue),
      tags: o.tags,
      comment: o.comments.join('\n'),
    }));
    this.send(res, 200, { page, pageTotal: Math.max(1, Math.ceil(all.length / limit)), pageSize: limit, recordsTotal: all.length, records });
  }
}

export async function startCalltouchOrdersFake(opts: FakeOptions): Promise<CalltouchOrdersFake> {
  return new CalltouchOrdersFake(opts).start();
}
