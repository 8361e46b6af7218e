// Request bodies match reference/calltouch.md §6.2 (the corrected seed example) and §7 exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import { createOrder, ctRevenue, updateOrder, type OrderFacts } from '../../src-main/engine/visits/calltouch-orders';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { SITE, TOKEN, harness, visitInput } from './helpers';

const MSK = 'Europe/Moscow';
const OFFLINE = { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' };
const DATE = /^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/;

let fake: CalltouchOrdersFake;
beforeAll(async () => {
  fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
});
afterAll(async () => {
  await fake.stop();
});

describe('client-order/create body', () => {
  it('is the corrected seed example, key for key and in the same order (§6.2)', () => {
    const facts: OrderFacts = {
      orderNumber: 'A-1001',
      phones: ['+79161234567'],
      emails: ['ivan@example.ru'],
      at: Date.parse('2021-07-19T16:42:32+03:00'),
      status: 'Запись',
      statusAt: Date.parse('2021-07-19T16:42:32+03:00'),
      revenue: '1000',
      tags: ['Тег1'],
      comment: '',
      fallback: OFFLINE,
    };
    const reference = {
      matching: [
        { type: 'callContact', callContactParams: { phones: ['79161234567'], date: '19-07-2021 16:42:32', callTypeToMatch: 'nearest', searchDepth: 259200 } },
        {
          type: 'requestContact',
          requestContactParams: { emails: ['ivan@example.ru'], phones: ['79161234567'], date: '19-07-2021 16:42:32', requestTypeToMatch: 'nearest', searchDepth: 259200 },
        },
        { type: 'customSources', customSourceParams: { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' } },
      ],
      orderNumber: 'A-1001',
      status: 'Запись',
      statusDate: '19-07-2021 16:42:32',
      orderDate: '19-07-2021 16:42:32',
      revenue: '1000.00',
      addTags: [{ tag: 'Тег1' }],
    };
    expect(JSON.stringify(createOrder(facts, MSK))).toBe(JSON.stringify(reference));
  });

  it('revenue is an exact decimal string with a dot', () => {
    expect(['0', '1000', '1234.5', '1 234,56', '0.005', '99.994', '-5', 'abc'].map(ctRevenue)).toEqual([
      '0.00', '1000.00', '1234.50', '1234.56', '0.01', '99.99', '0.00', '0.00',
    ]);
  });

  it('a whole batch as the fake receives it (snapshot), with headers', async () => {
    const h = harness({ fake });
    const a = h.service.create(
      visitInput({
        phones: ['+7 (916) 123-45-67', '8 903 111-22-33'],
        emails: ['Anna@Example.ru'],
        at: '2026-05-20T14:30:00+03:00',
        revenue: '15 000,5',
        status: 'Запись',
        tags: ['vip', 'флаер'],
        comment: 'Пришла по флаеру',
      }),
    );
    const b = h.service.create(visitInput({ phones: [], emails: ['ivan@example.ru'], at: '2026-05-19T23:59:59+03:00', revenue: 0 }));
    const before = fake.received.length;
    const r = await h.service.send();
    expect(r).toMatchObject({ attempted: 2, sent: 2, failed: 0, rejected: 0 });
    const req = fake.received.slice(before);
    expect(req).toHaveLength(1);
    expect(req[0]?.path).toBe('/lead-service/v1/api/client-order/create');
    expect(req[0]?.headers['access-token']).toBe(TOKEN);
    expect(req[0]?.headers.siteid).toBe(String(SITE));
    expect(req[0]?.headers['content-type']).toBe('application/json');
    expect(req[0]?.body).toEqual({
      crm: 'Skvoz',
      orders: [
        {
          matching: [
            {
              type: 'callContact',
              callContactParams: { phones: ['79161234567', '79031112233'], date: '20-05-2026 14:30:00', callTypeToMatch: 'nearest', searchDepth: 259200 },
            },
            {
              type: 'requestContact',
              requestContactParams: {
                emails: ['anna@example.ru'],
                phones: ['79161234567', '79031112233'],
                date: '20-05-2026 14:30:00',
                requestTypeToMatch: 'nearest',
                searchDepth: 259200,
              },
            },
            { type: 'customSources', customSourceParams: OFFLINE },
          ],
          orderNumber: a.orderNumber,
          status: 'Запись',
          statusDate: '20-05-2026 14:30:00',
          orderDate: '20-05-2026 14:30:00',
          revenue: '15000.50',
          addTags: [{ tag: 'vip' }, { tag: 'флаер' }],
          comment: { text: 'Пришла по флаеру' },
        },
        {
          matching: [
            {
              type: 'requestContact',
              requestContactParams: { emails: ['ivan@example.ru'], date: '19-05-2026 23:59:59', requestTypeToMatch: 'nearest', searchDepth: 259200 },
            },
            { type: 'customSources', customSourceParams: OFFLINE },
          ],
          orderNumber: b.orderNumber,
          status: 'Визит',
          statusDate: '19-05-2026 23:59:59',
          orderDate: '19-05-2026 23:59:59',
          revenue: '0.00',
        },
      ],
    });
    // field assertions that hold for every order of the batch
    const orders = (req[0]?.body as { orders: Record<string, unknown>[] }).orders;
    for (const o of orders) {
      const matching = o.matching as { type: string }[];
      expect(matching[matching.length - 1]?.type).toBe('customSources');
      expect(o).not.toHaveProperty('customSources');
      expect(o.orderDate).toMatch(DATE);
      expect(o.statusDate).toMatch(DATE);
      expect(typeof o.revenue).toBe('string');
      expect(String(o.orderNumber)).toMatch(/^skvoz-[0-9a-f-]{36}$/);
    }
    expect(Object.keys(orders[0] ?? {})).toEqual(['matching', 'orderNumber', 'status', 'statusDate', 'orderDate', 'revenue', 'addTags', 'comment']);
    // stored with the Calltouch id, shown on the visit
    const stored = fake.siteOrders(SITE).get(a.orderNumber);
    expect(h.service.list({ offset: 0, limit: 10 }).items.find((x) => x.id === a.id)).toMatchObject({
      state: 'sent',
      calltouchOrderId: String(stored?.calltouchOrderId),
    });
    h.ws.close();
  });

  it('dates are the wall clock of the site’s project time zone, and the fallback source is configurable', async () => {
    const base = SettingsSchema.parse({});
    const h = harness({
      fake,
      settings: {
        calltouch: { ...base.calltouch, sites: [{ siteId: SITE, name: '', timeZone: 'Asia/Yekaterinburg', historyStart: null }] },
        visits: { ...base.visits, customSource: { source: 'showroom', medium: 'offline', campaign: 'visit' }, crmName: 'МояCRM' },
      },
    });
    const v = h.service.create(visitInput({ at: '2026-05-20T14:30:00+03:00' }));
    const before = fake.received.length;
    await h.service.send();
    const body = fake.received[before]?.body as { crm: string; orders: { orderDate: string; matching: unknown[] }[] };
    expect(body.crm).toBe('МояCRM');
    expect(body.orders[0]?.orderDate).toBe('20-05-2026 16:30:00');
    expect(body.orders[0]?.matching[2]).toEqual({ type: 'customSources', customSourceParams: { source: 'showroom', medium: 'offline', campaign: 'visit' } });
    expect(fake.siteOrders(SITE).has(v.orderNumber)).toBe(true);
    h.ws.close();
  });
});

describe('client-order/update body', () => {
  it('status/revenue edits of a sent visit go out as an update with addNewComment and addTags{overwrite,tags} (§7)', async () => {
    const h = harness({ fake });
    const v = h.service.create(visitInput({ tags: ['vip'], comment: 'Первый визит' }));
    await h.service.send();
    h.clock.t = Date.parse('2026-05-25T10:00:00Z');
    const edited = h.service.update({ id: v.id, status: 'Оплачено', revenue: '20000', comment: 'Оплатил картой', tags: ['vip', 'оплата'] });
    expect(edited.state).toBe('queued');
    const before = fake.received.length;
    const r = await h.service.send();
    expect(r).toMatchObject({ attempted: 1, sent: 1 });
    const req = fake.received[before];
    expect(req?.path).toBe('/lead-service/v1/api/client-order/update');
    expect(req?.body).toEqual({
      crm: 'Skvoz',
      orders: [
        {
          orderNumber: v.orderNumber,
          status: 'Оплачено',
          statusDate: '25-05-2026 13:00:00',
          updateDate: '25-05-2026 13:00:00',
          revenue: '20000.00',
          addNewComment: { text: 'Оплатил картой' },
          addTags: { overwrite: true, tags: [{ tag: 'vip' }, { tag: 'оплата' }] },
        },
      ],
    });
    const stored = fake.siteOrders(SITE).get(v.orderNumber);
    expect(stored).toMatchObject({ status: 'Оплачено', revenue: '20000.00', tags: ['vip', 'оплата'], comments: ['Первый визит', 'Оплатил картой'] });
    // only the revenue changes next: no comment or tags again, the status date stays
    h.clock.advance(3_600_000);
    h.service.update({ id: v.id, revenue: '21000.00' });
    const n = fake.received.length;
    await h.service.send();
    expect(fake.received[n]?.body).toEqual({
      crm: 'Skvoz',
      orders: [{ orderNumber: v.orderNumber, status: 'Оплачено', statusDate: '25-05-2026 13:00:00', updateDate: '25-05-2026 14:00:00', revenue: '21000.00' }],
    });
    expect(h.service.list({ offset: 0, limit: 5 }).items[0]).toMatchObject({ state: 'sent', revenue: '21000.00' });
    h.ws.close();
  });

  it('the update builder leaves out unchanged comment and tags', () => {
    const f: OrderFacts = {
      orderNumber: 'x', phones: [], emails: ['a@b.ru'], at: 0, status: 'S', statusAt: 0, revenue: '1', tags: ['t'], comment: 'c', fallback: 'withoutSource',
    };
    const u = updateOrder(f, MSK, 0, { status: 'S', statusAt: 0, revenue: '1.00', tags: ['t'], comment: 'c' });
    expect(u).toEqual({ orderNumber: 'x', status: 'S', statusDate: '01-01-1970 03:00:00', updateDate: '01-01-1970 03:00:00', revenue: '1.00' });
  });
});
