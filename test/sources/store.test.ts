import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src-main/engine/db/open';
import { mapCategory, mapContact, mapCurrency, mapDeal, mapLead, mapStatus, mapUser } from '../../src-main/engine/sources/bitrix24/map';
import {
  markDeleted,
  upsertCategories,
  upsertContacts,
  upsertCurrencies,
  upsertDeals,
  upsertLeads,
  upsertStatuses,
  upsertUsers,
} from '../../src-main/engine/sources/bitrix24/store';
import { mapCall, mapRequest } from '../../src-main/engine/sources/calltouch/map';
import { upsertCalls, upsertRequests } from '../../src-main/engine/sources/calltouch/store';
import { clearCursors, readCursor, readCursorJson, saveCursor } from '../../src-main/engine/sync/cursor';
import { callRaw, dealRaw, leadRaw, requestRaw } from './fixtures';

let db: Db;
beforeEach(() => {
  db = openDatabase(':memory:');
});
afterEach(() => closeDatabase(db));

const idents = (owner: string) =>
  db.prepare('SELECT owner_id, kind, value FROM ident WHERE owner = ? ORDER BY owner_id, kind, value').all(owner) as {
    owner_id: number;
    kind: string;
    value: string;
  }[];
const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const dump = () =>
  ['b24_lead', 'b24_deal', 'b24_contact', 'b24_deal_contact', 'ct_call', 'ct_request', 'ident'].map((t) =>
    db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all(),
  );

