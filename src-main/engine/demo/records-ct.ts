// Touch plans → Calltouch records shaped like the API answers (reference/calltouch.md §2.2,
// §3.2): calls with "dd/mm/yyyy HH:MM:SS" dates, flat UTMs and 7XXXXXXXXXX caller numbers;
// requests with epoch-ms `date`, `dateStr`, UTMs under `session` (sometimes null) and the
// client's phones / e-mails. A few records use the quirks clients meet in the wild: string
// booleans ("true", "True") and string ids.
import type { CtBool, CtCallRaw, CtCallTag, CtRequestRaw } from '../sources/calltouch/api-types';
import { CHANNELS, DEVICES, FORM_SUBJECTS, LANDING_PAGES, SITE_HOST, SITE_PAGES } from './catalog';
import { formatPhone, person } from './people';
import type { TouchPlan } from './plan';
import { mix, rngFor, TAG, type Rng } from './rng';
import { spelled } from './spellings';
import { MINUTE, type World } from './world';

interface Dims {
  source: string;
  medium: string;
  campaign: string | null;
  content: string | null;
  term: string | null;
  utm: boolean;
  ref: string | null;
  yandexDirect: boolean;
}

function dims(t: TouchPlan): Dims {
  const ch = CHANNELS[t.ch];
  const camp = ch?.campaigns[t.camp];
  const source = camp?.source ?? ch?.source ?? '(direct)';
  return {
    source,
    medium: ch?.medium ?? '(none)',
    campaign: camp?.name ?? null,
    content: camp?.contents[t.content] ?? null,
    term: camp?.terms[t.term] ?? null,
    utm: ch?.utm ?? false,
    ref: ch?.key === 'referral' ? `https://${source}/` : (ch?.ref ?? null),
    yandexDirect: ch?.key === 'yandex_cpc',
  };
}

/** booleans as most records send them, or (2 %) as the strings old integrations compare */
function boolWriter(rng: Rng): (b: boolean) => CtBool {
  if (!rng.chance(0.02)) return (b) => b;
  const capital = rng.chance(0.5);
  return (b) => (capital ? (b ? 'True' : 'False') : b ? 'true' : 'false');
}

/**
 * The entry page: an ad's own page (a campaign's ads lead to one or two of LANDING_PAGES),
 * anywhere for organic and referral visitors, mostly the home page for direct ones.
 */
function landing(w: World, t: TouchPlan, d: Dims): string {
  const n = LANDING_PAGES.length;
  const page =
    d.utm && d.campaign
      ? LANDING_PAGES[mix(w.seed, t.ch * 1000 + Math.max(0, t.camp) * 10 + (Math.max(0, t.content) % 2), 6) % n]!
      : d.source === '(direct)' && mix(w.seed, t.client, 5) % 2 === 0
        ? '/'
        : LANDING_PAGES[mix(w.seed, t.client, 7) % n]!;
  if (!d.utm || !d.campaign) return `https://${SITE_HOST}${page}`;
  return `https://${SITE_HOST}${page}?utm_source=${encodeURIComponent(d.source)}&utm_medium=${encodeURIComponent(d.medium)}&utm_campaign=${encodeURIComponent(d.campaign)}`;
}

/**
 * The visitor's device (the same for a client): about 60 % phones, 37 % computers, 3 % tablets;
 * Calltouch sends no device for a few records (`id` decides which), then only the user agent or nothing.
 */
function device(w: World, t: TouchPlan, id: number): { device?: string; os?: string; browser?: string; userAgent?: string } {
  const h = mix(w.seed, t.client, 8) % 100;
  const d = DEVICES[h < 32 ? 0 : h < 60 ? 1 : h < 82 ? 2 : h < 97 ? 3 : 4]!;
  const gap = mix(w.seed, id, 9) % 100;
  if (gap < 4) return {};
  if (gap < 8) return { userAgent: d.userAgent };
  return { device: d.device, os: d.os, browser: d.browser, userAgent: d.userAgent };
}

/** the city Calltouch finds by the visitor's IP (none for a few) */
const cityOf = (w: World, id: number, city: string): string | null => (mix(w.seed, id, 10) % 100 < 5 ? null : city);

