import { describe, expect, it } from 'vitest';
import {
  B24MapError,
  mapCategory,
  mapContact,
  mapCurrency,
  mapDeal,
  mapLead,
  mapStatus,
  mapUser,
} from '../../src-main/engine/sources/bitrix24/map';
import { dealRaw, leadRaw } from './fixtures';

describe('mapLead', () => {
  it('parses the legacy all-strings row', () => {
    const r = mapLead(leadRaw());
    expect(r).toMatchObject({
      id: 3307,
      statusSemantic: 'P',
      utmSource: 'yandex',
      utmContent: null,
      utmTerm: null,
      opportunity: '54000',
      createdAt: Date.UTC(2025, 2, 9, 15, 22, 5),
      modifiedAt: Date.UTC(2025, 2, 10, 7, 41, 17),
      closedAt: null,
      contactId: null,
      assignedById: 12,
    });
    expect(r.phones).toEqual(['+79161234567']);
    expect(r.emails).toEqual(['ivan@mail.ru']);
  });

  it('"" and null are both empty; missing multi-fields give no identities', () => {
    const r = mapLead(leadRaw({ SOURCE_ID: '', UTM_SOURCE: null, OPPORTUNITY: '', CURRENCY_ID: null, PHONE: undefined, EMAIL: [] }));
    expect(r.sourceId).toBeNull();
    expect(r.utmSource).toBeNull();
    expect(r.opportunity).toBeNull();
    expect(r.currencyId).toBeNull();
    expect(r.phones).toEqual([]);
    expect(r.emails).toEqual([]);
  });

  it('7XXXXXXXXXX, +7 (9xx) and 8XXX spellings are one phone', () => {
    const r = mapLead(
      leadRaw({
        PHONE: [
          { ID: '1', VALUE_TYPE: 'WORK', VALUE: '79161234567', TYPE_ID: 'PHONE' },
          { ID: '2', VALUE_TYPE: 'WORK', VALUE: '+7 (916) 123-45-67', TYPE_ID: 'PHONE' },
          { ID: '3', VALUE_TYPE: 'WORK', VALUE: '89161234567', TYPE_ID: 'PHONE' },
          { ID: '4', VALUE_TYPE: 'WORK', VALUE: '+7 495 123-45-67', TYPE_ID: 'PHONE' },
        ],
      }),
    );
    expect(r.phones).toEqual(['+79161234567', '+74951234567']);
  });

  it('closed leads keep DATE_CLOSED; contact id "911" links', () => {
    const r = mapLead(leadRaw({ STATUS_ID: 'CONVERTED', STATUS_SEMANTIC_ID: 'S', DATE_CLOSED: '2025-03-10T10:41:17+03:00', CONTACT_ID: '911' }));
    expect(r.statusSemantic).toBe('S');
    expect(r.closedAt).toBe(Date.UTC(2025, 2, 10, 7, 41, 17));
    expect(r.contactId).toBe(911);
  });

  it('a row without id or creation time is an error, not a crash elsewhere', () => {
    expect(() => mapLead(leadRaw({ ID: '' }))).toThrow(B24MapError);
    expect(() => mapLead(leadRaw({ DATE_CREATE: '', DATE_MODIFY: 'x' }))).toThrow(B24MapError);
    // creation falls back to DATE_MODIFY
    expect(mapLead(leadRaw({ DATE_CREATE: '' })).createdAt).toBe(Date.UTC(2025, 2, 10, 7, 41, 17));
  });
});

describe('mapDeal', () => {
  it('maps crm.item.list numbers and camelCase', () => {
    const r = mapDeal(dealRaw());
    expect(r).toMatchObject({
      id: 1842,
      categoryId: 0,
      stageSemantic: 'S',
      opportunity: '54000',
      closedate: '2025-03-10',
      closed: 1,
      leadId: 3307,
      contactId: 911,
      companyId: null,
      contactIds: [911, 954],
    });
  });

  it('won time: history, else movedTime, else CLOSEDATE', () => {
    const hist = Date.UTC(2025, 2, 10, 7, 0, 0);
    expect(mapDeal(dealRaw(), hist).wonAt).toBe(hist);
    expect(mapDeal(dealRaw()).wonAt).toBe(Date.UTC(2025, 2, 10, 7, 41, 17));
    expect(mapDeal(dealRaw({ movedTime: null })).wonAt).toBe(Date.UTC(2025, 2, 9, 21, 0, 0));
    // a bare date is read in the offset of createdTime
    expect(mapDeal(dealRaw({ movedTime: null, closedate: '2025-03-10' })).wonAt).toBe(Date.UTC(2025, 2, 9, 21, 0, 0));
    expect(mapDeal(dealRaw({ movedTime: null, closedate: null })).wonAt).toBeNull();
  });

  it('only semantic S is won', () => {
    expect(mapDeal(dealRaw({ stageId: 'LOSE', stageSemanticId: 'F' })).wonAt).toBeNull();
    const open = mapDeal(dealRaw({ stageId: 'C1:NEW', categoryId: 1, stageSemanticId: 'P', closed: 'N' }));
    expect(open.wonAt).toBeNull();
    expect(open.closed).toBe(0);
    expect(open.categoryId).toBe(1);
  });

  it('money as given, exactly; string amounts and missing amounts', () => {
    expect(mapDeal(dealRaw({ opportunity: 19999.99 })).opportunity).toBe('19999.99');
    expect(mapDeal(dealRaw({ opportunity: '54000.00' })).opportunity).toBe('54000');
    expect(mapDeal(dealRaw({ opportunity: null })).opportunity).toBeNull();
    expect(mapDeal(dealRaw({ opportunity: 0 })).opportunity).toBe('0');
  });

  it('contactIds ∪ contactId, de-duplicated, zeros dropped', () => {
    expect(mapDeal(dealRaw({ contactId: 5, contactIds: [] })).contactIds).toEqual([5]);
    expect(mapDeal(dealRaw({ contactId: 0, contactIds: [0, 7, 7] })).contactIds).toEqual([7]);
    expect(mapDeal(dealRaw({ contactId: null, contactIds: [8, 9] })).contactId).toBe(8);
  });
});