describe('bitrix24 upserts', () => {
  it('the same page twice changes nothing', () => {
    const page = [mapLead(leadRaw()), mapLead(leadRaw({ ID: '3308', PHONE: [], EMAIL: undefined }))];
    expect(db.transaction(() => upsertLeads(db, page))()).toBe(2);
    const before = dump();
    const totalBefore = db.prepare('SELECT total_changes() AS n').get();
    expect(db.transaction(() => upsertLeads(db, page))()).toBe(0);
    expect(dump()).toEqual(before);
    // nothing was rewritten either
    expect(db.prepare('SELECT total_changes() AS n').get()).toEqual(totalBefore);
  });

  it('a changed record updates in place; ident rows are replaced, not added', () => {
    upsertLeads(db, [mapLead(leadRaw())]);
    expect(idents('lead')).toEqual([
      { owner_id: 3307, kind: 'email', value: 'ivan@mail.ru' },
      { owner_id: 3307, kind: 'phone', value: '+79161234567' },
    ]);
    const changed = mapLead(
      leadRaw({
        STATUS_ID: 'CONVERTED',
        STATUS_SEMANTIC_ID: 'S',
        PHONE: [{ ID: '1', VALUE_TYPE: 'WORK', VALUE: '8 (903) 111-22-33', TYPE_ID: 'PHONE' }],
        EMAIL: [],
      }),
    );
    expect(upsertLeads(db, [changed])).toBe(1);
    expect(count('b24_lead')).toBe(1);
    expect(db.prepare('SELECT status_id, status_semantic FROM b24_lead WHERE id = 3307').get()).toEqual({ status_id: 'CONVERTED', status_semantic: 'S' });
    expect(idents('lead')).toEqual([{ owner_id: 3307, kind: 'phone', value: '+79031112233' }]);
  });

  it('only the identities changed still counts as a change', () => {
    upsertLeads(db, [mapLead(leadRaw())]);
    const more = mapLead(leadRaw({ EMAIL: [{ ID: '9', VALUE_TYPE: 'WORK', VALUE: 'a@b.ru', TYPE_ID: 'EMAIL' }, { ID: '10', VALUE_TYPE: 'HOME', VALUE: 'ivan@mail.ru', TYPE_ID: 'EMAIL' }] }));
    expect(upsertLeads(db, [more])).toBe(1);
    expect(idents('lead').map((r) => r.value)).toEqual(['a@b.ru', 'ivan@mail.ru', '+79161234567']);
    expect(upsertLeads(db, [more])).toBe(0);
  });

  it('deals rewrite their contact links', () => {
    upsertDeals(db, [mapDeal(dealRaw())]);
    const links = () => db.prepare('SELECT contact_id FROM b24_deal_contact WHERE deal_id = 1842 ORDER BY 1').all();
    expect(links()).toEqual([{ contact_id: 911 }, { contact_id: 954 }]);
    expect(upsertDeals(db, [mapDeal(dealRaw())])).toBe(0);
    expect(upsertDeals(db, [mapDeal(dealRaw({ contactId: 954, contactIds: [954, 999] }))])).toBe(1);
    expect(links()).toEqual([{ contact_id: 954 }, { contact_id: 999 }]);
    const row = db.prepare('SELECT won_at, closedate, opportunity, contact_id FROM b24_deal WHERE id = 1842').get();
    expect(row).toEqual({ won_at: Date.UTC(2025, 2, 10, 7, 41, 17), closedate: '2025-03-10', opportunity: '54000', contact_id: 954 });
  });

  it('contacts carry identities; markDeleted flags rows and drops identities', () => {
    const c = mapContact({ ID: '911', NAME: 'Иван', LAST_NAME: 'Петров', PHONE: [{ ID: '1', VALUE_TYPE: 'WORK', VALUE: '89161234567', TYPE_ID: 'PHONE' }] });
    upsertContacts(db, [c]);
    upsertLeads(db, [mapLead(leadRaw())]);
    expect(idents('contact')).toEqual([{ owner_id: 911, kind: 'phone', value: '+79161234567' }]);
    expect(markDeleted(db, 'contact', [911, 12345])).toBe(1);
    expect(markDeleted(db, 'contact', [911])).toBe(0);
    expect(idents('contact')).toEqual([]);
    expect(markDeleted(db, 'lead', [3307])).toBe(1);
    expect(idents('lead')).toEqual([]);
    // seen again → restored
    expect(upsertContacts(db, [c])).toBe(1);
    expect(db.prepare('SELECT deleted FROM b24_contact WHERE id = 911').get()).toEqual({ deleted: 0 });
    expect(idents('contact')).toHaveLength(1);
  });

  it('dictionaries upsert idempotently', () => {
    const statuses = [
      mapStatus({ ID: '1', ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'WON', NAME: 'Сделка успешна', SORT: '60', SYSTEM: 'Y', CATEGORY_ID: '0', COLOR: null, SEMANTICS: 'S' }),
      mapStatus({ ID: '2', ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'C1:WON', NAME: 'Оплачено', SORT: '40', SYSTEM: 'Y', CATEGORY_ID: '1', COLOR: null, SEMANTICS: 'S' }),
    ];
    expect(upsertStatuses(db, statuses)).toBe(2);
    expect(upsertStatuses(db, statuses)).toBe(0);
    expect(upsertCategories(db, [mapCategory({ id: 1, name: 'Опт', sort: 200, entityTypeId: 2, isDefault: 'N' })])).toBe(1);
    expect(upsertCurrencies(db, [mapCurrency({ CURRENCY: 'USD', AMOUNT_CNT: '1', AMOUNT: '90.5000', SORT: '2', BASE: 'N', FULL_NAME: 'Доллар' })])).toBe(1);
    expect(upsertCurrencies(db, [mapCurrency({ CURRENCY: 'USD', AMOUNT_CNT: '1', AMOUNT: '91.0000', SORT: '2', BASE: 'N', FULL_NAME: 'Доллар' })])).toBe(1);
    expect(db.prepare('SELECT amount FROM b24_currency').get()).toEqual({ amount: '91' });
    expect(upsertUsers(db, [mapUser({ ID: '12', NAME: 'Сергей', LAST_NAME: 'Морозов' })])).toBe(1);
  });
});

