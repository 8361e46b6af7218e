// Request bodies of the Calltouch lead-service deal methods (reference/calltouch.md §6, §7; seed 002).
// Pure: the outbox sender builds them from the current visit / deal row at send time.
//
//   create: { crm, orders: [{ matching: [callContact, requestContact, <fallback> LAST], orderNumber,
//             status, statusDate, orderDate, revenue, addTags: [{tag}], comment: {text} }] }
//   update: { crm, orders: [{ orderNumber, status, statusDate, updateDate, revenue,
//             addNewComment: {text}, addTags: {overwrite, tags: [{tag}]} }] }
//
// The seed's JSON is malformed: the custom source is an ELEMENT of `matching` (last, key
// `customSourceParams`), never a sibling of it (§6.2, §11.8).
import { leadServiceDateTime } from '../sources/calltouch/dates';

/** 180 days in minutes: the seed's search depth (reference §6.3: the unit is minutes). */
export const SEARCH_DEPTH = 259_200;
/** orders per create / update request (reference §6.1, seed 2.1.4) */
export const MAX_ORDERS = 100;
/** custom-source values are cut to this length (one client does; the limit is unverified) */
const MAX_SOURCE_LEN = 126;

export interface CustomSource {
  source: string;
  medium?: string;
  campaign?: string;
  content?: string;
  term?: string;
}

export type CtMatching =
  | {
      type: 'callContact';
      callContactParams: { phones: string[]; date: string; callTypeToMatch: 'nearest'; searchDepth: number };
    }
  | {
      type: 'requestContact';
      requestContactParams: { emails?: string[]; phones?: string[]; date: string; requestTypeToMatch: 'nearest'; searchDepth: number };
    }
  | { type: 'customSources'; customSourceParams: CustomSource }
  | { type: 'withoutSource' };

export interface CtTag {
  tag: string;
}

export interface CtOrderCreate {
  matching: CtMatching[];
  orderNumber: string;
  funnel?: string;
  orderName?: string;
  status: string;
  statusDate: string;
  orderDate: string;
  revenue: string;
  addTags?: CtTag[];
  comment?: { text: string };
}

export interface CtOrderUpdate {
  orderNumber: string;
  funnel?: string;
  status: string;
  statusDate: string;
  updateDate: string;
  revenue: string;
  addNewComment?: { text: string };
  addTags?: { overwrite: boolean; tags: CtTag[] };
}

export interface CtCreateBody {
  crm: string;
  orders: CtOrderCreate[];
}

export interface CtUpdateBody {
  crm: string;
  orders: CtOrderUpdate[];
}

/** What an order is made of, whatever it comes from (an offline visit or a Bitrix24 deal). */
export interface OrderFacts {
  orderNumber: string;
  /** E.164 */
  phones: readonly string[];
  emails: readonly string[];
  /** order date (visit time / deal creation), epoch ms */
  at: number;
  status: string;
  /** when the status was set, epoch ms */
  statusAt: number;
  /** exact decimal, "1234.50" */
  revenue: string;
  tags: readonly string[];
  comment: string;
  /** the last matching entry: a custom source, or no source at all */
  fallback: CustomSource | 'withoutSource';
  funnel?: string;
  orderName?: string;
}

/** "+79161234567" → "79161234567": the digits Calltouch's examples use (any mask is accepted). */
export function ctPhone(e164: string): string {
  return e164.replace(/\D/g, '');
}

/** "1234.5" / "1 234,50" → "1234.50" (a decimal string with a dot, two places); junk or negative → "0.00". */
export function ctRevenue(value: string | null | undefined): string {
  const s = (value ?? '').replace(/[\s\u00a0]/g, '').replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(s)) return '0.00';
  const [int = '0', frac = ''] = s.split('.');
  // exact string rounding half-up to 2 places, no float
  const cents = BigInt(int + (frac + '000').slice(0, 2)) + (Number((frac + '000')[2]) >= 5 ? 1n : 0n);
  const str = cents.toString().padStart(3, '0');
  return `${str.slice(0, -2)}.${str.slice(-2)}`;
}

function clip(s: string): string {
  return s.length > MAX_SOURCE_LEN ? s.slice(0, MAX_SOURCE_LEN) : s;
}

