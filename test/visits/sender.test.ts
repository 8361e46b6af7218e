// The outbox sender against the fake lead-service: batching, states, reconciliation, faults.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../src-main/engine/workspace';
import { VisitService } from '../../src-main/engine/visits/service';
import { RateLimiter } from '../../src-main/engine/sources/calltouch/limiter';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { journalRanges } from '../../src-main/engine/visits/reconcile';
import { FAST, SITE, TOKEN, harness, memoryLogger, outboxStates, visitInput } from './helpers';

let fake: CalltouchOrdersFake;
beforeEach(async () => {
  fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
});
afterEach(async () => {
  await fake.stop();
});

function creates(): number[] {
  return fake.received
    .filter((r) => r.path.endsWith('/client-order/create'))
    .map((r) => (r.body as { orders: unknown[] }).orders.length);
}

describe('sending', () => {
  it('250 queued visits go out as 3 requests (100 + 100 + 50), all sent, badge counts emitted', async () => {
    const h = harness({ fake });
    for (let i = 0; i < 250; i++) h.service.create(visitInput());
    expect(h.service.counts()).toMatchObject({ queued: 250, sent: 0 });
    const r = await h.service.send();
    expect(creates()).toEqual([100, 100, 50]);
    expect(r).toMatchObject({ attempted: 250, sent: 250, failed: 0, rejected: 0, requests: 3 });
    expect(fake.siteOrders(SITE).size).toBe(250);
    expect(h.events.at(-1)).toMatchObject({ queued: 0, sent: 250 });
    // nothing is due any more
    expect(await h.service.send()).toMatchObject({ attempted: 0, requests: 0 });
    h.ws.close();
  });

  it('without a token the visit stays queued with a clear Russian reason, and goes once the token is there', async () => {
    const h = harness({ fake, token: null });
    const v = h.service.create(visitInput());
    await h.service.send();
    expect(fake.counters.requests).toBe(0);
    const listed = h.service.list({ offset: 0, limit: 10 }).items[0];
    expect(listed).toMatchObject({ id: v.id, state: 'queued', lastError: `Нет токена Calltouch для кабинета ${SITE} — добавьте его в настройках` });
    h.secrets.set({ kind: 'calltouch_token', siteId: SITE }, TOKEN);
    await h.service.send();
    expect(h.service.list({ offset: 0, limit: 10 }).items[0]).toMatchObject({ state: 'sent', lastError: null });
    h.ws.close();
  });

  it('a per-order error rejects only that visit; editing it sends it again', async () => {
    const h = harness({ fake });
    const good = h.service.create(visitInput());
    const bad = h.service.create(visitInput({ phones: ['+79990000000'] }));
    fake.faults.orderError = (o) => (JSON.stringify(o.matching).includes('79990000000') ? 'Некорректный номер телефона' : null);
    const r = await h.service.send();
    expect(r).toMatchObject({ sent: 1, rejected: 1 });
    const items = h.service.list({ offset: 0, limit: 10 }).items;
    expect(items.find((x) => x.id === good.id)?.state).toBe('sent');
    expect(items.find((x) => x.id === bad.id)).toMatchObject({ state: 'rejected', lastError: 'Calltouch отклонил сделку: Некорректный номер телефона', cancellable: true });
    expect(h.service.counts()).toMatchObject({ rejected: 1 });
    h.service.update({ id: bad.id, phones: ['+79161112233'] });
    expect(h.service.list({ states: ['queued'], offset: 0, limit: 10 }).total).toBe(1);
    await h.service.send();
    expect(h.service.list({ offset: 0, limit: 10 }).items.every((x) => x.state === 'sent')).toBe(true);
    h.ws.close();
  });

  it('a request refused as a whole (HTTP 400) is split to find the bad order', async () => {
    const h = harness({ fake });
    const vs = [0, 1, 2, 3].map(() => h.service.create(visitInput()));
    const badNumber = vs[2]?.orderNumber;
    fake.faults.invalidIf = (o) => o.orderNumber === badNumber;
    const r = await h.service.send();
    expect(creates()).toEqual([4, 1, 1, 1, 1]);
    expect(r).toMatchObject({ sent: 3, rejected: 1 });
    expect(h.service.list({ states: ['rejected'], offset: 0, limit: 10 }).items[0]?.lastError).toMatch(/HTTP 400.*сделка не прошла проверку/);
    h.ws.close();
  });
});

