// The fake lead-service is strict where the reference is clear (§6, §7, §11) and documents its
// choices where it is not (duplicate orderNumber → per-order error).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { isLeadServiceDate } from '../fakes/calltouch-orders/validate';

const SITE = 777;
const TOKEN = 'tok-777';
let fake: CalltouchOrdersFake;

beforeAll(async () => {
  fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
});
afterAll(async () => {
  await fake.stop();
});

function order(n: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    matching: [
      { type: 'callContact', callContactParams: { phones: ['79161234567'], date: '19-07-2021 16:42:32', callTypeToMatch: 'nearest', searchDepth: 259200 } },
      { type: 'customSources', customSourceParams: { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' } },
    ],
    orderNumber: n,
    status: 'Запись',
    statusDate: '19-07-2021 16:45:00',
    orderDate: '19-07-2021 16:45:00',
    revenue: '1000.00',
    ...over,
  };
}

async function post(kind: 'create' | 'update', body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  const res = await request(`${fake.url}/lead-service/v1/api/client-order/${kind}`, {
    method: 'POST',
    headers: { 'Access-Token': TOKEN, SiteId: String(SITE), 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

async function journal(q: Record<string, string>): Promise<{ status: number; json: unknown }> {
  const qs = new URLSearchParams({ clientApiId: TOKEN, ...q }).toString();
  const res = await request(`${fake.url}/calls-service/RestAPI/${SITE}/orders-diary/orders?${qs}`);
  return { status: res.statusCode, json: await res.body.json() };
}

function fields(r: { json: unknown }): string[] {
  return ((r.json as { data?: { validationErrorData?: { field: string }[] } }).data?.validationErrorData ?? []).map((p) => p.field);
}

describe('fake lead-service: validation', () => {
  it('accepts the corrected seed example and answers data.orders[i].calltouchOrderId', async () => {
    const r = await post('create', { crm: 'Skvoz', orders: [order('V-1')] });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ data: { orders: [{ orderNumber: 'V-1', calltouchOrderId: expect.any(Number) }] } });
  });

  it('refuses customSources outside matching (the seed’s malformed shape) and a fallback that is not last', async () => {
    const outside = order('V-2', { customSources: { source: 'x' } });
    const notLast = order('V-3');
    (notLast.matching as unknown[]).reverse();
    const r = await post('create', { crm: 'Skvoz', orders: [outside, notLast] });
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual(['orders[0].customSources', 'orders[1].matching[0]']);
    expect(fake.siteOrders(SITE).has('V-2')).toBe(false);
  });

  it('refuses wrong date formats, numeric revenue and a wrong params key', async () => {
    const r = await post('create', {
      crm: 'Skvoz',
      orders: [
        order('D-1', { orderDate: '19/07/2021 16:45:00' }),
        order('D-2', { statusDate: '2021-07-19T16:45:00' }),
        order('D-3', { revenue: 1000 }),
        order('D-4', { matching: [{ type: 'customSources', customSourcesParams: { source: 'x' } }] }),
        order('D-5', { matching: [{ type: 'callContact', callContactParams: { phones: ['79161234567'], date: '31-02-2021 10:00:00' } }] }),
      ],
    });
    expect(r.status).toBe(400);
    expect(fields(r)).toEqual([
      'orders[0].orderDate',
      'orders[1].statusDate',
      'orders[2].revenue',
      'orders[3].matching[0].customSourcesParams',
      'orders[3].matching[0].customSourceParams.source',
      'orders[4].matching[0].callContactParams.date',
    ]);
    expect(isLeadServiceDate('29-02-2024 23:59:59')).toBe(true);
    expect(isLeadServiceDate('29-02-2023 10:00:00')).toBe(false);
  });

  it('refuses more than 100 orders, update shapes in create and create shapes in update', async () => {
    const many = Array.from({ length: 101 }, (_, i) => order(`M-${i}`));
    expect(fields(await post('create', { crm: 'Skvoz', orders: many }))).toEqual(['orders']);
    expect(fields(await post('create', { crm: 'Skvoz', orders: [order('U-1', { addTags: { overwrite: false, tags: [{ tag: 'a' }] } })] }))).toEqual([
      'orders[0].addTags',
    ]);
    expect(fields(await post('update', { orders: [{ orderNumber: 'V-1', comment: { text: 'x' }, addTags: [{ tag: 'a' }] }] }))).toEqual([
      'orders[0].comment',
      'orders[0].addTags',
    ]);
  });

  it('refuses a missing or wrong token, a missing SiteId and a non-JSON content type', async () => {
    expect((await post('create', { crm: 'x', orders: [order('T-1')] }, { 'Access-Token': 'nope' })).status).toBe(401);
    expect((await post('create', { crm: 'x', orders: [order('T-1')] }, { SiteId: '1' })).status).toBe(401);
    expect((await post('create', { crm: 'x', orders: [order('T-1')] }, { 'Content-Type': 'text/plain' })).status).toBe(400);
    expect(fake.siteOrders(SITE).has('T-1')).toBe(false);
  });
});

describe('fake lead-service: business rules, journal and faults', () => {
  it('a duplicate orderNumber on create is a per-order error; the rest of the batch is stored', async () => {
    const dupBefore = fake.counters.duplicates;
    const r = await post('create', { crm: 'Skvoz', orders: [order('V-1'), order('N-1')] });
    expect(r.status).toBe(200);
    const list = (r.json as { data: { orders: { error?: string; calltouchOrderId?: number }[] } }).data.orders;
    expect(list[0]?.error).toMatch(/уже существует/);
    expect(list[1]?.calltouchOrderId).toEqual(expect.any(Number));
    expect(fake.counters.duplicates).toBe(dupBefore + 1);
  });

  it('update changes a known order and errors for an unknown one', async () => {
    const r = await post('update', {
      orders: [
        { orderNumber: 'N-1', status: 'Оплачено', revenue: '5.50', addNewComment: { text: 'ok' }, addTags: { overwrite: false, tags: [{ tag: 'x' }] } },
        { orderNumber: 'nope', status: 'x' },
      ],
    });
    const list = (r.json as { data: { orders: { error?: string }[] } }).data.orders;
    expect(list[1]?.error).toMatch(/не найдена/);
    expect(fake.siteOrders(SITE).get('N-1')).toMatchObject({ status: 'Оплачено', revenue: '5.50', comments: ['ok'], tags: ['x'] });
  });

  it('the orders journal pages by orderDate with dd/mm/yyyy and refuses dateFrom ≥ dateTo', async () => {
    const p1 = await journal({ dateFrom: '18/07/2021', dateTo: '20/07/2021', page: '1', limit: '1' });
    expect(p1.status).toBe(200);
    expect(p1.json).toMatchObject({ page: 1, pageTotal: 2, recordsTotal: 2, records: [{ orderNumber: 'V-1', orderDate: '19/07/2021 16:45:00' }] });
    const p2 = await journal({ dateFrom: '18/07/2021', dateTo: '20/07/2021', page: '2', limit: '1' });
    expect(p2.json).toMatchObject({ page: 2, records: [{ orderNumber: 'N-1' }] });
    expect((await journal({ dateFrom: '20/07/2021', dateTo: '21/07/2021' })).json).toMatchObject({ recordsTotal: 0 });
    expect((await journal({ dateFrom: '19/07/2021', dateTo: '19/07/2021' })).status).toBe(400);
    expect((await journal({ dateFrom: '2021-07-18', dateTo: '2021-07-20' })).status).toBe(400);
    expect((await journal({ dateFrom: '18/07/2021', dateTo: '20/07/2021', clientApiId: 'bad' })).status).toBe(401);
  });

  it('faults: 429 and 500 before storing; 500 and a timeout after storing; the server down and back', async () => {
    fake.faults.script.push('429', '500-before', '500', 'timeout');
    expect((await post('create', { crm: 'x', orders: [order('F-1')] })).status).toBe(429);
    expect((await post('create', { crm: 'x', orders: [order('F-2')] })).status).toBe(500);
    expect(fake.siteOrders(SITE).has('F-1') || fake.siteOrders(SITE).has('F-2')).toBe(false);
    expect((await post('create', { crm: 'x', orders: [order('F-3')] })).status).toBe(500);
    expect(fake.siteOrders(SITE).has('F-3')).toBe(true);
    const timedOut = request(`${fake.url}/lead-service/v1/api/client-order/create`, {
      method: 'POST',
      headers: { 'Access-Token': TOKEN, SiteId: String(SITE), 'Content-Type': 'application/json' },
      body: JSON.stringify({ crm: 'x', orders: [order('F-4')] }),
      headersTimeout: 200,
    });
    await expect(timedOut).rejects.toThrow();
    expect(fake.siteOrders(SITE).has('F-4')).toBe(true);
    expect(fake.counters).toMatchObject({ throttled: 1, timeouts: 1 });
    await fake.stop();
    await expect(request(`${fake.url}/lead-service/v1/api/client-order/create`, { method: 'POST' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fake.start();
    expect((await journal({ dateFrom: '18/07/2021', dateTo: '20/07/2021' })).json).toMatchObject({ recordsTotal: 4 });
  });
});