function customSource(cs: CustomSource): CustomSource {
  const out: CustomSource = { source: clip(cs.source) };
  if (cs.medium) out.medium = clip(cs.medium);
  if (cs.campaign) out.campaign = clip(cs.campaign);
  if (cs.content) out.content = clip(cs.content);
  if (cs.term) out.term = clip(cs.term);
  return out;
}

function uniqueTags(tags: readonly string[]): CtTag[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))].map((tag) => ({ tag }));
}

/** matching: callContact (phones), requestContact (e-mails + phones), then the fallback — last. */
export function matchingOf(f: OrderFacts, tz: string): CtMatching[] {
  const date = leadServiceDateTime(f.at, tz);
  const phones = f.phones.map(ctPhone);
  const out: CtMatching[] = [];
  if (phones.length > 0) {
    out.push({ type: 'callContact', callContactParams: { phones, date, callTypeToMatch: 'nearest', searchDepth: SEARCH_DEPTH } });
  }
  if (phones.length > 0 || f.emails.length > 0) {
    const params: { emails?: string[]; phones?: string[]; date: string; requestTypeToMatch: 'nearest'; searchDepth: number } = {
      date,
      requestTypeToMatch: 'nearest',
      searchDepth: SEARCH_DEPTH,
    };
    // key order as in the reference: emails, phones, date, …; empty lists are left out
    const withLists = { ...(f.emails.length ? { emails: [...f.emails] } : {}), ...(phones.length ? { phones } : {}), ...params };
    out.push({ type: 'requestContact', requestContactParams: withLists });
  }
  out.push(f.fallback === 'withoutSource' ? { type: 'withoutSource' } : { type: 'customSources', customSourceParams: customSource(f.fallback) });
  return out;
}

export function createOrder(f: OrderFacts, tz: string): CtOrderCreate {
  const order: CtOrderCreate = {
    matching: matchingOf(f, tz),
    orderNumber: f.orderNumber,
    ...(f.funnel ? { funnel: f.funnel } : {}),
    ...(f.orderName ? { orderName: f.orderName } : {}),
    status: f.status,
    statusDate: leadServiceDateTime(f.statusAt, tz),
    orderDate: leadServiceDateTime(f.at, tz),
    revenue: ctRevenue(f.revenue),
  };
  const tags = uniqueTags(f.tags);
  if (tags.length) order.addTags = tags;
  if (f.comment.trim()) order.comment = { text: f.comment.trim() };
  return order;
}

/** What was last sent for an order, to send only what changed (outbox.payload). */
export interface SentFacts {
  status: string;
  statusAt: number;
  revenue: string;
  tags: string[];
  comment: string;
}

export function sentFacts(f: OrderFacts): SentFacts {
  return { status: f.status, statusAt: f.statusAt, revenue: ctRevenue(f.revenue), tags: [...f.tags], comment: f.comment.trim() };
}

/**
 * An update: status, status date and revenue always (idempotent); a comment only when it changed
 * since the last send (a resent comment would appear twice); tags only when they changed, with
 * overwrite so a resend is harmless.
 */
export function updateOrder(f: OrderFacts, tz: string, now: number, last: SentFacts | null): CtOrderUpdate {
  const order: CtOrderUpdate = {
    orderNumber: f.orderNumber,
    ...(f.funnel ? { funnel: f.funnel } : {}),
    status: f.status,
    statusDate: leadServiceDateTime(f.statusAt, tz),
    updateDate: leadServiceDateTime(now, tz),
    revenue: ctRevenue(f.revenue),
  };
  const comment = f.comment.trim();
  if (comment && comment !== last?.comment) order.addNewComment = { text: comment };
  const tags = uniqueTags(f.tags);
  const lastTags = last ? uniqueTags(last.tags) : [];
  if (JSON.stringify(tags) !== JSON.stringify(lastTags)) order.addTags = { overwrite: true, tags };
  return order;
}

/** The smallest update that tells whether an order exists (reconciliation fallback). */
export function probeOrder(f: OrderFacts, tz: string, now: number): CtOrderUpdate {
  return {
    orderNumber: f.orderNumber,
    status: f.status,
    statusDate: leadServiceDateTime(f.statusAt, tz),
    updateDate: leadServiceDateTime(now, tz),
    revenue: ctRevenue(f.revenue),
  };
}
