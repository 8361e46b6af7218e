// Lead enrichment (issue 19): each field mapped from recorded Calltouch payloads (the documented
// examples of reference/calltouch.md §2.2 and §3.2, and their quirks).
import { describe, expect, it } from 'vitest';
import { mapCall, mapRequest } from '../../src-main/engine/sources/calltouch/map';
import { callEnrichment, requestEnrichment } from '../../src-main/engine/sources/calltouch/enrich';
import { cityName, deviceCategory, ENRICHMENT_FIELDS, landingPath, textValue } from '../../src-shared/enrich';
import { callRaw, requestRaw } from './fixtures';

const MSK = 'Europe/Moscow';

describe('Calltouch call enrichment', () => {
  it('reads every field of the documented call', () => {
    const r = mapCall(
      callRaw({
        url: 'https://example.ru/?utm_source=yandex&utm_medium=cpc',
        callUrl: 'https://example.ru/catalog/sofas/',
        ref: 'https://yandex.ru/',
        clientId: 'GA1.2.1234567.1710400000',
        yaClientId: '1710400000123456789',
        device: 'Smartphone',
        browser: 'Chrome Mobile',
        os: 'Android 14',
      }),
      43769,
      MSK,
    );
    expect(r).toMatchObject({
      city: 'Москва',
      device: 'mobile',
      browser: 'Chrome Mobile',
      os: 'Android 14',
      landing: 'https://example.ru/?utm_source=yandex&utm_medium=cpc',
      referrer: 'https://yandex.ru/',
      yaClientId: '1710400000123456789',
      gaClientId: 'GA1.2.1234567.1710400000',
      ydCampaignId: '81234567',
      ydAdGroupId: '5123456789',
      ydAdId: '14123456789',
      ydKeywordId: '41234567890',
    });
  });

  it('missing values stay null, never "undefined" or "null": empty strings, "null", 0 ids, yandexDirect null', () => {
    const e = callEnrichment({
      ...callRaw({ city: '', yaClientId: 'null', clientId: null, ref: '   ', yandexDirect: null }),
      url: 'undefined',
      callUrl: undefined,
      device: '',
    });
    for (const f of ENRICHMENT_FIELDS) expect(e[f], f).toBeNull();
    const ids = callEnrichment({ yandexDirect: { campaignId: '0', adGroupId: 0, adId: 'null', criteriaId: '' } });
    expect([ids.ydCampaignId, ids.ydAdGroupId, ids.ydAdId, ids.ydKeywordId]).toEqual([null, null, null, null]);
  });

  it('ids as numbers or strings give the same text; yandexDirect as a JSON string is read', () => {
    const a = callEnrichment({ yandexDirect: { campaignId: 81234567, adGroupId: '5123456789', adId: ' 14123456789 ', criteriaId: 41234567890 } });
    const b = callEnrichment({ yandexDirect: '{"campaignId":"81234567","adGroupId":5123456789,"adId":14123456789,"criteriaId":"41234567890"}' });
    expect(a).toEqual(b);
    expect(a.ydAdId).toBe('14123456789');
  });

  it('the landing page falls back to callUrl; the device comes from the user agent when not given', () => {
    const e = callEnrichment({
      callUrl: 'https://example.ru/catalog/sofas/',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
    });
    expect(e.landing).toBe('https://example.ru/catalog/sofas/');
    expect(e.device).toBe('mobile');
    expect(callEnrichment({ userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0' }).device).toBe('desktop');
  });

  it('the stored raw JSON (nulls dropped) gives what the record gave: the backfill reads it', () => {
    const raw = callRaw({ url: 'https://example.ru/', ref: 'https://ya.ru/', device: 'desktop' });
    const row = mapCall(raw, 43769, MSK);
    expect(callEnrichment(JSON.parse(row.raw) as Record<string, unknown>)).toEqual(callEnrichment(raw));
  });
});

describe('Calltouch request enrichment', () => {
  it('reads the session of the documented request; client.clientId is a Calltouch contact, not a Google id', () => {
    const r = mapRequest(
      requestRaw({
        requestUrl: 'https://example.ru/contacts/',
        session: {
          sessionId: 912345678,
          source: 'yandex',
          medium: 'cpc',
          city: 'Санкт-Петербург',
          ip: '203.0.113.10',
          ref: 'https://yandex.ru/',
          url: 'https://example.ru/?utm_source=yandex',
          browser: 'Chrome',
          device: 'desktop',
          os: 'Windows',
          guaClientId: null,
          yaClientId: '1710400000123456789',
        },
      }),
      43769,
      MSK,
    );
    expect(r).toMatchObject({
      city: 'Санкт-Петербург',
      device: 'desktop',
      browser: 'Chrome',
      os: 'Windows',
      landing: 'https://example.ru/?utm_source=yandex',
      referrer: 'https://yandex.ru/',
      yaClientId: '1710400000123456789',
      gaClientId: null,
      ydCampaignId: null,
    });
  });

  it('a request without a session: the form page is the landing, Direct ids from the record', () => {
    const e = requestEnrichment({
      ...requestRaw({ session: null, requestUrl: 'https://example.ru/contacts/?from=menu' }),
      yandexDirect: { campaignId: 1, adGroupId: 2, adId: 3, criteriaId: 4 },
    });
    expect(e).toMatchObject({ city: null, device: null, landing: 'https://example.ru/contacts/?from=menu', ydCampaignId: '1', ydKeywordId: '4' });
  });
});

describe('enrichment values as dimensions', () => {
  it('landing is the page path without query string or fragment', () => {
    expect(landingPath('https://example.ru/catalog/sofas/?utm_source=yandex#top')).toBe('/catalog/sofas/');
    expect(landingPath('https://example.ru')).toBe('/');
    expect(landingPath('https://example.ru?x=1')).toBe('/');
    expect(landingPath('//example.ru/a')).toBe('/a');
    expect(landingPath('/promo?x')).toBe('/promo');
    expect(landingPath('https://example.ru/%D0%B4%D0%B8%D0%B2%D0%B0%D0%BD%D1%8B')).toBe('/диваны');
    expect(landingPath('  ')).toBeNull();
    expect(landingPath(null)).toBeNull();
  });

  it('device categories', () => {
    expect(deviceCategory('Mobile')).toBe('mobile');
    expect(deviceCategory('Планшет')).toBe('tablet');
    expect(deviceCategory('PC')).toBe('desktop');
    expect(deviceCategory('smart tv')).toBe('smart tv');
    expect(deviceCategory('null', 'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)')).toBe('tablet');
    expect(deviceCategory(null, null)).toBeNull();
  });

  it('text values and city names', () => {
    expect(textValue(' Москва ')).toBe('Москва');
    expect(textValue(12)).toBe('12');
    expect(textValue('NULL')).toBeNull();
    expect(textValue({})).toBeNull();
    expect(cityName('г. Москва')).toBe('Москва');
    expect(cityName(' Нижний   Новгород ')).toBe('Нижний Новгород');
  });
});
