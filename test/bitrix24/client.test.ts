// Client policies on virtual time (reference/bitrix24.md §8.4): leaky bucket, operating budget,
// each error class, portal rename, truncated JSON, no blind retry of *.add, cancellation.
import { describe, expect, it } from 'vitest';
import { B24ApiError } from '../../src-main/engine/sources/bitrix24/api-error';
import { runBatch } from '../../src-main/engine/sources/bitrix24/batch';
import { B24Client, TransportError, type HttpAnswer, type Transport } from '../../src-main/engine/sources/bitrix24/client';
import { cancelledError, RATE_LIMITS, type Clock } from '../../src-main/engine/sources/bitrix24/limiter';
import { parseWebhook } from '../../src-main/engine/sources/bitrix24/webhook';
import { SkvozError } from '../../src-main/engine/errors';
import { demoData, startFake } from './helpers';

/** Virtual time: sleep advances the clock at once. */
class VirtualClock implements Clock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw cancelledError();
    this.t += Math.max(0, ms);
  }
}

type Reply = HttpAnswer | TransportError | ((url: string, body: string) => HttpAnswer | TransportError);

const ok = (result: unknown, time: Record<string, unknown> = {}): HttpAnswer => ({
  status: 200,
  location: null,
  body: JSON.stringify({ result, time: { date_start: '2025-03-10T11:03:41+03:00', operating: 0, ...time } }),
});
const err = (status: number, error: string, description = ''): HttpAnswer => ({
  status,
  location: null,
  body: JSON.stringify({ error, error_description: description }),
});

function setup(replies: Reply[], opts: { limit?: { burst: number; rps: number }; operatingLimitSec?: number } = {}) {
  const clock = new VirtualClock();
  const sent: { t: number; url: string; body: string }[] = [];
  const transport: Transport = async (url, body) => {
    sent.push({ t: clock.t, url, body });
    const r = replies.length > 1 ? replies.shift() : replies[0];
    const a = typeof r === 'function' ? r(url, body) : r;
    if (a === undefined) throw new Error('no scripted reply');
    if (a instanceof TransportError) throw a;
    return a;
  };
  const renames: string[] = [];
  const client = new B24Client({
    webhook: parseWebhook('https://old.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/'),
    clock,
    transport,
    random: () => 0.5,
    limit: opts.limit ?? RATE_LIMITS.standard,
    operatingLimitSec: opts.operatingLimitSec,
    onRename: (o) => renames.push(o),
  });
  return { client, clock, sent, renames, t0: clock.t };
}

