// Calltouch records → the enrichment of their touch (issue 19; reference/calltouch.md §2.3, §3.3):
// city, device, browser/OS, landing page, referrer, Yandex Metrica and Google client ids, Yandex
// Direct ids. Calls carry these flat; requests under `session` (the attributed visit), with a few
// on the record itself. Used when a record is stored and by migration 0009 to backfill stored
// records from their raw JSON, so both give the same values.
// Quirks: empty strings, "null", ids as numbers or strings, `yandexDirect` null or a JSON string;
// a request's `client.clientId` is Calltouch's contact id, not Google's client id.
import { deviceCategory, firstText, type Enrichment } from '@shared/enrich';

type Rec = Record<string, unknown>;

const asRec = (v: unknown): Rec | null => {
  if (typeof v === 'string' && v.trim().startsWith('{')) {
    try {
      return asRec(JSON.parse(v));
    } catch {
      return null;
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : null;
};

/** Yandex Direct ids of a record's `yandexDirect` object (criteriaId is the keyword's id). */
function directIds(...objs: unknown[]): Pick<Enrichment, 'ydCampaignId' | 'ydAdGroupId' | 'ydAdId' | 'ydKeywordId'> {
  const ds = objs.map(asRec).filter((d): d is Rec => d !== null);
  const pick = (k: string) => firstText(...ds.map((d) => d[k]));
  return { ydCampaignId: pick('campaignId'), ydAdGroupId: pick('adGroupId'), ydAdId: pick('adId'), ydKeywordId: pick('criteriaId') };
}

/** The enrichment of a calls-diary record (the record as received, or its stored raw JSON). */
export function callEnrichment(raw: Rec): Enrichment {
  return {
    city: firstText(raw.city),
    device: deviceCategory(raw.device, raw.userAgent),
    browser: firstText(raw.browser),
    os: firstText(raw.os),
    landing: firstText(raw.url, raw.callUrl),
    referrer: firstText(raw.ref),
    yaClientId: firstText(raw.yaClientId),
    gaClientId: firstText(raw.clientId, raw.guaClientId),
    ...directIds(raw.yandexDirect),
  };
}

/** The enrichment of a requests-journal record: the session's values first, then the record's. */
export function requestEnrichment(raw: Rec): Enrichment {
  const s = asRec(raw.session) ?? {};
  return {
    city: firstText(s.city, raw.city),
    device: deviceCategory(firstText(s.device, raw.device), firstText(s.userAgent, raw.userAgent)),
    browser: firstText(s.browser, raw.browser),
    os: firstText(s.os, raw.os),
    landing: firstText(s.url, raw.url, raw.requestUrl),
    referrer: firstText(s.ref, raw.ref),
    yaClientId: firstText(s.yaClientId, raw.yaClientId),
    gaClientId: firstText(s.guaClientId, raw.guaClientId),
    ...directIds(raw.yandexDirect, s.yandexDirect),
  };
}
