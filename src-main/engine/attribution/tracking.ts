// Calls and requests per (day, tuple, site) by their own dimensions — not attributed, counted once.
import type { RawDims } from '@shared/normalise';
import type { Db } from '../db/open';
import type { DayCalendar, SpelledDims, TupleDict } from './tuples';
import { RAW_DIMS } from './inputs';

interface TrackRow {
  at: number;
  site_id: number;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  city: string | null;
  device: string | null;
  landing: string | null;
  ut: number;
}

type Counts = [number, number, number, number];
/** normalised dims (with their channel), or raw values of a call or request */
type TupleDims = SpelledDims | RawDims;

/**
 * Calls and requests counted per (day, site, raw dims), in the order they are added; `write`
 * normalises to tuples (several raw spellings can merge into one tuple) and inserts the rows.
 */
export class TrackingCounts {
  private readonly raw = new Map<string, { r: TupleDims; day: number; site: number; isCall: boolean; c: Counts }>();

  /** `normalised`: the dims given to `add` are already normalised (else they are raw source values) */
  constructor(
    private readonly cal: DayCalendar,
    private readonly normalised = false,
  ) {}

  /**
   * `key` identifies the dims (equal keys, equal dims); raw dims of a call and of a request need
   * different keys (their channels may differ).
   */
  add(isCall: boolean, at: number, site: number, ut: number, key: string | number, dims: TupleDims): void {
    const c = this.counts(this.cal.day(at), site, key, dims, isCall);
    if (isCall) {
      c[0]++;
      c[1] += ut;
    } else {
      c[2]++;
      c[3] += ut;
    }
  }

  /** Adds counts made elsewhere: [calls, unique-target calls, requests, unique-target requests]. */
  addCounts(day: number, site: number, key: string | number, dims: SpelledDims, counts: ArrayLike<number>): void {
    const c = this.counts(day, site, key, dims, true);
    for (let i = 0; i < 4; i++) c[i]! += counts[i]!;
  }

  /** What was counted, in the order first added. */
  entries(): Iterable<{ day: number; site: number; dims: TupleDims; c: Readonly<Counts> }> {
    return [...this.raw.values()].map(({ r, day, site, c }) => ({ day, site, dims: r, c }));
  }

  private counts(day: number, site: number, key: string | number, dims: TupleDims, isCall: boolean): Counts {
    const k = `${day}\u0001${site}\u0001${key}`;
    let a = this.raw.get(k);
    if (!a) this.raw.set(k, (a = { r: dims, day, site, isCall, c: [0, 0, 0, 0] }));
    return a.c;
  }

  /** Writes the counted rows (call inside a transaction, after deleting the days being rebuilt). */
  write(db: Db, tuples: TupleDict): void {
    const merged = new Map<string, { day: number; tuple: number; site: number; c: Counts }>();
    for (const { r, day, site, isCall, c } of this.raw.values()) {
      const tuple = this.normalised ? tuples.idOf(r as SpelledDims) : tuples.idOfRaw(r as RawDims, isCall ? 'call' : 'request');
      const k = `${day}:${tuple}:${site}`;
      const m = merged.get(k);
      if (!m) merged.set(k, { day, tuple, site, c: [...c] });
      else for (let i = 0; i < 4; i++) m.c[i]! += c[i]!;
    }
    const ins = db.prepare(
      'INSERT INTO rollup_tracking (day, tuple_id, site_id, calls, ut_calls, requests, ut_requests) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const m of merged.values()) ins.run(m.day, m.tuple, m.site, ...m.c);
  }
}

/** Rebuilds rollup_tracking for the given days (null = everything). Call inside a transaction. */
export function rebuildTracking(db: Db, tuples: TupleDict, cal: DayCalendar, days: number[] | null): void {
  // 1) count by raw dims (no writes while a SELECT iterates)
  const counts = new TrackingCounts(cal);
  const add = (r: TrackRow, isCall: boolean) =>
    counts.add(isCall, r.at, r.site_id, r.ut, `${isCall ? 'c' : 'r'}\u0001${JSON.stringify(RAW_DIMS.map((d) => r[d]))}`, r);
  const cols = `at, site_id, ${RAW_DIMS.join(', ')}`;
  if (days === null) {
    db.exec('DELETE FROM rollup_tracking');
    for (const r of db.prepare(`SELECT ${cols}, uniq_target_call AS ut FROM ct_call`).iterate() as IterableIterator<TrackRow>) add(r, true);
    for (const r of db.prepare(`SELECT ${cols}, uniq_target_request AS ut FROM ct_request`).iterate() as IterableIterator<TrackRow>) add(r, false);
  } else {
    const calls = db.prepare(`SELECT ${cols}, uniq_target_call AS ut FROM ct_call WHERE at >= ? AND at < ?`);
    const reqs = db.prepare(`SELECT ${cols}, uniq_target_request AS ut FROM ct_request WHERE at >= ? AND at < ?`);
    const del = db.prepare('DELETE FROM rollup_tracking WHERE day = ?');
    for (const day of days) {
      const [s, e] = cal.range(day);
      del.run(day);
      for (const r of calls.all(s, e) as TrackRow[]) add(r, true);
      for (const r of reqs.all(s, e) as TrackRow[]) add(r, false);
    }
  }
  // 2) normalise to tuples, then write
  counts.write(db, tuples);
}
