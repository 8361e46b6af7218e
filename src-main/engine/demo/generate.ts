/**
 * Deterministic demo world: 12 months of a Moscow furniture maker's marketing, ending at `now`,
 * produced as the records the Bitrix24 and Calltouch APIs would return.
 *
 *   const demo = generateDemo({ size: 'small', seed: 1, now: Date.parse('2026-03-31T12:00:00Z') });
 *   demo.dictionaries.statuses            // crm.status.list rows (SOURCE, STATUS, DEAL_STAGE, DEAL_STAGE_1)
 *   for (const page of demo.leads()) …    // B24LeadRaw[]    crm.lead.list rows, ids ascending
 *   for (const page of demo.deals()) …    // B24DealItemRaw[] crm.item.list items, ids ascending
 *   for (const page of demo.contacts()) … // B24ContactRaw[] crm.contact.list rows, ids ascending
 *   for (const page of demo.calls(DEMO_SITE_ID)) …    // CtCallRaw[]    calls diary records, by time
 *   for (const page of demo.requests(DEMO_SITE_ID)) … // CtRequestRaw[] requests journal, by time
 *   for (const page of demo.costs()) …    // DemoCostRow[]   daily spend per paid campaign
 *   for (const page of demo.stageHistory()) … // crm.stagehistory.list items of the deals
 *
 * Contract:
 * - Same options → byte-identical records (own PRNG, no clock or Math.random; pass `now`).
 *   A different seed gives a different world of the same shape.
 * - Every stream is a fresh, synchronous Iterable of pages (≤ pageSize records, default 1000);
 *   it can be consumed with `for` or `for await`, as often as wanted, in any order, and
 *   regenerates its records instead of holding them, so `large` (≈1.2 M leads, 1 M deals,
 *   2 M calls + requests) streams in bounded memory.
 * - Records are shaped like the API answers, quirks included: lead fields are strings with ""
 *   and null for empty, PHONE/EMAIL multi-fields in several spellings (+7 …, 8 …, 7…), deals
 *   carry numbers and contactIds, Calltouch booleans are sometimes "true"/"True" strings and ids
 *   sometimes strings, call dates are "dd/mm/yyyy HH:MM:SS" in Moscow time (DEMO_CT_TIME_ZONE),
 *   requests carry epoch-ms `date` and UTMs under `session` (sometimes null).
 * - Bitrix24 date-times carry the offset of `timeZone` (the portal's zone), default Moscow.
 * - The story: ~60 % of leads have a call or request from their phone / e-mail within 90 days
 *   before them, ~7 % only 92–132 days before, the rest none (or no contact data at all); some
 *   leads repeat an earlier client; ~25 % of leads become deals (two pipelines, won ≈ 30 % of
 *   closed, some in USD/EUR, some without amount), plus deals of existing customers without a
 *   lead; calls and requests also come from people who never become leads.
 *
 * Test fakes of the two APIs can be seeded from these streams; loadDemo (./load) writes them to
 * a workspace through the same map + store functions real sync uses.
 */
import type { DemoSize } from '@shared/contract';
import type { B24ContactRaw, B24DealItemRaw, B24LeadRaw, B24StageHistoryRaw } from '../sources/bitrix24/api-types';
import type { CtCallRaw, CtRequestRaw } from '../sources/calltouch/api-types';
import { WORLD_DAYS } from './calendar';
import { CHANNELS } from './catalog';
import { costPages, type DemoCostRow } from './costs';
import { demoDictionaries, type DemoDictionaries } from './dictionaries';
import { stageHistoryPages } from './history';
import { callPages, contactPages, dealPages, leadPages, requestPages } from './streams';
import { DEMO_CT_TIME_ZONE, World } from './world';

export type { DemoCostRow } from './costs';
export type { DemoDictionaries } from './dictionaries';
export { DEMO_CT_TIME_ZONE } from './world';

/** Calltouch site (project) id of the demo workspace. */
export const DEMO_SITE_ID = 43769;
export const DEMO_PAGE_SIZE = 1000;

export interface GenerateOptions {
  size: DemoSize;
  seed: number;
  /** the world's last instant (epoch ms); default Date.now() — pass it for reproducible output */
  now?: number;
  /** zone of the world's calendar days and of Bitrix24 date-times; default Europe/Moscow */
  timeZone?: string;
  pageSize?: number;
}

