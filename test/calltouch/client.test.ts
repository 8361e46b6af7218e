import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalltouchClient, CtApiError, checkBaseUrl, retryAfterMs } from '../../src-main/engine/sources/calltouch/client';
import { RateLimiter, type CtClock } from '../../src-main/engine/sources/calltouch/limiter';
import { FakeServer, startFakeCalltouch, type FakeResponse } from '../fakes/calltouch';
import { captureLogger } from './helpers';

const SITE = 43769;
const PAGE = { page: 1, pageTotal: 1, pageSize: 1000, recordsTotal: 0, records: [] };

/** a clock whose sleeps only advance a counter: retry timing without waiting */
function virtualClock(): CtClock & { waits: number[]; t: number } {
  const c = {
    t: 1_000_000,
    waits: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.waits.push(ms);
      c.t += ms;
    },
  };
  return c;
}

describe('rate limiter', () => {
  it('spaces requests evenly at its rate and holds everyone back after a pause', async () => {
    const clock = virtualClock();
    const lim = new RateLimiter(4, clock);
    const starts: number[] = [];
    for (let i = 0; i < 5; i++) {
      await lim.acquire();
      starts.push(clock.t);
    }
    expect(starts.map((s) => s - (starts[0] as number))).toEqual([0, 250, 500, 750, 1000]);
    lim.pause(3000);
    const before = clock.t;
    await lim.acquire();
    expect(clock.t - before).toBeGreaterThanOrEqual(3000);
  });

  it('keeps a real 4 rps client under a 5 rps per-IP limit: no 429 at all', async () => {
    const fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 't' }], rps: 5 });
    const client = new CalltouchClient({ baseUrl: fake.url, token: 't', siteId: SITE, limiter: new RateLimiter(4) });
    const started = Date.now();
    for (let i = 0; i < 12; i++) await client.callsPage('2026-04-01', '2026-04-01', 1, 1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2700);
    expect(fake.server.stats.throttled).toBe(0);
    expect(fake.server.stats.requests).toBe(12);
    await fake.close();
  });
});

