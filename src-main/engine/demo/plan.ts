// The story of each lead, repeat deal and anonymous touch, as plain numbers. Every stream
// (leads, deals, contacts, calls, requests) calls the same planners with the same keys, so
// they all tell the same story; the record builders only dress the plans in API shapes.
//
// Lead k (created at `at`): acquired by a channel/campaign; ~85 % leave a phone, some only an
// e-mail, some nothing. With contacts: ~68 % have calls/requests from their phone or e-mail in
// the 90 days before (the last one minutes before the lead — the call or form that created
// it), ~9 % only 92–132 days before (outside the default window), the rest none. Form leads
// often carry UTM tags. Some leads become deals later (channel-dependent rate).
import { CHANNELS, DIRECT, EMAIL, YANDEX_CPC, YANDEX_ORGANIC } from './catalog';
import { hasEmail, NS_ANON, NS_LEGACY } from './people';
import { rngFor, TAG, type Rng } from './rng';
import { DAY, HOUR, MINUTE, World, type Placement } from './world';

export interface TouchPlan extends Placement {
  at: number;
  call: boolean;
  client: number;
  /** the touch carries the client's phone / e-mail */
  phone: boolean;
  email: boolean;
  /** first contact of this client (Calltouch's "unique") */
  unique: boolean;
}

export type Intake = 'call' | 'form' | 'other';
export type LeadStatus = 'NEW' | 'IN_PROCESS' | 'PROCESSED' | 'JUNK' | 'CONVERTED';

export interface DealPlan {
  at: number;
  category: 0 | 1;
  stage: string;
  semantic: 'P' | 'S' | 'F';
  closeAt: number | null;
  movedAt: number;
  updatedAt: number;
  /** CLOSEDATE: the closing day, or the planned one (created + 7 days) while open */
  closeDate: number;
  /** in `currency`, two decimals at most; null = no amount */
  amount: number | null;
  currency: 'RUB' | 'USD' | 'EUR';
  assigned: number;
  client: number;
  contacts: number[];
  /** lead number, or -1 for a repeat customer's deal */
  leadK: number;
  sourceId: string | null;
  utm: Placement | null;
}

export interface LeadPlan {
  k: number;
  id: number;
  at: number;
  client: number;
  phone: boolean;
  email: boolean;
  offline: boolean;
  place: Placement;
  intake: Intake;
  /** the lead's UTM fields are filled (from the primary placement; offline visits: офлайн-визит) */
  utm: boolean;
  sourceId: string | null;
  assigned: number;
  status: LeadStatus;
  closedAt: number | null;
  modifiedAt: number;
  touches: TouchPlan[];
  deal: DealPlan | null;
}

const OPEN_STAGES: Record<0 | 1, string[]> = {
  0: ['NEW', 'PREPARATION', 'PREPAYMENT_INVOICE', 'EXECUTING', 'FINAL_INVOICE'],
  1: ['C1:NEW', 'C1:PREPARATION', 'C1:EXECUTING'],
};

function money(rng: Rng, category: 0 | 1): { amount: number | null; currency: DealPlan['currency'] } {
  if (rng.chance(0.06)) return { amount: null, currency: 'RUB' };
  if (category === 1) {
    const rub = Math.round(rng.logNormal(380_000, 0.7) / 100) * 100;
    if (rng.chance(0.08)) return { amount: Math.max(100, Math.round(rub / 90 / 10) * 10), currency: 'USD' };
    return { amount: rub, currency: 'RUB' };
  }
  let rub = Math.max(3_000, Math.round(rng.logNormal(42_000, 0.6) / 10) * 10);
  if (rng.chance(0.12)) rub += rng.pick([0.5, 0.99, 0.9]);
  if (rng.chance(0.005)) return { amount: Math.round(rub / 98), currency: 'EUR' };
  return { amount: rub, currency: 'RUB' };
}

