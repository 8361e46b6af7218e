// Forwarding synced Bitrix24 deals to Calltouch (issue 7 item 5; seed 002 §2.1–2.2): orders
// b24-deal-<ID> matched by the contacts' phones/e-mails, the deal's UTMs or withoutSource as the
// fallback, stage/amount changes as updates, batches ≤ 100, through the same outbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import type { Workspace } from '../../src-main/engine/workspace';
import { replaceIdentities } from '../../src-main/engine/sources/sql';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { SITE, TOKEN, harness } from './helpers';

let fake: CalltouchOrdersFake;
beforeEach(async () => {
  fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
});
afterEach(async () => {
  await fake.stop();
});

const NOW = Date.parse('2026-05-21T09:00:00Z');
const base = SettingsSchema.parse({});
const forwarding = { visits: { ...base.visits, forwardBitrix24Deals: true } };

function dictionaries(ws: Workspace): void {
  const st = ws.db.prepare('INSERT INTO b24_status (entity_id, status_id, name, semantics, sort, category_id) VALUES (?, ?, ?, ?, ?, ?)');
  st.run('DEAL_STAGE', 'NEW', 'Новая', null, 10, 0);
  st.run('DEAL_STAGE', 'WON', 'Сделка успешна', 'S', 20, 0);
  ws.db.prepare("INSERT INTO b24_category (id, name, sort, is_default) VALUES (0, 'Продажи', 100, 1)").run();
}

interface DealOpts {
  stage?: string;
  amount?: string;
  created?: number;
  moved?: number | null;
  utm?: [string, string, string] | null;
  contact?: { id: number; phones: string[]; emails: string[] } | null;
}

