import { describe, expect, it } from 'vitest';
import { compactJson, CtMapError, mapCall, mapRequest } from '../../src-main/engine/sources/calltouch/map';
import { callRaw, requestRaw } from './fixtures';

const MSK = 'Europe/Moscow';

describe('mapCall', () => {
  it('reads the documented example', () => {
    const r = mapCall(callRaw(), 43769, MSK);
    expect(r).toMatchObject({
      siteId: 43769,
      callId: 48213377,
      at: 1710406327000,
      phone: '+79161234567',
      duration: 134,
      successful: 1,
      uniqueCall: 1,
      targetCall: 1,
      uniqTargetCall: 1,
      callbackCall: 0,
      source: 'yandex',
      medium: 'cpc',
      campaign: 'sofas_msk',
      content: 'ad_8812',
      term: 'купить диван',
      city: 'Москва',
    });
    expect(JSON.parse(r.tags ?? 'null')).toEqual(['Запись', 'Целевой']);
    expect(r.phones).toEqual(['+79161234567']);
  });

  it('dd/mm/yyyy in the project zone decides the instant, not the machine zone', () => {
    expect(mapCall(callRaw({ date: '01/01/2025 00:30:00' }), 1, MSK).at).toBe(Date.UTC(2024, 11, 31, 21, 30));
    expect(mapCall(callRaw({ date: '01/01/2025 00:30:00' }), 1, 'Asia/Novosibirsk').at).toBe(Date.UTC(2024, 11, 31, 17, 30));
    // unreadable date: fall back to the unix timestamp (seconds)
    expect(mapCall(callRaw({ date: 'junk', timestamp: 1710406327 }), 1, MSK).at).toBe(1710406327000);
    expect(() => mapCall(callRaw({ date: 'junk', timestamp: undefined }), 1, MSK)).toThrow(CtMapError);
  });

  it('ids as strings, booleans as "true"/"True"', () => {
    const r = mapCall(callRaw({ callId: '48213377', successful: 'True', uniqueCall: 'true', targetCall: 'False', uniqTargetCall: false }), 1, MSK);
    expect(r.callId).toBe(48213377);
    expect([r.successful, r.uniqueCall, r.targetCall, r.uniqTargetCall]).toEqual([1, 1, 0, 0]);
  });

  it('dimensions: utm first, then Calltouch source/medium/keyword', () => {
    const r = mapCall(callRaw({ utmSource: '', utmMedium: null, utmCampaign: null, utmContent: null, utmTerm: '', source: '(direct)', medium: '(none)', keyword: 'диван' }), 1, MSK);
    expect([r.source, r.medium, r.campaign, r.content, r.term]).toEqual(['(direct)', '(none)', null, null, 'диван']);
  });

  it('hidden caller → no phone; raw keeps only what the record says', () => {
    const r = mapCall(callRaw({ callerNumber: '', callTags: null }), 1, MSK);
    expect(r.phone).toBeNull();
    expect(r.phones).toEqual([]);
    expect(r.tags).toBeNull();
    const raw = JSON.parse(r.raw) as Record<string, unknown>;
    expect(raw).not.toHaveProperty('callerNumber');
    expect(raw).not.toHaveProperty('ctGlobalId');
    expect(raw).not.toHaveProperty('orders');
    expect(raw).not.toHaveProperty('mapVisits');
    expect(raw.yandexDirect).toEqual({ campaignId: 81234567, adGroupId: 5123456789, adId: 14123456789, criteriaId: 41234567890 });
  });
});

describe('mapRequest', () => {
  it('epoch-ms date, session dims with keywords, phones and e-mails from client', () => {
    const r = mapRequest(requestRaw(), 43769, MSK);
    expect(r).toMatchObject({
      requestId: 7788990,
      at: 1710406327000,
      subject: 'Заявка на замер',
      uniqueRequest: 1,
      targetRequest: 1,
      uniqTargetRequest: 1,
      source: 'yandex',
      medium: 'cpc',
      campaign: 'okna_msk',
      content: 'ad_77',
      term: 'замер окон',
    });
    expect(r.phones).toEqual(['+79161234567']);
    expect(r.emails).toEqual(['ivan@example.ru', 'second@example.ru']);
    expect(JSON.parse(r.tags ?? 'null')).toEqual(['Замер']);
  });

  it('dateStr when date is missing; session null', () => {
    const r = mapRequest(requestRaw({ date: undefined as unknown as number, session: null }), 1, MSK);
    expect(r.at).toBe(1710406327000);
    expect([r.source, r.medium, r.campaign, r.content, r.term]).toEqual([null, null, null, null, null]);
  });

  it('client null or without arrays', () => {
    expect(mapRequest(requestRaw({ client: null }), 1, MSK)).toMatchObject({ phones: [], emails: [] });
    const r = mapRequest(requestRaw({ client: { clientId: 1, fio: null, phones: null, contacts: null } }), 1, MSK);
    expect(r.phones).toEqual([]);
    expect(r.emails).toEqual([]);
  });

  it('string request id; bad id is an error', () => {
    expect(mapRequest(requestRaw({ requestId: '7788990' }), 1, MSK).requestId).toBe(7788990);
    expect(() => mapRequest(requestRaw({ requestId: 'x' }), 1, MSK)).toThrow(CtMapError);
  });
});

describe('compactJson', () => {
  it('drops null, "", [], {} recursively', () => {
    expect(compactJson({ a: null, b: '', c: [], d: {}, e: { f: null, g: [null, ''] }, h: 0, i: false, j: 'x', k: [1, { l: null }] })).toBe(
      '{"h":0,"i":false,"j":"x","k":[1,null]}',
    );
    expect(compactJson({ a: null })).toBe('{}');
  });
});