interface DealSeed {
  client: number;
  contacts: number[];
  leadK: number;
  sourceId: string | null;
  utm: Placement | null;
  assigned: number;
  wholesale: number;
}

function planDeal(w: World, rng: Rng, at: number, s: DealSeed): DealPlan | null {
  if (at >= w.now) return null;
  const category: 0 | 1 = rng.chance(s.wholesale) ? 1 : 0;
  const { amount, currency } = money(rng, category);
  const stalled = rng.chance(0.08);
  const won = rng.chance(0.3);
  const closeLag = Math.min(120 * DAY, won ? DAY + rng.exp(14 * DAY) : 12 * HOUR + rng.exp(9 * DAY));
  const closeAt = Math.round((at + closeLag) / 1000) * 1000;
  const prefix = category === 1 ? 'C1:' : '';
  let stage: string;
  let semantic: DealPlan['semantic'];
  let movedAt: number;
  let updatedAt: number;
  const closed = !stalled && closeAt <= w.now;
  if (closed) {
    semantic = won ? 'S' : 'F';
    stage = won ? `${prefix}WON` : category === 0 && rng.chance(0.15) ? 'APOLOGY' : `${prefix}LOSE`;
    movedAt = closeAt;
    updatedAt = rng.chance(0.1) ? closeAt + Math.round(((w.now - closeAt) * rng.next() * 0.5) / 1000) * 1000 : closeAt;
  } else {
    semantic = 'P';
    const stages = OPEN_STAGES[category];
    const elapsed = w.now - at;
    const idx = Math.min(stages.length - 1, Math.floor((elapsed / (5 * DAY)) * rng.range(0.5, 1.5)));
    stage = stages[idx] ?? stages[0] ?? 'NEW';
    movedAt = idx === 0 ? at : at + Math.round((elapsed * rng.range(0.3, 0.95)) / 1000) * 1000;
    updatedAt = movedAt + Math.round(((w.now - movedAt) * rng.next() * 0.3) / 1000) * 1000;
  }
  return {
    at,
    category,
    stage,
    semantic,
    closeAt: closed ? closeAt : null,
    movedAt,
    updatedAt,
    closeDate: closed ? closeAt : at + 7 * DAY,
    amount,
    currency,
    assigned: rng.chance(0.8) ? s.assigned : w.pickUser(rng),
    client: s.client,
    contacts: s.contacts,
    leadK: s.leadK,
    sourceId: s.sourceId,
    utm: s.utm,
  };
}

function touch(at: number, call: boolean, p: Placement, client: number, phone: boolean, email: boolean, unique: boolean): TouchPlan {
  return { ch: p.ch, camp: p.camp, content: p.content, term: p.term, at: Math.round(at / 1000) * 1000, call, client, phone, email, unique };
}

const CHAIN_LENGTHS = [55, 30, 10, 5];
const NO_PLACE: Placement = { ch: -1, camp: -1, content: -1, term: -1 };

/** a later touch of a chain: the same ad again, or the client coming back directly / via search */
function revisit(w: World, rng: Rng, primary: Placement, d: number): Placement {
  const u = rng.next();
  if (u < 0.5) return primary;
  return w.place(rng, u < 0.8 ? DIRECT : YANDEX_ORGANIC, d);
}

function sourceIdFor(rng: Rng, intake: Intake, offline: boolean): string | null {
  if (rng.chance(0.03)) return null;
  if (offline) return 'UC_7H2K1Q';
  if (intake === 'call') return rng.chance(0.9) ? 'CALL' : 'CALLBACK';
  if (intake === 'form') return rng.chance(0.6) ? 'WEBFORM' : 'WEB';
  return rng.pick(['EMAIL', 'RECOMMENDATION', 'ADVERTISING', 'OTHER', 'TRADE_SHOW', 'PARTNER']);
}