const hex = (n: number) => n.toString(16).padStart(8, '0');

function visitor(w: World, t: TouchPlan): { ctClientId: number; yaClientId: string } {
  const h = mix(w.seed, t.client, 3);
  return { ctClientId: 100_000_000 + (h % 900_000_000), yaClientId: `${Math.floor(t.at / 1000) - 86_400 * (h % 40)}${String(h % 1_000_000_000).padStart(9, '0')}` };
}

function callTags(rng: Rng, target: boolean): CtCallTag[] | null {
  const u = rng.next();
  if (u < 0.3) return [{ category: 'Качество обращения', type: 'MANUAL', names: [target ? 'Целевой' : 'Нецелевой'] }];
  if (u < 0.4) return [{ category: 'Автотеги', type: 'AUTO-PR', names: [rng.pick(['Замер', 'Доставка', 'Рассрочка', 'Цена'])] }];
  return null;
}

export function callRecord(w: World, t: TouchPlan, callId: number, siteId: number): CtCallRaw {
  const rng = rngFor(w.seed, TAG.callDetail, callId);
  const d = dims(t);
  const who = person(w.seed, t.client);
  const bool = boolWriter(rng);
  const successful = !rng.chance(0.14);
  const duration = successful ? Math.round(15 + rng.exp(160)) : 0;
  const target = successful && duration >= 40;
  // a share of direct calls dial the static number on the site: no session at all; for half of
  // them Calltouch knows no source either («Звонки без метки»)
  const sessionless = d.source === '(direct)' && rng.chance(0.3);
  const untagged = sessionless && mix(w.seed, callId, 91) % 2 === 0;
  const v = visitor(w, t);
  const clock = w.ctClock;
  const utmSource = d.utm ? spelled(d.source === 'yandex' && rng.chance(0.03) ? 'Yandex' : d.source, mix(w.seed, callId, 92)) : null;
  const utmMedium = spelled(d.medium, mix(w.seed, callId, 93));
  const utmCampaign = spelled(d.campaign, mix(w.seed, callId, 94));
  return {
    callId: rng.chance(0.01) ? String(callId) : callId,
    callphase: 'calldisconnected',
    attribution: 1,
    date: clock.dmy(t.at),
    timestamp: Math.floor(t.at / 1000),
    duration,
    waitingConnect: Math.round(3 + rng.exp(8)),
    callerNumber: t.phone ? formatPhone(who.mobile, 4) : '',
    phoneNumber: `7495${String(1_230_000 + t.ch * 100 + Math.max(0, t.camp) * 10).padStart(7, '0')}`,
    redirectNumber: '74957654321',
    successful: bool(successful),
    uniqueCall: bool(t.unique),
    targetCall: bool(target),
    uniqTargetCall: bool(t.unique && target),
    callbackCall: bool(rng.chance(0.05)),
    city: sessionless ? null : cityOf(w, callId, who.city),
    source: untagged ? null : sessionless ? '(direct)' : d.source,
    medium: untagged ? null : sessionless ? '(none)' : d.medium,
    keyword: d.medium === 'cpc' ? d.term : null,
    url: sessionless ? null : landing(w, t, d),
    callUrl: sessionless ? null : `https://${SITE_HOST}${rng.pick(SITE_PAGES)}`,
    ref: sessionless ? null : d.ref,
    hostname: SITE_HOST,
    utmSource: sessionless ? null : utmSource,
    utmMedium: sessionless || !d.utm ? null : utmMedium,
    utmCampaign: sessionless || !d.utm ? null : utmCampaign,
    utmContent: sessionless || !d.utm ? null : d.content,
    utmTerm: sessionless || !d.utm ? null : d.term,
    sessionId: sessionless ? null : 900_000_000 + (callId % 90_000_000),
    sessionDate: sessionless ? null : clock.dmy(t.at - Math.round(rng.range(1, 30)) * MINUTE),
    ctCallerId: `${hex(mix(w.seed, t.client, 1))}${hex(mix(w.seed, t.client, 2))}`,
    ctClientId: sessionless ? null : v.ctClientId,
    ctGlobalId: null,
    clientId: null,
    yaClientId: sessionless ? null : v.yaClientId,
    ...(sessionless ? {} : device(w, t, callId)),
    manager: null,
    siteId,
    siteName: SITE_HOST,
    callTags: callTags(rng, target),
    yandexDirect:
      d.yandexDirect && !sessionless
        ? { campaignId: 81_234_000 + t.camp, adGroupId: 5_123_456_000 + t.camp * 10 + Math.max(0, t.content), adId: 14_123_456_000 + t.camp * 100 + Math.max(0, t.content), criteriaId: 41_234_567_000 + Math.max(0, t.term) }
        : null,
    googleAdWords: null,
    orders: [],
    mapVisits: null,
    attrs: null,
    comments: null,
    phrases: null,
    additionalTags: [],
    phonesInText: null,
    callbackInfo: null,
    dcm: null,
  };
}