/** Expected record counts (exact for leads; within a few per cent otherwise) — for progress bars. */
export interface DemoEstimates {
  leads: number;
  deals: number;
  contacts: number;
  calls: number;
  requests: number;
  costRows: number;
}

export interface DemoGenerator {
  readonly size: DemoSize;
  readonly seed: number;
  readonly now: number;
  readonly timeZone: string;
  /** first and last calendar day of the world, YYYY-MM-DD in timeZone */
  readonly from: string;
  readonly to: string;
  readonly estimates: DemoEstimates;
  readonly dictionaries: DemoDictionaries;
  leads(): Iterable<B24LeadRaw[]>;
  deals(): Iterable<B24DealItemRaw[]>;
  contacts(): Iterable<B24ContactRaw[]>;
  calls(siteId?: number): Iterable<CtCallRaw[]>;
  requests(siteId?: number): Iterable<CtRequestRaw[]>;
  costs(): Iterable<DemoCostRow[]>;
  /** per deal: created (TYPE_ID 1) and, when it moved, its move to the current stage (2 / 3) */
  stageHistory(): Iterable<B24StageHistoryRaw[]>;
}

function estimate(w: World): DemoEstimates {
  const weight = CHANNELS.reduce((s, c) => s + c.weight, 0);
  const rate = CHANNELS.reduce((s, c) => s + c.weight * c.dealRate, 0) / weight;
  const leads = w.cal.totalLeads;
  let repeats = 0;
  let anonCalls = 0;
  let anonRequests = 0;
  let costRows = 0;
  for (let d = 0; d < WORLD_DAYS; d++) {
    repeats += w.repeatCount(d);
    const a = w.anonCounts(d);
    anonCalls += a.calls;
    anonRequests += a.requests;
    const f = d / WORLD_DAYS;
    for (const ch of CHANNELS) {
      if (!ch.paid) continue;
      for (const c of ch.campaigns) if (f >= (c.from ?? 0) && f < (c.to ?? 2)) costRows += c.termCosts ? c.terms.length : 1;
    }
  }
  const leadDeals = Math.round(leads * (0.97 * rate + 0.03 * 0.6) * w.spec.dealFactor * 0.97);
  // calibrated on the medium world: touches per lead from the lead's own story
  const callsPerLead = 0.71;
  const requestsPerLead = 0.38;
  return {
    leads,
    deals: leadDeals + repeats,
    contacts: w.spec.legacyContacts + Math.round(leadDeals * 0.95),
    calls: Math.round(leads * callsPerLead + repeats * 0.45 * 1.3 * 0.75 + anonCalls),
    requests: Math.round(leads * requestsPerLead + repeats * 0.45 * 1.3 * 0.25 + anonRequests),
    costRows,
  };
}

export function generateDemo(opts: GenerateOptions): DemoGenerator {
  const now = opts.now ?? Date.now();
  const timeZone = opts.timeZone ?? DEMO_CT_TIME_ZONE;
  const pageSize = Math.max(1, Math.min(opts.pageSize ?? DEMO_PAGE_SIZE, 100_000));
  const w = new World(opts.size, opts.seed >>> 0, now, timeZone);
  const dictionaries = demoDictionaries();
  let est: DemoEstimates | null = null;
  const iterable = <T>(make: () => Generator<T>): Iterable<T> => ({ [Symbol.iterator]: make });
  return {
    size: opts.size,
    seed: opts.seed,
    now,
    timeZone,
    from: w.cal.days[0] ?? '',
    to: w.cal.days[WORLD_DAYS - 1] ?? '',
    get estimates() {
      est ??= estimate(w);
      return est;
    },
    dictionaries,
    leads: () => iterable(() => leadPages(w, pageSize)),
    deals: () => iterable(() => dealPages(w, pageSize)),
    contacts: () => iterable(() => contactPages(w, pageSize)),
    calls: (siteId = DEMO_SITE_ID) => iterable(() => callPages(w, siteId, pageSize)),
    requests: (siteId = DEMO_SITE_ID) => iterable(() => requestPages(w, siteId, pageSize)),
    costs: () => iterable(() => costPages(w, pageSize)),
    stageHistory: () => iterable(() => stageHistoryPages(dealPages(w, pageSize))),
  };
}
