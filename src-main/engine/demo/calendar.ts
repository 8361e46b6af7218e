// Time for the demo world: the grid of 365 calendar days ending "today", daily volumes with
// seasonality and weekday shape, times of day, and the wall-clock formats the APIs use.
import { addDays, dayStart, instantParts, instantToDate, pad, weekday } from '@shared/time';
import { HOURS_CALLS, HOURS_FORMS, SEASON, WEEKDAY } from './catalog';
import { Rng, rngFor, TAG } from './rng';

export const DAY_MS = 86_400_000;
export const WORLD_DAYS = 365;

/** Instant → wall clock strings in one zone, resolving the zone once per hour. */
export class Clock {
  /** per UTC day: the offset when it holds all day, else per-hour offsets (a DST switch day) */
  private readonly days = new Map<number, number | Map<number, number>>();

  constructor(readonly tz: string) {}

  private offsetAtExact(at: number): number {
    const p = instantParts(at, this.tz);
    return Math.round((Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - at) / 60_000);
  }

  /** offset of the zone at `ms`, in minutes */
  offset(ms: number): number {
    const day = Math.floor(ms / 86_400_000);
    let entry = this.days.get(day);
    if (entry === undefined) {
      const a = this.offsetAtExact(day * 86_400_000);
      const b = this.offsetAtExact((day + 1) * 86_400_000 - 1000);
      entry = a === b ? a : new Map<number, number>();
      this.days.set(day, entry);
    }
    if (typeof entry === 'number') return entry;
    const hour = Math.floor(ms / 3_600_000);
    let off = entry.get(hour);
    if (off === undefined) {
      off = this.offsetAtExact(hour * 3_600_000);
      entry.set(hour, off);
    }
    return off;
  }

  private wall(ms: number): { d: Date; off: number } {
    const off = this.offset(ms);
    return { d: new Date(Math.floor(ms / 1000) * 1000 + off * 60_000), off };
  }

  /** Bitrix24 date-time: 2025-03-09T18:22:05+03:00 */
  b24(ms: number): string {
    const { d, off } = this.wall(ms);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `${d.toISOString().slice(0, 19)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }

  /** Bitrix24 date field (CLOSEDATE): that day's midnight with the zone's offset */
  b24Date(ms: number): string {
    const { d, off } = this.wall(ms);
    const sign = off < 0 ? '-' : '+';
    const a = Math.abs(off);
    return `${d.toISOString().slice(0, 10)}T00:00:00${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
  }

  /** Calltouch: 14/03/2024 11:52:07 */
  dmy(ms: number): string {
    const { d } = this.wall(ms);
    const iso = d.toISOString();
    return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
  }

  /** calendar date YYYY-MM-DD */
  date(ms: number): string {
    return this.wall(ms).d.toISOString().slice(0, 10);
  }
}

function cumulative(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let total = 0;
  for (const w of weights) total += w;
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    out[i] = acc;
  });
  return out;
}

export const PROFILE_CALLS = cumulative(HOURS_CALLS);
export const PROFILE_FORMS = cumulative(HOURS_FORMS);

/** share of a day's volume that falls before `secondOfDay` under a profile */
function profileShare(profile: Float64Array, secondOfDay: number): number {
  const h = Math.min(23, Math.floor(secondOfDay / 3600));
  const before = h === 0 ? 0 : (profile[h - 1] ?? 0);
  const inHour = (profile[h] ?? 1) - before;
  return before + (inHour * (secondOfDay - h * 3600)) / 3600;
}

/** second of day drawn from a profile, below `maxShare` of the day's volume */
function sampleSecond(rng: Rng, profile: Float64Array, maxShare: number): number {
  const u = rng.next() * maxShare;
  let h = 0;
  while (h < 23 && (profile[h] ?? 1) <= u) h++;
  const before = h === 0 ? 0 : (profile[h - 1] ?? 0);
  const inHour = (profile[h] ?? 1) - before;
  const frac = inHour > 0 ? (u - before) / inHour : 0;
  return Math.min(86_399, Math.floor((h + frac) * 3600));
}

