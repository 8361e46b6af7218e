// Page streams over one world. Each stream walks the days in order and regenerates the plans
// it needs, so memory stays bounded whatever the size: leads and contacts hold one page, deals
// hold the ~40 days a lead may take to convert, calls and requests hold the ~135 days by which
// a touch may precede its lead. Records come out in id order, and ids grow with time, as in the
// real systems.
import type { B24ContactRaw, B24DealItemRaw, B24LeadRaw } from '../sources/bitrix24/api-types';
import type { CtCallRaw, CtRequestRaw } from '../sources/calltouch/api-types';
import { WORLD_DAYS } from './calendar';
import { planAnon, planLead, planRepeat, type DealPlan, type LeadPlan, type TouchPlan } from './plan';
import { dealRecord, leadContactRecord, leadRecord, legacyContactRecord } from './records-b24';
import { callRecord, requestRecord } from './records-ct';
import { rngFor, TAG } from './rng';
import { TouchBuffer } from './touch-buffer';
import type { World } from './world';

/** Calls and requests may precede their lead by this many days (outside-window touches). */
const TOUCH_LEAD_DAYS = 135;

class Pager<T> {
  private page: T[] = [];
  constructor(private readonly size: number) {}
  /** adds a record; returns a full page to yield, if any */
  add(item: T): T[] | null {
    this.page.push(item);
    if (this.page.length < this.size) return null;
    const full = this.page;
    this.page = [];
    return full;
  }
  rest(): T[] | null {
    return this.page.length ? this.page : null;
  }
}

/** every lead plan of day d, in id order */
function* leadsOfDay(w: World, d: number): Generator<LeadPlan> {
  const times = w.cal.leadTimes(d);
  const k0 = w.cal.leadFirst[d] ?? 0;
  for (let i = 0; i < times.length; i++) yield planLead(w, k0 + i, times[i] ?? 0, d);
}

export function* leadPages(w: World, pageSize: number): Generator<B24LeadRaw[]> {
  const pager = new Pager<B24LeadRaw>(pageSize);
  for (let d = 0; d < WORLD_DAYS; d++) {
    for (const plan of leadsOfDay(w, d)) {
      const full = pager.add(leadRecord(w, plan));
      if (full) yield full;
    }
  }
  const rest = pager.rest();
  if (rest) yield rest;
}

export function* contactPages(w: World, pageSize: number): Generator<B24ContactRaw[]> {
  const pager = new Pager<B24ContactRaw>(pageSize);
  for (let r = 0; r < w.spec.legacyContacts; r++) {
    const full = pager.add(legacyContactRecord(w, r));
    if (full) yield full;
  }
  for (let d = 0; d < WORLD_DAYS; d++) {
    for (const plan of leadsOfDay(w, d)) {
      if (!plan.deal || !plan.deal.contacts.includes(w.leadContactId(plan.k))) continue;
      const full = pager.add(leadContactRecord(w, plan, plan.deal));
      if (full) yield full;
    }
  }
  const rest = pager.rest();
  if (rest) yield rest;
}

/** Day-keyed buffer of deal plans: they wait here until no later day can add to theirs. */
class Buckets<T extends { at: number }> {
  private readonly map = new Map<number, T[]>();
  add(day: number, item: T): void {
    let b = this.map.get(day);
    if (!b) {
      b = [];
      this.map.set(day, b);
    }
    b.push(item);
  }
  /** the items of `day` in time order (stable for ties), removed from the buffer */
  take(day: number): T[] {
    const b = this.map.get(day);
    this.map.delete(day);
    return b ? b.sort((x, y) => x.at - y.at) : [];
  }
}

export function* dealPages(w: World, pageSize: number): Generator<B24DealItemRaw[]> {
  const pager = new Pager<B24DealItemRaw>(pageSize);
  const buckets = new Buckets<DealPlan>();
  const ids = rngFor(w.seed, TAG.ids, 1);
  let id = 500;
  for (let d = 0; d < WORLD_DAYS; d++) {
    for (const plan of leadsOfDay(w, d)) if (plan.deal) buckets.add(w.cal.dayOf(plan.deal.at), plan.deal);
    const repeats = w.repeatCount(d);
    for (let j = 0; j < repeats; j++) {
      const r = planRepeat(w, d, j);
      if (r) buckets.add(d, r.deal);
    }
    // a deal is never created before its lead, so day d is complete now
    for (const deal of buckets.take(d)) {
      id += 1 + (ids.chance(0.05) ? ids.int(4) : 0);
      const full = pager.add(dealRecord(w, deal, id));
      if (full) yield full;
    }
  }
  const rest = pager.rest();
  if (rest) yield rest;
}

function* touchPages<T>(w: World, calls: boolean, pageSize: number, build: (t: TouchPlan, id: number) => T): Generator<T[]> {
  const pager = new Pager<T>(pageSize);
  const buckets = new TouchBuffer();
  const add = (t: TouchPlan) => {
    if (t.call !== calls || t.at >= w.now) return;
    const day = w.cal.dayOf(t.at);
    if (day >= 0 && day < WORLD_DAYS) buckets.add(day, t);
  };
  const ids = rngFor(w.seed, TAG.ids, calls ? 2 : 3);
  // other Calltouch customers' records interleave, so ids have gaps
  let id = calls ? 48_000_000 : 7_700_000;
  for (let d = 0; d < WORLD_DAYS + TOUCH_LEAD_DAYS; d++) {
    if (d < WORLD_DAYS) {
      for (const plan of leadsOfDay(w, d)) for (const t of plan.touches) add(t);
      const repeats = w.repeatCount(d);
      for (let j = 0; j < repeats; j++) for (const t of planRepeat(w, d, j)?.touches ?? []) add(t);
      const anon = w.anonCounts(d);
      const n = calls ? anon.calls : anon.requests;
      for (let j = 0; j < n; j++) add(planAnon(w, d, j, calls));
    }
    const ready = d - TOUCH_LEAD_DAYS;
    if (ready < 0) continue;
    for (const t of buckets.take(ready)) {
      id += 1 + ids.int(calls ? 40 : 12);
      const full = pager.add(build(t, id));
      if (full) yield full;
    }
  }
  const rest = pager.rest();
  if (rest) yield rest;
}

export function callPages(w: World, siteId: number, pageSize: number): Generator<CtCallRaw[]> {
  return touchPages(w, true, pageSize, (t, id) => callRecord(w, t, id, siteId));
}

export function requestPages(w: World, siteId: number, pageSize: number): Generator<CtRequestRaw[]> {
  return touchPages(w, false, pageSize, (t, id) => requestRecord(w, t, id, siteId));
}
