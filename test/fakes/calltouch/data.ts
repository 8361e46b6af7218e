// What the fake Calltouch serves: calls and requests per site, keyed by the calendar day of their
// wall-clock date ("dd/mm/yyyy HH:MM:SS" in the project zone, as Calltouch writes it).
// MemoryDataset holds given arrays (or the demo generator's streams) and can be mutated; other
// datasets (./scaled) generate records on demand.
import type { CtCallRaw, CtRequestRaw } from '../../../src-main/engine/sources/calltouch/api-types';
import { responseDay } from '../../../src-main/engine/sources/calltouch/dates';
import type { DemoGenerator } from '../../../src-main/engine/demo';
import { instantParts, pad } from '@shared/time';

export interface CtDataset {
  /** calls of one day, in time order */
  calls(siteId: number, day: string): readonly CtCallRaw[];
  /** how many calls that day has (cheap: paging over a month only builds the days it needs) */
  callCount(siteId: number, day: string): number;
  /** requests of one day, in time order */
  requests(siteId: number, day: string): readonly CtRequestRaw[];
}

type Day = string;

function timeKey(date: unknown): string {
  // dd/mm/yyyy HH:MM:SS → sortable within one day
  return typeof date === 'string' ? date.slice(11) : '';
}

function idOf(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export class MemoryDataset implements CtDataset {
  private readonly callDays = new Map<number, Map<Day, CtCallRaw[]>>();
  private readonly requestDays = new Map<number, Map<Day, CtRequestRaw[]>>();

  private days<T>(store: Map<number, Map<Day, T[]>>, siteId: number): Map<Day, T[]> {
    let m = store.get(siteId);
    if (!m) {
      m = new Map();
      store.set(siteId, m);
    }
    return m;
  }

  calls(siteId: number, day: string): readonly CtCallRaw[] {
    return this.callDays.get(siteId)?.get(day) ?? [];
  }

  callCount(siteId: number, day: string): number {
    return this.calls(siteId, day).length;
  }

  requests(siteId: number, day: string): readonly CtRequestRaw[] {
    return this.requestDays.get(siteId)?.get(day) ?? [];
  }

  /** Adds (or replaces, by callId) calls; keeps every day sorted by time, then id. */
  addCalls(siteId: number, records: Iterable<CtCallRaw>): void {
    const m = this.days(this.callDays, siteId);
    const touched = new Set<Day>();
    for (const r of records) {
      const day = responseDay(r.date);
      if (!day) throw new Error(`fake calltouch: call ${String(r.callId)} has no readable date`);
      let list = m.get(day);
      if (!list) m.set(day, (list = []));
      const i = list.findIndex((x) => idOf(x.callId) === idOf(r.callId));
      if (i >= 0) list[i] = r;
      else list.push(r);
      touched.add(day);
    }
    for (const d of touched) m.get(d)?.sort((a, b) => timeKey(a.date).localeCompare(timeKey(b.date)) || idOf(a.callId) - idOf(b.callId));
  }

  addRequests(siteId: number, records: Iterable<CtRequestRaw>): void {
    const m = this.days(this.requestDays, siteId);
    const touched = new Set<Day>();
    for (const r of records) {
      const day = responseDay(r.dateStr);
      if (!day) throw new Error(`fake calltouch: request ${String(r.requestId)} has no readable dateStr`);
      let list = m.get(day);
      if (!list) m.set(day, (list = []));
      const i = list.findIndex((x) => idOf(x.requestId) === idOf(r.requestId));
      if (i >= 0) list[i] = r;
      else list.push(r);
      touched.add(day);
    }
    for (const d of touched) m.get(d)?.sort((a, b) => a.date - b.date || idOf(a.requestId) - idOf(b.requestId));
  }

  /** Every call of a site (optionally from `fromDay` on), day by day. */
  allCalls(siteId: number, fromDay = '0000-00-00', toDay = '9999-99-99'): CtCallRaw[] {
    const m = this.callDays.get(siteId);
    if (!m) return [];
    return [...m.keys()].filter((d) => d >= fromDay && d <= toDay).sort().flatMap((d) => m.get(d) ?? []);
  }

  allRequests(siteId: number, fromDay = '0000-00-00', toDay = '9999-99-99'): CtRequestRaw[] {
    const m = this.requestDays.get(siteId);
    if (!m) return [];
    return [...m.keys()].filter((d) => d >= fromDay && d <= toDay).sort().flatMap((d) => m.get(d) ?? []);
  }

  /** Rewrites calls of days ≥ fromDay in place: return a new record, or the same one to keep it. */
  updateCalls(siteId: number, fromDay: string, fn: (r: CtCallRaw, i: number) => CtCallRaw): number {
    let changed = 0;
    let i = 0;
    for (const [day, list] of this.callDays.get(siteId) ?? []) {
      if (day < fromDay) continue;
      for (let k = 0; k < list.length; k++) {
        const before = list[k] as CtCallRaw;
        const after = fn(before, i++);
        if (after !== before) {
          list[k] = after;
          changed++;
        }
      }
    }
    return changed;
  }

  updateRequests(siteId: number, fromDay: string, fn: (r: CtRequestRaw, i: number) => CtRequestRaw): number {
    let changed = 0;
    let i = 0;
    for (const [day, list] of this.requestDays.get(siteId) ?? []) {
      if (day < fromDay) continue;
      for (let k = 0; k < list.length; k++) {
        const before = list[k] as CtRequestRaw;
        const after = fn(before, i++);
        if (after !== before) {
          list[k] = after;
          changed++;
        }
      }
    }
    return changed;
  }
}

/**
 * What Calltouch does after the fact inside the trailing window: every `every`-th call gets its
 * lead flags flipped and a manual tag; every `every`-th request likewise. Returns the counts.
 */
export function mutateAfterTheFact(ds: MemoryDataset, siteId: number, fromDay: string, every = 3): { calls: number; requests: number } {
  const flip = (v: unknown) => !(v === true || v === 'true' || v === 'True');
  const calls = ds.updateCalls(siteId, fromDay, (r, i) =>
    i % every
      ? r
      : {
          ...r,
          targetCall: flip(r.targetCall),
          uniqTargetCall: flip(r.uniqTargetCall),
          callTags: [...(r.callTags ?? []), { category: 'Проверка', type: 'MANUAL', names: ['Перезвонить'] }],
        },
  );
  const requests = ds.updateRequests(siteId, fromDay, (r, i) =>
    i % every
      ? r
      : { ...r, targetRequest: flip(r.targetRequest), RequestTags: [{ category: 'Заявки', type: 'MANUAL', names: ['Спам'] }] },
  );
  return { calls, requests };
}

/** An instant as Calltouch writes it: "dd/mm/yyyy HH:MM:SS", the wall clock in `tz`. */
export function ctWall(ms: number, tz: string): string {
  const p = instantParts(ms, tz);
  return `${pad(p.d)}/${pad(p.mo)}/${p.y} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

/**
 * Loads a demo world's Calltouch records of `siteId` (optionally only days ≥ fromDay). The demo
 * writes Moscow wall clocks; `timeZone` re-expresses them for a project in another zone.
 */
export function seedFromDemo(
  ds: MemoryDataset,
  gen: DemoGenerator,
  siteId: number,
  fromDay = '0000-00-00',
  timeZone?: string,
): { calls: number; requests: number } {
  let calls = 0;
  let requests = 0;
  const callWall = (r: CtCallRaw): CtCallRaw =>
    timeZone && typeof r.timestamp === 'number' ? { ...r, date: ctWall(r.timestamp * 1000, timeZone) } : r;
  const requestWall = (r: CtRequestRaw): CtRequestRaw => (timeZone ? { ...r, dateStr: ctWall(r.date, timeZone) } : r);
  for (const raw of gen.calls(siteId)) {
    const keep = raw.map(callWall).filter((r) => (responseDay(r.date) ?? '') >= fromDay);
    ds.addCalls(siteId, keep);
    calls += keep.length;
  }
  for (const raw of gen.requests(siteId)) {
    const keep = raw.map(requestWall).filter((r) => (responseDay(r.dateStr) ?? '') >= fromDay);
    ds.addRequests(siteId, keep);
    requests += keep.length;
  }
  return { calls, requests };
}