/** The day grid and lead volumes of one world. Cheap to build (a few typed arrays). */
export class Calendar {
  readonly days: string[] = [];
  readonly starts: number[] = [];
  /** expected lead volume per day (before noise), used by every per-day quantity */
  readonly volume: Float64Array;
  readonly leadCount: Int32Array;
  /** index of the first lead of each day; leadFirst[WORLD_DAYS] = total */
  readonly leadFirst: Int32Array;
  readonly totalLeads: number;
  readonly clock: Clock;

  constructor(
    readonly seed: number,
    readonly now: number,
    readonly tz: string,
    leads: number,
  ) {
    this.clock = new Clock(tz);
    const today = instantToDate(now, tz);
    const first = addDays(today, -(WORLD_DAYS - 1));
    const weights = new Float64Array(WORLD_DAYS);
    let total = 0;
    for (let d = 0; d < WORLD_DAYS; d++) {
      const day = addDays(first, d);
      this.days.push(day);
      this.starts.push(dayStart(day, tz));
      const month = Number(day.slice(5, 7));
      const trend = 0.85 + (0.3 * d) / (WORLD_DAYS - 1);
      let w = (SEASON[month] ?? 1) * (WEEKDAY[weekday(day)] ?? 1) * trend;
      // New Year holidays
      if (day.slice(5) >= '01-01' && day.slice(5) <= '01-08') w *= 0.35;
      weights[d] = w;
      total += w;
    }
    // today counts only its elapsed part
    const lastStart = this.starts[WORLD_DAYS - 1] ?? now;
    weights[WORLD_DAYS - 1] = (weights[WORLD_DAYS - 1] ?? 0) * this.elapsedShare(now - lastStart);
    this.volume = new Float64Array(WORLD_DAYS);
    this.leadCount = new Int32Array(WORLD_DAYS);
    this.leadFirst = new Int32Array(WORLD_DAYS + 1);
    let k = 0;
    for (let d = 0; d < WORLD_DAYS; d++) {
      const lambda = (leads * (weights[d] ?? 0)) / total;
      this.volume[d] = lambda;
      const rng = rngFor(seed, TAG.schedule, d);
      const n = rng.round(lambda * (1 + 0.1 * rng.normal()));
      this.leadFirst[d] = k;
      this.leadCount[d] = n;
      k += n;
    }
    this.leadFirst[WORLD_DAYS] = k;
    this.totalLeads = k;
  }

  private elapsedShare(msIntoDay: number): number {
    return profileShare(PROFILE_CALLS, Math.max(0, Math.min(86_399, msIntoDay / 1000)));
  }

  get start(): number {
    return this.starts[0] ?? 0;
  }

  /** end (exclusive) of day d: the next midnight, or now for today */
  end(d: number): number {
    return d >= WORLD_DAYS - 1 ? this.now : (this.starts[d + 1] ?? this.now);
  }

  /** day index of an instant (may be < 0 or ≥ WORLD_DAYS) */
  dayOf(ms: number): number {
    if (ms < this.start) return Math.floor((ms - this.start) / DAY_MS) - 1;
    let lo = 0;
    let hi = WORLD_DAYS - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= ms) lo = mid;
      else hi = mid - 1;
    }
    return ms >= this.end(WORLD_DAYS - 1) ? WORLD_DAYS : lo;
  }

  /** an instant in day d (whole seconds) drawn from a time-of-day profile, before now */
  timeIn(rng: Rng, d: number, forms = false): number {
    const profile = forms ? PROFILE_FORMS : PROFILE_CALLS;
    const start = this.starts[d] ?? this.start;
    const end = this.end(d);
    const maxShare = d >= WORLD_DAYS - 1 ? profileShare(profile, Math.min(86_399, (end - start) / 1000)) : 1;
    const t = start + sampleSecond(rng, profile, maxShare) * 1000;
    return Math.max(start, Math.min(t, end - 1000));
  }

  /** the sorted creation times of the leads of day d */
  leadTimes(d: number): number[] {
    const n = this.leadCount[d] ?? 0;
    const rng = rngFor(this.seed, TAG.leadDay, d);
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.timeIn(rng, d, rng.chance(0.4)));
    return out.sort((a, b) => a - b);
  }
}