describe('contacts and dictionaries', () => {
  it('mapContact joins the name and normalises identities', () => {
    const r = mapContact({
      ID: '911',
      NAME: 'Иван',
      LAST_NAME: '',
      DATE_MODIFY: '2025-03-10T10:41:17+03:00',
      PHONE: [{ ID: '215', VALUE_TYPE: 'WORK', VALUE: '+79161234567', TYPE_ID: 'PHONE' }],
    });
    expect(r).toEqual({ id: 911, name: 'Иван', modifiedAt: Date.UTC(2025, 2, 10, 7, 41, 17), phones: ['+79161234567'], emails: [] });
  });

  it('mapStatus: SEMANTICS S/F/""/null, pipeline from ENTITY_ID', () => {
    const base = { ID: '1', NAME: 'x', SORT: '10', SYSTEM: 'Y' as const, COLOR: null };
    expect(mapStatus({ ...base, ENTITY_ID: 'DEAL_STAGE_1', STATUS_ID: 'C1:WON', CATEGORY_ID: null, SEMANTICS: 'S' })).toMatchObject({
      semantics: 'S',
      categoryId: 1,
      sort: 10,
    });
    expect(mapStatus({ ...base, ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'NEW', CATEGORY_ID: null, SEMANTICS: '' })).toMatchObject({
      semantics: null,
      categoryId: 0,
    });
    expect(mapStatus({ ...base, ENTITY_ID: 'SOURCE', STATUS_ID: 'CALL', CATEGORY_ID: null, SEMANTICS: null }).categoryId).toBeNull();
    expect(
      mapStatus({ ...base, ENTITY_ID: 'DEAL_STAGE', STATUS_ID: 'APOLOGY', CATEGORY_ID: '0', SEMANTICS: 'F', EXTRA: { SEMANTICS: 'apology' } }).semantics,
    ).toBe('F');
  });

  it('mapCategory, mapCurrency, mapUser', () => {
    expect(mapCategory({ id: 0, name: 'General', sort: 300, entityTypeId: 2, isDefault: 'Y' })).toEqual({ id: 0, name: 'General', sort: 300, isDefault: 1 });
    expect(mapCategory({ id: 9, name: 'Wholesale', sort: 200, entityTypeId: 2, isDefault: 'N' }).isDefault).toBe(0);
    expect(mapCurrency({ CURRENCY: 'USD', AMOUNT_CNT: '1', AMOUNT: '90.5000', SORT: '200', BASE: 'N', FULL_NAME: 'Доллар США' })).toEqual({
      code: 'USD',
      amountCnt: 1,
      amount: '90.5',
      base: 0,
    });
    expect(mapCurrency({ CURRENCY: 'RUB', AMOUNT_CNT: '1', AMOUNT: '1.0000', SORT: '100', BASE: 'Y', FULL_NAME: 'Рубль' }).base).toBe(1);
    expect(() => mapCurrency({ CURRENCY: 'XXX', AMOUNT_CNT: '1', AMOUNT: '', SORT: '1', BASE: 'N', FULL_NAME: '' })).toThrow(B24MapError);
    expect(mapUser({ ID: '12', NAME: 'Сергей', LAST_NAME: 'Морозов' })).toEqual({ id: 12, name: 'Сергей Морозов' });
    expect(mapUser({ ID: '13', NAME: null, LAST_NAME: '' })).toEqual({ id: 13, name: '#13' });
  });
});

describe('crm.item.list multi-fields', () => {
  it('reads phones and e-mails from fm as well', () => {
    const r = mapContact({
      ID: '954',
      NAME: null,
      LAST_NAME: null,
      fm: [
        { id: 1, typeId: 'PHONE', valueType: 'WORK', value: '8 916 123-45-67' },
        { id: 2, typeId: 'EMAIL', valueType: 'WORK', value: 'A@B.RU' },
        { id: 3, typeId: 'WEB', valueType: 'WORK', value: 'https://example.ru' },
      ],
    });
    expect(r.phones).toEqual(['+79161234567']);
    expect(r.emails).toEqual(['a@b.ru']);
    expect(r.name).toBeNull();
  });
});