export function requestRecord(w: World, t: TouchPlan, requestId: number, siteId: number): CtRequestRaw {
  const rng = rngFor(w.seed, TAG.requestDetail, requestId);
  const d = dims(t);
  const who = person(w.seed, t.client);
  const bool = boolWriter(rng);
  const clock = w.ctClock;
  const v = visitor(w, t);
  const target = rng.chance(0.8);
  const noSession = rng.chance(0.1);
  const email = t.email && who.email ? who.email : null;
  return {
    requestId: rng.chance(0.01) ? String(requestId) : requestId,
    requestNumber: rng.chance(0.6) ? `form-${requestId % 100_000}` : String(requestId),
    requestType: null,
    subject: rng.pick(FORM_SUBJECTS),
    date: t.at,
    dateStr: clock.dmy(t.at),
    requestUrl: `https://${SITE_HOST}${rng.pick(SITE_PAGES)}`,
    status: null,
    manager: null,
    siteId,
    uniqueRequest: bool(t.unique),
    targetRequest: bool(target),
    uniqTargetRequest: bool(t.unique && target),
    client: {
      clientId: 555_000 + (mix(w.seed, t.client, 4) % 10_000_000),
      fio: rng.chance(0.85) ? `${who.first} ${who.last}` : null,
      phones: t.phone ? [{ phoneNumber: formatPhone(who.mobile, rng.chance(0.8) ? 4 : 1), phoneType: null }] : [],
      contacts: email ? [{ contactType: rng.chance(0.8) ? 'email' : 'EMAIL', contactValue: email }] : [],
    },
    session: noSession
      ? null
      : {
          sessionId: 800_000_000 + (requestId % 90_000_000),
          sessionDate: clock.dmy(t.at - Math.round(rng.range(1, 40)) * MINUTE),
          source: d.source,
          medium: d.medium,
          keywords: d.medium === 'cpc' ? d.term : null,
          utmSource: d.utm ? spelled(d.source, mix(w.seed, requestId, 95)) : null,
          utmMedium: d.utm ? spelled(d.medium, mix(w.seed, requestId, 96)) : null,
          utmCampaign: d.utm ? spelled(d.campaign, mix(w.seed, requestId, 97)) : null,
          utmContent: d.utm ? d.content : null,
          utmTerm: d.utm ? d.term : null,
          city: cityOf(w, requestId, who.city),
          ip: null,
          ref: d.ref,
          url: landing(w, t, d),
          browser: rng.pick(['Chrome', 'Yandex Browser', 'Safari', 'Chrome Mobile', 'Firefox']),
          ...device(w, t, requestId),
          guaClientId: null,
          yaClientId: v.yaClientId,
          attribution: 1,
          attrs: null,
          additionalTags: [],
          ctGlobalId: null,
        },
    ctClientId: noSession ? null : v.ctClientId,
    ctGlobalId: null,
    orders: [],
    order: null,
    comments: [],
    RequestTags: rng.chance(0.2) ? [{ category: 'Заявки', type: 'MANUAL', names: [rng.pick(['Замер', 'Расчёт', 'Дизайн-проект'])] }] : null,
    mapVisits: null,
    yandexDirect: null,
    googleAdWords: null,
    dcm: null,
    widgetInfo: null,
  };
}