describe('exactly once under faults', () => {
  it('a timeout after the order was stored is reconciled through the orders journal, not re-created', async () => {
    const h = harness({ fake });
    const v = h.service.create(visitInput());
    fake.faults.script.push('timeout');
    const r1 = await h.service.send();
    expect(r1).toMatchObject({ attempted: 1, failed: 1, sent: 0 });
    expect(fake.siteOrders(SITE).has(v.orderNumber)).toBe(true);
    const failed = h.service.list({ offset: 0, limit: 1 }).items[0];
    expect(failed).toMatchObject({ state: 'failed', cancellable: false });
    expect(failed?.lastError).toMatch(/не ответил вовремя/);
    expect(() => h.service.cancel(v.id)).toThrow(/только до отправки/);
    // before the retry time nothing happens
    expect(await h.service.send()).toMatchObject({ attempted: 0, reconciled: 0, requests: 0 });
    h.clock.advance(FAST.backoffMaxMs ?? 0);
    const r2 = await h.service.send();
    expect(r2).toMatchObject({ reconciled: 1, found: 1, sent: 1, attempted: 0 });
    expect(fake.counters).toMatchObject({ creates: 1, duplicates: 0, journal: 1 });
    expect(h.service.list({ offset: 0, limit: 1 }).items[0]).toMatchObject({
      state: 'sent',
      calltouchOrderId: String(fake.siteOrders(SITE).get(v.orderNumber)?.calltouchOrderId),
    });
    h.ws.close();
  });

  it('the journal is read page by page over the days the orders are dated (± a day)', async () => {
    const h = harness({ fake, tuning: { journalPageLimit: 2 } });
    for (const at of ['2026-05-01T10:00:00+03:00', '2026-05-02T10:00:00+03:00', '2026-05-20T10:00:00+03:00']) {
      h.service.create(visitInput({ at }));
      h.service.create(visitInput({ at }));
    }
    fake.faults.script.push('timeout');
    await h.service.send();
    h.clock.advance(FAST.backoffMaxMs ?? 0);
    expect(await h.service.send()).toMatchObject({ reconciled: 6, found: 6, sent: 6 });
    const pages = fake.received
      .filter((r) => r.path.endsWith('/orders-diary/orders'))
      .map((r) => r.path);
    // 30.04–03.05: 4 orders → 2 full pages + an empty one; 19.05–21.05: 2 orders → a full page + an empty one
    expect(pages).toHaveLength(5);
    expect(journalRanges(['2026-05-01', '2026-05-02', '2026-05-20', '2026-05-05'])).toEqual([
      { from: '2026-04-30', to: '2026-05-06' },
      { from: '2026-05-19', to: '2026-05-21' },
    ]);
    h.ws.close();
  });

  it('rows left "sending" by a crashed sender are looked up after the settle time: found → sent, missing → created once', async () => {
    const h = harness({ fake });
    const a = h.service.create(visitInput());
    const b = h.service.create(visitInput());
    // the crashed process had claimed both, and only A reached Calltouch
    h.ws.db.prepare("UPDATE outbox SET state = 'sending', verify = 1, attempts = 1, updated_at = ?").run(h.clock.t);
    fake.siteOrders(SITE).set(a.orderNumber, {
      calltouchOrderId: 42, siteId: SITE, orderNumber: a.orderNumber, orderDate: '20-05-2026 14:30:00', status: 'Визит',
      statusDate: null, revenue: '1000.00', tags: [], comments: [], matching: [], updates: 0,
    });
    expect(await h.service.send()).toMatchObject({ reconciled: 0, requests: 0 });
    h.clock.advance(FAST.settleMs ?? 0);
    const r = await h.service.send();
    expect(r).toMatchObject({ reconciled: 2, found: 1, attempted: 1, sent: 2 });
    expect(fake.counters.duplicates).toBe(0);
    expect(fake.siteOrders(SITE).size).toBe(2);
    const items = h.service.list({ offset: 0, limit: 5 }).items;
    expect(items.find((x) => x.id === a.id)?.calltouchOrderId).toBe('42');
    expect(items.find((x) => x.id === b.id)?.state).toBe('sent');
    h.ws.close();
  });

  it('a create answered «already exists» is looked up, not rejected', async () => {
    const h = harness({ fake });
    const v = h.service.create(visitInput());
    fake.siteOrders(SITE).set(v.orderNumber, {
      calltouchOrderId: 77, siteId: SITE, orderNumber: v.orderNumber, orderDate: '20-05-2026 14:30:00', status: 'Визит',
      statusDate: null, revenue: '1000.00', tags: [], comments: [], matching: [], updates: 0,
    });
    expect(await h.service.send()).toMatchObject({ failed: 1, rejected: 0 });
    expect(await h.service.send()).toMatchObject({ reconciled: 1, found: 1, sent: 1 });
    expect(h.service.list({ offset: 0, limit: 1 }).items[0]).toMatchObject({ state: 'sent', calltouchOrderId: '77' });
    h.ws.close();
  });

  it('when the journal is unavailable the orders are probed with update by orderNumber', async () => {
    const h = harness({ fake });
    const a = h.service.create(visitInput());
    fake.faults.script.push('timeout');
    await h.service.send();
    const b = h.service.create(visitInput());
    h.ws.db.prepare("UPDATE outbox SET state = 'sending', verify = 1, updated_at = ? WHERE visit_id = ?").run(h.clock.t, b.id);
    fake.faults.journalUnavailable = true;
    h.clock.advance(FAST.backoffMaxMs ?? 0);
    const r = await h.service.send();
    expect(r).toMatchObject({ reconciled: 2, found: 1, sent: 2 });
    expect(fake.counters).toMatchObject({ duplicates: 0, creates: 2 });
    const probe = fake.received.find((x) => x.path.endsWith('/update'))?.body as { orders: { orderNumber: string }[] };
    expect(probe.orders.map((o) => o.orderNumber).sort()).toEqual([a.orderNumber, b.orderNumber].sort());
    h.ws.close();
  });

  it('429, a 500 after storing, and the network down: nothing lost, nothing twice', async () => {
    const h = harness({ fake });
    const vs = [0, 1, 2].map(() => h.service.create(visitInput()));
    fake.faults.script.push('429');
    expect(await h.service.send()).toMatchObject({ failed: 3, sent: 0 });
    expect(h.service.list({ offset: 0, limit: 1 }).items[0]?.lastError).toMatch(/HTTP 429/);
    h.clock.advance(1_000); // Retry-After: 1
    fake.faults.script.push('500');
    expect(await h.service.send()).toMatchObject({ failed: 3 });
    expect(fake.siteOrders(SITE).size).toBe(3);
    await fake.stop();
    h.clock.advance(FAST.backoffMaxMs ?? 0);
    expect(await h.service.send()).toMatchObject({ sent: 0, failed: 3 });
    expect(h.service.list({ offset: 0, limit: 1 }).items[0]?.lastError).toMatch(/ECONNREFUSED/);
    await fake.start();
    // «повторить сейчас»: due at once, still looked up before anything is re-created
    for (const v of vs) h.service.retry(v.id);
    const r = await h.service.send();
    expect(r).toMatchObject({ reconciled: 3, found: 3, sent: 3 });
    expect(fake.counters.duplicates).toBe(0);
    expect(h.service.counts()).toMatchObject({ sent: 3, failed: 0 });
    h.ws.close();
  });

  it('two senders on one workspace (the app and the CLI) never send the same row', async () => {
    const h = harness({ fake });
    for (let i = 0; i < 120; i++) h.service.create(visitInput());
    const other = Workspace.open(h.ws.dir);
    const second = new VisitService(other, {
      secrets: h.secrets,
      overrides: { calltouchBaseUrl: fake.url },
      now: h.clock.now,
      changed: () => {},
      tuning: { ...FAST, limiter: new RateLimiter(1000) },
      log: memoryLogger(),
    });
    const [r1, r2] = await Promise.all([h.service.send(), second.send()]);
    expect(r1.sent + r2.sent).toBe(120);
    expect(fake.counters).toMatchObject({ ordersReceived: 120, duplicates: 0, stored: 120 });
    other.close();
    h.ws.close();
  });
});