function deal(ws: Workspace, id: number, o: DealOpts = {}): void {
  const created = o.created ?? Date.parse('2026-05-10T12:00:00Z');
  const [s, m, c] = o.utm ?? [null, null, null];
  const exists = ws.db.prepare('SELECT 1 FROM b24_deal WHERE id = ?').get(id) !== undefined;
  if (exists) {
    ws.db.prepare('UPDATE b24_deal SET stage_id = ?, opportunity = ?, moved_at = ? WHERE id = ?').run(o.stage ?? 'NEW', o.amount ?? '5000', o.moved ?? null, id);
    return;
  }
  ws.db
    .prepare(
      `INSERT INTO b24_deal (id, title, category_id, stage_id, opportunity, currency_id, created_at, modified_at, moved_at, utm_source, utm_medium, utm_campaign, contact_id)
       VALUES (?, ?, 0, ?, ?, 'RUB', ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, `Сделка ${id}`, o.stage ?? 'NEW', o.amount ?? '5000', created, created, o.moved ?? null, s, m, c, o.contact?.id ?? null);
  if (o.contact) {
    ws.db.prepare('INSERT OR IGNORE INTO b24_contact (id, name) VALUES (?, ?)').run(o.contact.id, 'Анна');
    ws.db.prepare('INSERT OR IGNORE INTO b24_deal_contact (deal_id, contact_id) VALUES (?, ?)').run(id, o.contact.id);
    replaceIdentities(ws.db, 'contact', o.contact.id, o.contact);
  }
}

function bodies(kind: 'create' | 'update'): { orders: Record<string, unknown>[] }[] {
  return fake.received.filter((r) => r.path.endsWith(`/client-order/${kind}`)).map((r) => r.body as { orders: Record<string, unknown>[] });
}

describe('forwarding Bitrix24 deals to Calltouch', () => {
  it('is off by default', async () => {
    const h = harness({ fake, now: NOW });
    dictionaries(h.ws);
    deal(h.ws, 1);
    await h.service.send();
    expect(fake.counters.requests).toBe(0);
    h.ws.close();
  });

  it('every recent deal becomes one order b24-deal-<ID>: contacts’ phones/e-mails, UTMs or withoutSource last', async () => {
    const h = harness({ fake, now: NOW, settings: forwarding });
    dictionaries(h.ws);
    deal(h.ws, 101, { utm: ['yandex', 'cpc', 'sofas'], contact: { id: 9, phones: ['+79161234567'], emails: ['anna@example.ru'] } });
    deal(h.ws, 102, { amount: '1234.5' });
    deal(h.ws, 103, { created: NOW - 200 * 86_400_000 }); // older than 180 days: not forwarded
    const r = await h.service.send();
    expect(r).toMatchObject({ attempted: 2, sent: 2 });
    const [body] = bodies('create');
    expect(body?.orders).toEqual([
      {
        matching: [
          { type: 'callContact', callContactParams: { phones: ['79161234567'], date: '10-05-2026 15:00:00', callTypeToMatch: 'nearest', searchDepth: 259200 } },
          {
            type: 'requestContact',
            requestContactParams: {
              emails: ['anna@example.ru'],
              phones: ['79161234567'],
              date: '10-05-2026 15:00:00',
              requestTypeToMatch: 'nearest',
              searchDepth: 259200,
            },
          },
          { type: 'customSources', customSourceParams: { source: 'yandex', medium: 'cpc', campaign: 'sofas' } },
        ],
        orderNumber: 'b24-deal-101',
        funnel: 'Продажи',
        orderName: 'Сделка 101',
        status: 'Новая',
        statusDate: '10-05-2026 15:00:00',
        orderDate: '10-05-2026 15:00:00',
        revenue: '5000.00',
      },
      {
        matching: [{ type: 'withoutSource' }],
        orderNumber: 'b24-deal-102',
        funnel: 'Продажи',
        orderName: 'Сделка 102',
        status: 'Новая',
        statusDate: '10-05-2026 15:00:00',
        orderDate: '10-05-2026 15:00:00',
        revenue: '1234.50',
      },
    ]);
    // nothing changed: nothing is sent again
    await h.service.send();
    expect(fake.counters.requests).toBe(1);
    // the stage and the amount change: one update each, carrying the new status and its date
    deal(h.ws, 101, { stage: 'WON', moved: Date.parse('2026-05-20T08:00:00Z'), amount: '7000' });
    deal(h.ws, 102, { amount: '1300' });
    h.clock.advance(60_000);
    expect(await h.service.send()).toMatchObject({ attempted: 2, sent: 2 });
    expect(bodies('update')[0]?.orders).toEqual([
      { orderNumber: 'b24-deal-101', funnel: 'Продажи', status: 'Сделка успешна', statusDate: '20-05-2026 11:00:00', updateDate: '21-05-2026 12:01:00', revenue: '7000.00' },
      { orderNumber: 'b24-deal-102', funnel: 'Продажи', status: 'Новая', statusDate: '10-05-2026 15:00:00', updateDate: '21-05-2026 12:01:00', revenue: '1300.00' },
    ]);
    expect(fake.siteOrders(SITE).get('b24-deal-101')).toMatchObject({ status: 'Сделка успешна', revenue: '7000.00', updates: 1 });
    expect(fake.counters.duplicates).toBe(0);
    // deals are not visits: the visit badge is untouched
    expect(h.service.counts()).toMatchObject({ queued: 0, sent: 0 });
    h.ws.close();
  });

  it('150 deals go out in batches of ≤ 100; a deal deleted before sending is not sent', async () => {
    const h = harness({ fake, now: NOW, settings: forwarding });
    dictionaries(h.ws);
    for (let i = 1; i <= 151; i++) deal(h.ws, 1000 + i);
    h.secrets.clear({ kind: 'calltouch_token', siteId: SITE });
    await h.service.send(); // queued, no token yet
    h.ws.db.prepare('UPDATE b24_deal SET deleted = 1 WHERE id = 1151').run();
    h.secrets.set({ kind: 'calltouch_token', siteId: SITE }, TOKEN);
    const r = await h.service.send();
    expect(bodies('create').map((b) => b.orders.length)).toEqual([100, 50]);
    expect(r).toMatchObject({ sent: 150 });
    expect(h.ws.db.prepare("SELECT state FROM outbox WHERE order_number = 'b24-deal-1151'").pluck().get()).toBe('cancelled');
    h.ws.close();
  });
});
