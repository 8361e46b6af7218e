// A tiny loopback HTTP server for the ad-platform fakes: one handler, a latency knob, counters.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReq {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeRes {
  status: number;
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface AdFakeServer {
  url: string;
  server: Server;
  requests: number;
  byPath: Record<string, number>;
  latencyMs: number;
  close(): Promise<void>;
}

export async function startServer(handle: (req: FakeReq) => FakeRes | Promise<FakeRes>): Promise<AdFakeServer> {
  const state = { requests: 0, byPath: {} as Record<string, number>, latencyMs: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const u = new URL(req.url ?? '/', 'http://127.0.0.1');
        state.requests++;
        state.byPath[u.pathname] = (state.byPath[u.pathname] ?? 0) + 1;
        if (state.latencyMs > 0) await new Promise((r) => setTimeout(r, state.latencyMs));
        let out: FakeRes;
        try {
          out = await handle({ method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        } catch (err) {
          out = { status: 500, json: { error: String(err) } };
        }
        const body = out.json !== undefined ? JSON.stringify(out.json) : (out.text ?? '');
        res.writeHead(out.status, {
          'content-type': out.contentType ?? (out.json !== undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
          ...out.headers,
        });
        res.end(body);
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const fake: AdFakeServer = {
    url: `http://127.0.0.1:${port}`,
    server,
    get requests() {
      return state.requests;
    },
    get byPath() {
      return state.byPath;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(v: number) {
      state.latencyMs = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  } as AdFakeServer;
  return fake;
}