export function planLead(w: World, k: number, at: number, d: number): LeadPlan {
  const rng = rngFor(w.seed, TAG.lead, k);
  const offline = rng.chance(0.03);
  const place = offline ? NO_PLACE : w.place(rng, w.pickChannel(rng, d), d);
  const client = k > 50 && rng.chance(0.04) ? k - 1 - rng.int(Math.min(k - 1, 3000)) : k;
  const clientHasEmail = hasEmail(w.seed, client);
  const ck = rng.next();
  const phone = ck < 0.85 || offline;
  const emailOnly = !phone && ck < 0.93 && clientHasEmail;
  const email = emailOnly || (phone && clientHasEmail && rng.chance(0.6));
  const ui = rng.next();
  const intake: Intake = offline ? 'other' : emailOnly ? 'form' : ui < 0.58 ? 'call' : ui < 0.93 ? 'form' : 'other';
  const u = rng.next();
  const scenario = offline || (!phone && !email) ? 'none' : u < 0.68 ? 'window' : u < 0.77 ? 'outside' : 'none';
  const ch = CHANNELS[place.ch];
  const utm = offline || (intake === 'form' && !!ch?.utm && rng.chance(scenario === 'window' ? 0.6 : 0.5));
  const sourceId = sourceIdFor(rng, intake, offline);
  const assigned = w.pickUser(rng);

  const touches: TouchPlan[] = [];
  if (scenario === 'window') {
    const n = rng.weighted(CHAIN_LENGTHS) + 1;
    const lastCall = emailOnly ? false : intake === 'call' ? true : intake === 'form' ? false : rng.chance(0.5);
    // CRM integrations create the lead a minute or two after the call / form; a few touches
    // are logged just after the lead (inside the 10-minute tolerance of REPORTS.md)
    let t = rng.chance(0.04) ? at + rng.range(MINUTE, 9 * MINUTE) : at - (lastCall ? 20_000 + rng.exp(90_000) : 5_000 + rng.exp(60_000));
    const times = [t];
    for (let i = 1; i < n; i++) {
      t -= 10 * MINUTE + rng.exp(5 * DAY);
      if (t < at - 88 * DAY) break;
      times.unshift(t);
    }
    for (let i = 0; i < times.length; i++) {
      const last = i === times.length - 1;
      const call = last ? lastCall : !emailOnly && rng.chance(0.7);
      const p = i === 0 ? place : revisit(w, rng, place, d);
      const mail = email && (emailOnly || rng.chance(0.5));
      touches.push(touch(times[i] ?? at, call, p, client, phone, mail, i === 0));
    }
  } else if (scenario === 'outside') {
    let t = at - (92 + rng.range(0, 40)) * DAY;
    const m = rng.chance(0.7) ? 1 : 2;
    for (let i = 0; i < m; i++) {
      const p = i === 0 || rng.chance(0.5) ? place : w.place(rng, DIRECT, d);
      const call = !emailOnly && rng.chance(0.7);
      const mail = email && (emailOnly || rng.chance(0.5));
      touches.push(touch(t, call, p, client, phone, mail, i === 0));
      t += rng.exp(2 * DAY);
    }
  }

  const rate = offline ? 0.6 : (ch?.dealRate ?? 0.25) * w.spec.dealFactor * (phone || email ? 1 : 0.7);
  const wantsDeal = rng.chance(Math.min(0.95, rate));
  const dealAt = at + Math.round((5 * MINUTE + Math.min(40 * DAY, rng.exp(2.5 * DAY))) / 1000) * 1000;
  const contactId = w.leadContactId(k);
  const contacts = !phone && !email && rng.chance(0.5) ? [] : rng.chance(0.05) ? [contactId, w.legacyContactId(rng.int(w.spec.legacyContacts))] : [contactId];
  const deal = wantsDeal
    ? planDeal(w, rng, dealAt, { client, contacts, leadK: k, sourceId, utm: utm ? place : null, assigned, wholesale: 0.18 })
    : null;
  if (deal && phone && deal.at - at > HOUR && rng.chance(0.25)) {
    // the client calls back between the enquiry and the deal
    const p = rng.chance(0.5) ? place : w.place(rng, DIRECT, d);
    touches.push(touch(at + (deal.at - at) * rng.range(0.1, 0.9), true, p, client, true, false, false));
  }

  let status: LeadStatus;
  let closedAt: number | null = null;
  let modifiedAt: number;
  const age = w.now - at;
  if (deal) {
    status = 'CONVERTED';
    closedAt = deal.at;
    modifiedAt = deal.at;
  } else if (age > 10 * DAY) {
    const s = rng.next();
    status = s < 0.7 ? 'JUNK' : s < 0.85 ? 'PROCESSED' : 'IN_PROCESS';
    const t = Math.min(w.now, at + HOUR + rng.exp(3 * DAY));
    modifiedAt = Math.round(t / 1000) * 1000;
    if (status === 'JUNK') closedAt = modifiedAt;
  } else {
    status = rng.chance(0.5) ? 'NEW' : 'IN_PROCESS';
    modifiedAt = status === 'NEW' ? at : Math.round(Math.min(w.now, at + rng.exp(HOUR * 6)) / 1000) * 1000;
  }
  return { k, id: w.leadId(k), at, client, phone, email, offline, place, intake, utm, sourceId, assigned, status, closedAt, modifiedAt, touches, deal };
}