describe('calltouch client policies', () => {
  const server = new FakeServer();
  let script: (FakeResponse | 'reset')[] = [];
  let url = '';
  beforeAll(async () => {
    server.rps = null;
    server.route({
      name: 'scripted',
      method: 'GET',
      pattern: /^\/calls-service\/RestAPI\//,
      handler: () => {
        const next = script.shift() ?? { status: 200, json: PAGE };
        return next === 'reset' ? { status: 200, json: PAGE } : next;
      },
    });
    url = await server.listen();
  });
  afterAll(() => server.close());

  function client(clock = virtualClock(), base = url, maxAttempts = 4) {
    return { clock, c: new CalltouchClient({ baseUrl: base, token: 'secret-token', siteId: SITE, clock, limiter: new RateLimiter(1000, clock), maxAttempts, log: captureLogger() }) };
  }

  it('retries 5xx and 429 with backoff, honouring Retry-After, then succeeds', async () => {
    script = [
      { status: 502, text: '<html>Bad Gateway</html>' },
      { status: 429, json: { message: 'Too Many Requests' }, headers: { 'retry-after': '2' } },
      { status: 200, json: { ...PAGE, recordsTotal: 7 } },
    ];
    const { c, clock } = client();
    const page = await c.callsPage('2026-04-03', '2026-04-03', 1, 1000);
    expect(page.recordsTotal).toBe(7);
    expect(c.requests).toBe(3);
    expect(c.throttled).toBe(1);
    expect(clock.waits).toContain(2000);
  });

  it('fails at once on other 4xx, with a Russian message per case', async () => {
    const cases: [number, string, string, string][] = [
      [400, 'bad_request', 'invalid_input', 'отклонил запрос (HTTP 400): dateFrom is wrong'],
      [401, 'auth', 'auth_failed', 'не принял токен API'],
      [403, 'site', 'auth_failed', `не даёт доступа к кабинету ${SITE}`],
      [404, 'not_found', 'not_found', `не нашёл кабинет ${SITE}`],
      [410, 'http', 'invalid_input', 'HTTP 410'],
    ];
    for (const [status, failure, code, text] of cases) {
      script = [{ status, json: { message: 'dateFrom is wrong' } }];
      const { c } = client();
      const err = (await c.callsPage('2026-04-03', '2026-04-03', 1, 10).catch((e: unknown) => e)) as CtApiError;
      expect(err).toBeInstanceOf(CtApiError);
      expect([err.failure, err.code, err.status]).toEqual([failure, code, status]);
      expect(err.message).toContain(text);
      expect(c.requests).toBe(1);
      script = [];
    }
  });

  it('treats an HTML page with 200 as an error, retried, then "Calltouch вернул страницу вместо данных"', async () => {
    const html: FakeResponse = { status: 200, text: '<!DOCTYPE html><html><body>Технические работы</body></html>' };
    script = [html, html, html, html];
    const { c } = client();
    const err = (await c.callsPage('2026-04-03', '2026-04-03', 1, 10).catch((e: unknown) => e)) as CtApiError;
    expect(err.failure).toBe('html');
    expect(err.message).toContain('Calltouch вернул страницу вместо данных');
    expect(c.requests).toBe(4);
    // JSON under a wrong content type is not data either
    script = [{ status: 200, text: JSON.stringify(PAGE), contentType: 'text/plain' }, { status: 200, json: PAGE }];
    const again = client();
    await again.c.callsPage('2026-04-03', '2026-04-03', 1, 10);
    expect(again.c.requests).toBe(2);
  });

  it('retries truncated JSON and a connection reset mid-body', async () => {
    server.setFaults({ fraction: 1, kinds: { truncated: 1 } });
    const { c } = client();
    const err = (await c.callsPage('2026-04-03', '2026-04-03', 1, 10).catch((e: unknown) => e)) as CtApiError;
    expect(err.failure).toBe('truncated');
    expect(c.requests).toBe(4);
    server.setFaults({ fraction: 1, kinds: { reset: 1 } });
    const r = client();
    const err2 = (await r.c.callsPage('2026-04-03', '2026-04-03', 1, 10).catch((e: unknown) => e)) as CtApiError;
    expect(err2.failure).toBe('network');
    server.setFaults({ fraction: 0.5, kinds: { truncated: 1, reset: 1 }, seed: 5 });
    const ok = client(virtualClock(), url, 20);
    for (let i = 0; i < 10; i++) await ok.c.callsPage('2026-04-03', '2026-04-03', 1, 10);
    expect(ok.c.retries).toBeGreaterThan(0);
    server.setFaults({ fraction: 0 });
  });

  it('reports a network failure when nothing listens, and never puts the token in a message', async () => {
    const dead = new FakeServer();
    const deadUrl = await dead.listen();
    await dead.close();
    const { c } = client(virtualClock(), deadUrl);
    const err = (await c.requestsRange('2026-04-03', '2026-04-03').catch((e: unknown) => e)) as CtApiError;
    expect([err.failure, err.code]).toEqual(['network', 'network']);
    expect(err.message).toContain('Нет связи с Calltouch');
    expect(err.message).not.toContain('secret-token');
    expect(c.requests).toBe(4);
  });

  it('sends the requests journal siteId in the query and the calls diary siteId in the path', async () => {
    server.resetStats();
    script = [{ status: 200, json: [] }, { status: 200, json: [] }];
    const { c } = client();
    await c.requestsRange('2026-04-03', '2026-04-04');
    await c.callsDay('2026-04-03');
    const [a, b] = server.log;
    expect(a?.path).toBe('/calls-service/RestAPI/requests');
    expect(a?.query).toMatchObject({ clientApiId: 'secret-token', siteId: String(SITE), dateFrom: '04/03/2026', dateTo: '04/04/2026', withRequestTags: 'true' });
    expect(b?.path).toBe(`/calls-service/RestAPI/${SITE}/calls-diary/calls`);
    expect(b?.query).not.toHaveProperty('page');
    expect(b?.query).toMatchObject({ dateFrom: '03/04/2026', dateTo: '03/04/2026' });
  });

  it('reads Retry-After as seconds or a date, and refuses plain http except on loopback', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(retryAfterMs(undefined, 0)).toBeNull();
    expect(checkBaseUrl('https://api.calltouch.ru/').ok).toBe(true);
    expect(checkBaseUrl('http://127.0.0.1:5000').ok).toBe(true);
    expect(checkBaseUrl('http://api.calltouch.ru')).toMatchObject({ ok: false, code: 'not_https' });
    expect(checkBaseUrl('api calltouch')).toMatchObject({ ok: false, code: 'bad_url' });
  });
});
