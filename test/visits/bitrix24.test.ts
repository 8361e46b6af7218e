// Optional Bitrix24 creation of a visit (issue 7 item 4): lead or deal with the offline-visit UTMs,
// ORIGINATOR_ID + ORIGIN_ID checked before any retry, then crm.tracking.trace.add.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { Bitrix24VisitFake } from './b24-fake';
import { FAST, SITE, TOKEN, harness, visitInput } from './helpers';

let ct: CalltouchOrdersFake;
let b24: Bitrix24VisitFake;
beforeEach(async () => {
  ct = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
  b24 = await new Bitrix24VisitFake().start();
});
afterEach(async () => {
  await ct.stop();
  await b24.stop();
});

const TRACE = { tags: { list: { utm_source: 'офлайн-визит', utm_medium: 'офлайн-визит', utm_campaign: 'офлайн-визит' } } };

describe('creating the visit in Bitrix24', () => {
  it('a lead with UTMs, phones, e-mails and ORIGIN_ID, then a trace; the visit shows the lead', async () => {
    const h = harness({ fake: ct });
    h.secrets.set({ kind: 'bitrix24_webhook' }, b24.webhook);
    const v = h.service.create(visitInput({ name: 'Анна', emails: ['anna@example.ru'], revenue: '1500', createInBitrix24: true }));
    expect(v.bitrix24).toEqual({ entity: 'lead', id: null, state: 'queued' });
    const r = await h.service.send();
    expect(r.bitrix24).toEqual({ attempted: 1, sent: 1, failed: 0, rejected: 0 });
    expect(b24.records).toHaveLength(1);
    expect(b24.records[0]?.fields).toEqual({
      TITLE: 'Офлайн-визит: Анна',
      SOURCE_DESCRIPTION: 'Офлайн-визит (Skvoz)',
      UTM_SOURCE: 'офлайн-визит',
      UTM_MEDIUM: 'офлайн-визит',
      UTM_CAMPAIGN: 'офлайн-визит',
      OPPORTUNITY: '1500.00',
      CURRENCY_ID: 'RUB',
      COMMENTS: '',
      ORIGINATOR_ID: 'skvoz',
      ORIGIN_ID: v.orderNumber,
      NAME: 'Анна',
      PHONE: [{ VALUE: v.phones[0], VALUE_TYPE: 'WORK' }],
      EMAIL: [{ VALUE: 'anna@example.ru', VALUE_TYPE: 'WORK' }],
    });
    const id = b24.records[0]?.id;
    expect(b24.traces).toEqual([{ TRACE: JSON.stringify(TRACE), ENTITIES: [{ TYPE: 'LEAD', ID: id }] }]);
    expect(h.service.list({ offset: 0, limit: 1 }).items[0]).toMatchObject({ state: 'sent', bitrix24: { entity: 'lead', id, state: 'sent' } });
    expect(() => h.service.cancel(v.id)).toThrow(/только до отправки/);
    h.ws.close();
  });

  it('a lead.add that timed out after the portal stored it is found by ORIGIN_ID, never added twice', async () => {
    const h = harness({ fake: ct });
    h.secrets.set({ kind: 'bitrix24_webhook' }, b24.webhook);
    const v = h.service.create(visitInput({ createInBitrix24: true }));
    b24.hangAdds = 1;
    const r1 = await h.service.send();
    expect(r1.bitrix24).toMatchObject({ failed: 1, sent: 0 });
    expect(h.service.list({ offset: 0, limit: 1 }).items[0]?.bitrix24?.state).toBe('failed');
    h.clock.advance(FAST.backoffMaxMs ?? 0);
    const r2 = await h.service.send();
    expect(r2.bitrix24).toMatchObject({ sent: 1 });
    expect(b24.count('crm.lead.add')).toBe(1);
    expect(b24.count('crm.lead.list')).toBe(1);
    expect(b24.records).toHaveLength(1);
    expect(b24.traces).toHaveLength(1);
    expect(h.ws.db.prepare('SELECT b24_id FROM visit WHERE id = ?').pluck().get(v.id)).toBe(b24.records[0]?.id);
    h.ws.close();
  });

  it('a deal is tied to the client’s existing contact (or a new one), and the trace names both', async () => {
    const base = SettingsSchema.parse({});
    const h = harness({ fake: ct, settings: { visits: { ...base.visits, bitrix24Entity: 'deal' } } });
    h.secrets.set({ kind: 'bitrix24_webhook' }, b24.webhook);
    const first = h.service.create(visitInput({ phones: ['+79161234567'], createInBitrix24: true }));
    await h.service.send();
    const contact = b24.records.find((r) => r.entity === 'contact');
    const dealA = b24.records.find((r) => r.entity === 'deal');
    expect(contact?.fields).toMatchObject({ PHONE: [{ VALUE: '+79161234567', VALUE_TYPE: 'WORK' }], ORIGIN_ID: first.orderNumber });
    expect(dealA?.fields).toMatchObject({ CONTACT_ID: contact?.id, UTM_SOURCE: 'офлайн-визит', ORIGIN_ID: first.orderNumber });
    expect(b24.traces[0]?.ENTITIES).toEqual([{ TYPE: 'DEAL', ID: dealA?.id }, { TYPE: 'CONTACT', ID: contact?.id }]);
    // the same client again: the existing contact is found, no new one
    h.service.create(visitInput({ phones: ['+79161234567'], createInBitrix24: true }));
    await h.service.send();
    expect(b24.records.filter((r) => r.entity === 'contact')).toHaveLength(1);
    expect(b24.records.filter((r) => r.entity === 'deal').map((r) => r.fields.CONTACT_ID)).toEqual([contact?.id, contact?.id]);
    h.ws.close();
  });

  it('without a webhook the Bitrix24 part waits with a clear reason; Calltouch goes anyway', async () => {
    const h = harness({ fake: ct });
    h.service.create(visitInput({ createInBitrix24: true }));
    const r = await h.service.send();
    expect(r).toMatchObject({ sent: 1, bitrix24: { attempted: 0 } });
    expect(h.ws.db.prepare("SELECT last_error FROM outbox WHERE target = 'bitrix24'").pluck().get()).toBe('Нет вебхука Bitrix24 — добавьте его в настройках');
    h.ws.close();
  });
});