async function failure(p: Promise<unknown>): Promise<B24ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof B24ApiError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('leaky bucket', () => {
  it('sends a burst of 49, then 2 per second, in order', async () => {
    const { client, sent, t0 } = setup([ok(1)]);
    await Promise.all(Array.from({ length: 60 }, (_, i) => client.call('server.time', { i })));
    const at = sent.map((s) => s.t - t0);
    expect(at.slice(0, 49).every((t) => t === 0)).toBe(true);
    expect(at[49]).toBe(500);
    expect(at[59]).toBe(5500);
    expect(sent.map((s) => JSON.parse(s.body).i)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('uses 250 / 5 per second for Enterprise', async () => {
    const { client, sent, t0 } = setup([ok(1)], { limit: RATE_LIMITS.enterprise });
    await Promise.all(Array.from({ length: 259 }, () => client.call('server.time')));
    expect(sent[248]!.t - t0).toBe(0);
    expect(sent[249]!.t - t0).toBe(200);
    expect(sent[258]!.t - t0).toBe(2000);
  });

  it('503 QUERY_LIMIT_EXCEEDED drains the bucket and backs off 1.5 s × 1.5^n', async () => {
    let tokens = -1;
    const { client, sent, t0 } = setup([
      err(503, 'QUERY_LIMIT_EXCEEDED', 'Too many requests'),
      () => ((tokens = client.queue.bucket.available()), err(503, 'QUERY_LIMIT_EXCEEDED')),
      ok(7),
    ]);
    expect((await client.call('server.time')).result).toBe(7);
    expect(client.stats.rateLimited).toBe(2);
    expect(sent.map((s) => s.t - t0)).toEqual([0, 1575, 1575 + 2363]);
    // drained at the 503: only what dripped in during the 1.575 s wait is left (48 without the drain)
    expect(tokens).toBeCloseTo(1.575 * 2 - 1, 5);
  });
});

describe('operating budget', () => {
  it('slows a method above 80 % and parks it at the limit until reset + 1 s', async () => {
    const { client, clock, sent, t0 } = setup([]);
    const reset = Math.floor(t0 / 1000) + 300;
    const replies = [ok(1, { operating: 400, operating_reset_at: reset }), ok(2, { operating: 478, operating_reset_at: reset }), ok(3), ok(4)];
    const c2 = new B24Client({
      webhook: client.webhook,
      clock,
      random: () => 0.5,
      queue: client.queue,
      transport: async (url, body) => (sent.push({ t: clock.t, url, body }), replies.shift()!),
    });
    await c2.call('crm.lead.list');
    await c2.call('crm.lead.list');
    // 400 s of 480: (400 − 384) / 96 of the 300 s to the reset = 50 s, capped at 7 s
    expect(sent[1]!.t - t0).toBe(7000);
    await c2.call('crm.lead.list');
    expect(sent[2]!.t).toBe(reset * 1000 + 1000);
    // another method is not held back
    await c2.call('crm.deal.list');
    expect(sent[3]!.t).toBe(sent[2]!.t);
  });

  it('records batch sub-call times from result_time and parks on 429 OPERATION_TIME_LIMIT', async () => {
    const reset = Math.floor(1_700_000_000_000 / 1000) + 100;
    const batchAnswer = ok({
      result: { a: [] },
      result_error: [],
      result_total: { a: 0 },
      result_next: [],
      result_time: { a: { operating: 479, operating_reset_at: reset } },
    });
    const { client, sent, t0 } = setup([batchAnswer, ok(1), err(429, 'OPERATION_TIME_LIMIT', 'Method is blocked due to operation time limit.'), ok(2)]);
    await runBatch(client, [{ key: 'a', method: 'crm.item.list', params: { entityTypeId: 2 } }]);
    expect(client.queue.budget.operating('crm.item.list')).toBe(479);
    await client.call('crm.item.list', { entityTypeId: 2 });
    expect(sent[1]!.t).toBe(reset * 1000 + 1000);
    const r = await client.call<number>('crm.item.list', { entityTypeId: 2 });
    expect(r.result).toBe(2);
    expect(client.stats.operatingLimited).toBe(1);
    expect(sent[3]!.t - sent[2]!.t).toBeGreaterThanOrEqual(10_000);
    expect(sent[0]!.t).toBe(t0);
  });
});

describe('errors and retries', () => {
  it('OVERLOAD_LIMIT stops at once with a Russian message', async () => {
    const { client, sent } = setup([err(503, 'OVERLOAD_LIMIT', 'REST API is blocked due to overload.')]);
    const e = await failure(client.call('crm.lead.list'));
    expect(e.kind).toBe('overload');
    expect(e.code).toBe('rate_limited');
    expect(e.message).toMatch(/OVERLOAD_LIMIT.*поддержк/);
    expect(sent).toHaveLength(1);
  });

  it('auth and other 4xx are not retried; empty `error` is classified on error_description', async () => {
    for (const [reply, kind, code] of [
      [err(401, 'NO_AUTH_FOUND', 'Wrong authorization data'), 'auth', 'auth_failed'],
      [err(401, 'INVALID_CREDENTIALS', 'Invalid request credentials'), 'auth', 'auth_failed'],
      [err(403, 'insufficient_scope'), 'scope', 'auth_failed'],
      [err(400, '', 'Access denied.'), 'denied', 'auth_failed'],
      [err(400, '', 'Not found'), 'not_found', 'not_found'],
      [err(400, 'INVALID_ARG_VALUE', "Invalid filter: field 'X' is not allowed in filter"), 'client', 'internal'],
      [err(400, '', "Parameter 'filter' must be array."), 'client', 'internal'],
    ] as const) {
      const { client, sent } = setup([reply]);
      const e = await failure(client.call('crm.deal.list'));
      expect([e.kind, e.code]).toEqual([kind, code]);
      expect(sent).toHaveLength(1);
      expect(e.message).not.toContain('x8k2m4q9v7t1z3ab');
    }
  });

  it('5xx, resets, timeouts, HTML and truncated JSON back off exponentially with jitter, then succeed', async () => {
    const truncated: HttpAnswer = { status: 200, location: null, body: '{"result":[{"ID":"1"' };
    const html: HttpAnswer = { status: 502, location: null, body: '<html>502 Bad Gateway</html>' };
    const { client, sent, t0 } = setup([
      err(500, 'INTERNAL_SERVER_ERROR'),
      new TransportError('ECONNRESET', false, false),
      new TransportError('таймаут ответа', false, true),
      html,
      truncated,
      ok([{ ID: '1' }]),
    ]);
    expect((await client.call('crm.lead.list')).result).toEqual([{ ID: '1' }]);
    const gaps = sent.slice(1).map((s, i) => s.t - sent[i]!.t);
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(client.stats.retries).toBe(5);
    expect(sent[0]!.t).toBe(t0);
  });

  it('gives up after maxAttempts with a network error', async () => {
    const { client, sent } = setup([err(500, 'INTERNAL_SERVER_ERROR')]);
    const e = await failure(client.call('crm.lead.list'));
    expect([e.kind, e.code]).toEqual(['server', 'network']);
    expect(sent).toHaveLength(6);
  });

  it('never re-sends *.add once it may have reached the portal', async () => {
    for (const reply of [new TransportError('таймаут ответа', false, true), err(500, 'INTERNAL_SERVER_ERROR'), { status: 200, location: null, body: '{"res' }]) {
      const { client, sent } = setup([reply, ok(3465)]);
      const e = await failure(client.call('crm.lead.add', { fields: { TITLE: 'Визит' } }));
      expect(e.message).toMatch(/повтор/);
      expect(sent).toHaveLength(1);
    }
    const inBatch = setup([err(502, 'BAD_GATEWAY'), ok({ result: { a: 1 } })]);
    await failure(runBatch(inBatch.client, [{ key: 'a', method: 'crm.lead.add', params: { fields: { TITLE: 'x' } } }]));
    expect(inBatch.sent).toHaveLength(1);
    // refused before reaching the server: safe to send again
    const refused = setup([new TransportError('ECONNREFUSED', true, false), err(503, 'QUERY_LIMIT_EXCEEDED'), ok(3466)]);
    expect((await refused.client.call('crm.lead.add', { fields: {} })).result).toBe(3466);
    expect(refused.sent).toHaveLength(3);
  });

  it('follows a 302 portal rename by hand, re-POSTs the body and reports the new host', async () => {
    const { client, sent, renames } = setup([
      { status: 302, location: 'https://new.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/crm.lead.list', body: '' },
      ok(1),
      ok(2),
    ]);
    await client.call('crm.lead.list', { start: -1 });
    await client.call('crm.deal.list');
    expect(sent.map((s) => s.url)).toEqual([
      'https://old.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/crm.lead.list',
      'https://new.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/crm.lead.list',
      'https://new.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/crm.deal.list',
    ]);
    expect(sent[1]!.body).toBe('{"start":-1}');
    expect(renames).toEqual(['https://new.bitrix24.ru']);
    expect(client.webhook.host).toBe('new.bitrix24.ru');
    const loop = setup([{ status: 302, location: '/rest/1/x8k2m4q9v7t1z3ab/crm.lead.list', body: '' }]);
    expect((await failure(loop.client.call('crm.lead.list'))).apiCode).toBe('REDIRECT_LOOP');
    const insecure = setup([{ status: 302, location: 'http://new.example.ru/', body: '' }]);
    await expect(insecure.client.call('crm.lead.list')).rejects.toThrow(/https/);
  });

  it('cancels a call waiting for the bucket or a backoff', async () => {
    const { client } = setup([ok(1)], { limit: { burst: 2, rps: 0.001 } });
    const ac = new AbortController();
    await client.call('server.time');
    const p = client.call('server.time', {}, ac.signal);
    ac.abort();
    await expect(p).rejects.toSatisfy((e: unknown) => e instanceof SkvozError && e.code === 'cancelled');
  });
});

describe('over loopback with undici (fake portal)', () => {
  it('re-reads truncated JSON, survives resets, and never re-sends a lost crm.lead.add', async () => {
    const f = await startFake(demoData({ leads: 5, deals: 2 }), { faults: { rate: 1, kinds: ['truncated'], seed: 1 } });
    try {
      const client = new B24Client({ webhook: parseWebhook(f.webhook), timeoutMs: 500, backoffBaseMs: 5, maxAttempts: 3, limit: { burst: 1000, rps: 1000 } });
      const e = await failure(client.call('scope'));
      expect([e.kind, f.counters.requests]).toEqual(['bad_response', 3]);
      f.opts.faults = { rate: 0.5, kinds: ['truncated', 'reset'], seed: 3 };
      const ok2 = new B24Client({ webhook: parseWebhook(f.webhook), timeoutMs: 500, backoffBaseMs: 5, maxAttempts: 20, limit: { burst: 1000, rps: 1000 } });
      for (let i = 0; i < 10; i++) expect((await ok2.call<string[]>('scope')).result).toEqual(['crm', 'user']);
      f.opts.faults = null;
      const leads = f.data.leads.size;
      f.opts.dropAfterExecute = 1;
      const lost = await failure(ok2.call('crm.lead.add', { fields: { TITLE: 'Офлайн-визит' } }));
      expect(lost.message).toMatch(/дважды/);
      expect(f.data.leads.size).toBe(leads + 1);
      expect(f.counters.byMethod.get('crm.lead.add')).toBe(1);
    } finally {
      await f.close();
    }
  });
});