/** Deal j of day d by an existing customer (no lead), with the touches that preceded it. */
export function planRepeat(w: World, d: number, j: number): { deal: DealPlan; touches: TouchPlan[] } | null {
  const rng = rngFor(w.seed, TAG.repeat, d, j);
  const r = rng.int(w.spec.legacyContacts);
  const client = NS_LEGACY + r;
  const at = w.cal.timeIn(rng, d);
  const withEmail = hasEmail(w.seed, client);
  const touches: TouchPlan[] = [];
  let via = -1;
  if (rng.chance(0.45)) {
    via = [DIRECT, EMAIL, YANDEX_ORGANIC, YANDEX_CPC][rng.weighted([40, 30, 20, 10])] ?? DIRECT;
    const p = w.place(rng, via, d);
    const n = rng.chance(0.7) ? 1 : 2;
    for (let i = 0; i < n; i++) {
      const t = at - rng.range(10 * MINUTE, 20 * DAY);
      touches.push(touch(t, rng.chance(0.75), p, client, true, withEmail && rng.chance(0.5), false));
    }
    touches.sort((a, b) => a.at - b.at);
  }
  const contacts = rng.chance(0.05) ? [w.legacyContactId(r), w.legacyContactId(rng.int(w.spec.legacyContacts))] : [w.legacyContactId(r)];
  const sourceId = via === EMAIL ? 'EMAIL' : touches[touches.length - 1]?.call ? 'CALL' : rng.chance(0.8) ? 'PARTNER' : null;
  const utm = via === EMAIL && rng.chance(0.5) ? touches[0] ?? null : null;
  const deal = planDeal(w, rng, at, {
    client,
    contacts: [...new Set(contacts)],
    leadK: -1,
    sourceId,
    utm: utm ? { ch: utm.ch, camp: utm.camp, content: utm.content, term: utm.term } : null,
    assigned: w.pickUser(rng),
    wholesale: 0.25,
  });
  return deal ? { deal, touches } : null;
}

/** Anonymous touch j of day d: someone who called or wrote and never became a lead. */
export function planAnon(w: World, d: number, j: number, call: boolean): TouchPlan {
  const rng = rngFor(w.seed, TAG.anon, d, j * 2 + (call ? 0 : 1));
  const client = NS_ANON + rng.int(w.anonPool);
  const p = w.place(rng, w.pickChannel(rng, d, true), d);
  const at = w.cal.timeIn(rng, d, !call);
  const phone = call ? !rng.chance(0.005) : rng.chance(0.85);
  const email = !call && hasEmail(w.seed, client) && (!phone || rng.chance(0.5));
  return touch(at, call, p, client, phone, email, rng.chance(0.55));
}
