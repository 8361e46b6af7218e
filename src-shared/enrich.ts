// Lead enrichment (issue 19): what a tracked touch carries beyond UTM — city, device, landing page,
// referrer, visitor ids and Yandex Direct ids. Pure helpers shared by the source mappers (which
// store the values), the normaliser (which makes report dimensions of city, device and landing)
// and the demo generator.

/** The enrichment fields of one touch; null when the source did not give the value. */
export interface Enrichment {
  city: string | null;
  /** device category: mobile | tablet | desktop, else the source's value in lower case */
  device: string | null;
  browser: string | null;
  os: string | null;
  /** the landing page (entry URL) as the source gave it */
  landing: string | null;
  referrer: string | null;
  yaClientId: string | null;
  gaClientId: string | null;
  ydCampaignId: string | null;
  ydAdGroupId: string | null;
  ydAdId: string | null;
  ydKeywordId: string | null;
}

export type EnrichmentField = keyof Enrichment;

/** Enrichment fields → columns of ct_call / ct_request (migration 0009), in storage order. */
export const ENRICHMENT_COLUMNS = {
  city: 'city',
  device: 'device',
  browser: 'browser',
  os: 'os',
  landing: 'landing',
  referrer: 'referrer',
  yaClientId: 'ya_client_id',
  gaClientId: 'ga_client_id',
  ydCampaignId: 'yd_campaign_id',
  ydAdGroupId: 'yd_ad_group_id',
  ydAdId: 'yd_ad_id',
  ydKeywordId: 'yd_keyword_id',
} as const satisfies Record<EnrichmentField, string>;

export const ENRICHMENT_FIELDS = Object.keys(ENRICHMENT_COLUMNS) as EnrichmentField[];

export function emptyEnrichment(): Enrichment {
  return Object.fromEntries(ENRICHMENT_FIELDS.map((f) => [f, null])) as unknown as Enrichment;
}

/** Spellings of «no value» that trackers write as text. */
const NO_VALUE = new Set(['null', 'undefined', 'none', 'nil', 'n/a', '(none)', '(not set)', '-', '0']);

/**
 * A scalar as a trimmed string: numbers as their decimal text; null, "", whitespace, "null",
 * "undefined", "(not set)", "0" and the like → null (an id of 0 means «none» in these APIs).
 */
export function textValue(v: unknown): string | null {
  const s = typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
  if (s === '' || NO_VALUE.has(s.toLowerCase())) return null;
  return s;
}

/** The first of the values that holds something (textValue). */
export function firstText(...vs: unknown[]): string | null {
  for (const v of vs) {
    const s = textValue(v);
    if (s !== null) return s;
  }
  return null;
}

const MOBILE = /mobile|phone|smartphone|смартфон|телефон|мобильн/;
const TABLET = /tablet|ipad|планшет/;
const DESKTOP = /desktop|computer|pc|компьютер|десктоп|пк/;

/**
 * The device category from the tracker's device field, or else from the user agent: mobile,
 * tablet, desktop; an unknown device value is kept in lower case; nothing known → null.
 */
export function deviceCategory(device: unknown, userAgent?: unknown): string | null {
  const d = textValue(device)?.toLowerCase() ?? null;
  if (d !== null) {
    if (TABLET.test(d)) return 'tablet';
    if (MOBILE.test(d)) return 'mobile';
    if (DESKTOP.test(d)) return 'desktop';
    return d;
  }
  const ua = textValue(userAgent);
  if (ua === null) return null;
  if (/iPad|Tablet/i.test(ua)) return 'tablet';
  if (/Mobi|iPhone|Android/i.test(ua)) return 'mobile';
  return /Windows|Macintosh|X11|Linux|CrOS/i.test(ua) ? 'desktop' : null;
}

/**
 * The landing dimension: the page's path without query string or fragment («/catalog/sofas/»);
 * a URL without a path is «/». Null for nothing.
 */
export function landingPath(url: string | null | undefined): string | null {
  const s = url?.trim();
  if (!s) return null;
  let path = s.replace(/[?#].*$/s, '');
  const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/]*(.*)$/i.exec(path);
  if (m) path = m[1]!;
  if (path === '') path = '/';
  if (!path.startsWith('/')) path = `/${path}`;
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

/** A city as a dimension: trimmed, one space between words; «г. Москва» → «Москва». */
export function cityName(v: string | null | undefined): string | null {
  const s = v?.trim().replace(/\s+/g, ' ').replace(/^г\.\s*/i, '');
  return s ? s : null;
}