describe('edits, cancel, retry', () => {
  it('edits before sending ride on the create; contacts cannot change once sent', async () => {
    const h = harness({ fake });
    const v = h.service.create(visitInput({ revenue: '100' }));
    h.service.update({ id: v.id, revenue: '250', status: 'Запись', phones: ['+79035556677'] });
    await h.service.send();
    expect(creates()).toEqual([1]);
    expect(fake.counters.updates).toBe(0);
    expect(fake.siteOrders(SITE).get(v.orderNumber)).toMatchObject({ revenue: '250.00', status: 'Запись' });
    expect(JSON.stringify(fake.siteOrders(SITE).get(v.orderNumber)?.matching)).toContain('79035556677');
    expect(() => h.service.update({ id: v.id, phones: ['+79031234567'] })).toThrow(/изменить нельзя/);
    // the same values are no change
    expect(h.service.update({ id: v.id, phones: ['+79035556677'], status: 'Оплачено' }).state).toBe('queued');
    h.ws.close();
  });

  it('cancel before sending: nothing goes out and the visit leaves the identities; retry re-queues failed rows', async () => {
    const h = harness({ fake });
    const v = h.service.create(visitInput({ emails: ['x@y.ru'] }));
    expect(h.ws.db.prepare("SELECT kind, value FROM ident WHERE owner = 'visit' AND owner_id = ? ORDER BY kind").all(v.id)).toEqual([
      { kind: 'email', value: 'x@y.ru' },
      { kind: 'phone', value: v.phones[0] },
    ]);
    expect(h.service.cancel(v.id)).toMatchObject({ state: 'cancelled', cancellable: false });
    expect(h.ws.db.prepare("SELECT count(*) AS n FROM ident WHERE owner = 'visit'").get()).toEqual({ n: 0 });
    await h.service.send();
    expect(fake.counters.requests).toBe(0);
    expect(outboxStates(h.ws)).toEqual({ cancelled: 1 });
    expect(() => h.service.update({ id: v.id, status: 'x' })).toThrow(/отменён/);
    h.ws.close();
  });

  it('concurrent send() calls share one pass', async () => {
    const h = harness({ fake });
    h.service.create(visitInput());
    const [a, b] = await Promise.all([h.service.send(), h.service.send()]);
    expect(a).toBe(b);
    expect(fake.counters.creates).toBe(1);
    h.ws.close();
  });
});