describe('calltouch upserts', () => {
  it('keyed by (site, call id); local id stable; ident owner_id = local id', () => {
    const a = mapCall(callRaw(), 43769, 'Europe/Moscow');
    const b = mapCall(callRaw({ callId: 48213378, callerNumber: '79031112233' }), 43769, 'Europe/Moscow');
    const other = mapCall(callRaw(), 1000, 'Europe/Moscow');
    expect(upsertCalls(db, [a, b, other])).toBe(3);
    const ids = db.prepare('SELECT id, site_id, call_id FROM ct_call ORDER BY id').all() as { id: number; site_id: number; call_id: number }[];
    expect(ids).toHaveLength(3);
    const before = dump();
    expect(upsertCalls(db, [a, b, other])).toBe(0);
    expect(dump()).toEqual(before);

    const changed = mapCall(callRaw({ duration: 5, callerNumber: '89269998877' }), 43769, 'Europe/Moscow');
    expect(upsertCalls(db, [changed])).toBe(1);
    expect(db.prepare('SELECT id, duration, phone FROM ct_call WHERE site_id = 43769 AND call_id = 48213377').get()).toEqual({
      id: ids[0]?.id,
      duration: 5,
      phone: '+79269998877',
    });
    expect(idents('call')).toEqual([
      { owner_id: ids[0]?.id, kind: 'phone', value: '+79269998877' },
      { owner_id: ids[1]?.id, kind: 'phone', value: '+79031112233' },
      { owner_id: ids[2]?.id, kind: 'phone', value: '+79161234567' },
    ]);
  });

  it('requests: phones and e-mails, idempotent', () => {
    const r = mapRequest(requestRaw(), 43769, 'Europe/Moscow');
    expect(upsertRequests(db, [r])).toBe(1);
    expect(upsertRequests(db, [r])).toBe(0);
    expect(idents('request').map((x) => `${x.kind}:${x.value}`)).toEqual(['email:ivan@example.ru', 'email:second@example.ru', 'phone:+79161234567']);
    const noClient = mapRequest(requestRaw({ client: null }), 43769, 'Europe/Moscow');
    expect(upsertRequests(db, [noClient])).toBe(1);
    expect(idents('request')).toEqual([]);
    expect(count('ct_request')).toBe(1);
  });

  it('stores the enrichment of calls and requests; a changed landing page is a change (issue 19)', () => {
    const call = (url: string) => mapCall(callRaw({ url, ref: 'https://yandex.ru/', yaClientId: '1710400000123456789', device: 'desktop' }), 43769, 'Europe/Moscow');
    expect(upsertCalls(db, [call('https://example.ru/sofas/')])).toBe(1);
    expect(upsertRequests(db, [mapRequest(requestRaw({ session: { sessionId: 1, city: 'Казань', url: 'https://example.ru/' } }), 43769, 'Europe/Moscow')])).toBe(1);
    expect(db.prepare('SELECT city, device, landing, referrer, ya_client_id, yd_ad_id FROM ct_call').get()).toEqual({
      city: 'Москва',
      device: 'desktop',
      landing: 'https://example.ru/sofas/',
      referrer: 'https://yandex.ru/',
      ya_client_id: '1710400000123456789',
      yd_ad_id: '14123456789',
    });
    expect(db.prepare('SELECT city, device, landing, yd_ad_id FROM ct_request').get()).toEqual({ city: 'Казань', device: null, landing: 'https://example.ru/', yd_ad_id: null });
    db.exec('DELETE FROM dirty_slot');
    expect(upsertCalls(db, [call('https://example.ru/sofas/')])).toBe(0);
    expect(upsertCalls(db, [call('https://example.ru/krovati/')])).toBe(1);
    // the call's tuple changes (landing is a report dimension): its slot is recomputed
    expect(count('dirty_slot')).toBe(1);
  });

  it('one page + its cursor in one transaction: all or nothing', () => {
    const page = [mapCall(callRaw(), 43769, 'Europe/Moscow')];
    const write = db.transaction((fail: boolean) => {
      upsertCalls(db, page);
      saveCursor(db, 'calltouch', 'calls:43769', { day: '2024-03-14', page: 1 }, 1);
      if (fail) throw new Error('crash after the page');
    });
    expect(() => write(true)).toThrow('crash');
    expect(count('ct_call')).toBe(0);
    expect(count('ident')).toBe(0);
    expect(readCursor(db, 'calltouch', 'calls:43769')).toBeNull();
    write(false);
    expect(count('ct_call')).toBe(1);
    expect(readCursorJson(db, 'calltouch', 'calls:43769')).toEqual({ day: '2024-03-14', page: 1 });
  });
});

describe('cursors', () => {
  it('save, overwrite, read, clear', () => {
    saveCursor(db, 'bitrix24', 'deal', '{"id":10}', 5);
    saveCursor(db, 'bitrix24', 'deal', '{"id":20}', 6);
    saveCursor(db, 'bitrix24', 'lead', 'abc', 6);
    expect(readCursor(db, 'bitrix24', 'deal')).toBe('{"id":20}');
    expect(readCursorJson(db, 'bitrix24', 'lead')).toBeNull();
    expect(db.prepare('SELECT updated_at FROM sync_cursor WHERE scope = ?').get('deal')).toEqual({ updated_at: 6 });
    expect(clearCursors(db, 'bitrix24', 'lead')).toBe(1);
    expect(clearCursors(db, 'bitrix24')).toBe(1);
    expect(readCursor(db, 'bitrix24', 'deal')).toBeNull();
  });
});
