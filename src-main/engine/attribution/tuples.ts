// Dimension tuples as small integers, and calendar days (yyyymmdd in the reporting zone) of instants.
import type { Normaliser, Dims } from '@shared/normalise';
import { dayStart, addDays, instantToDate } from '@shared/time';
import type { Db } from '../db/open';

type TupleDims = Pick<Dims, 'source' | 'medium' | 'campaign' | 'content' | 'term'>;

const keyOf = (d: TupleDims) => `${d.source}\u0001${d.medium}\u0001${d.campaign}\u0001${d.content}\u0001${d.term}`;

type Level<T> = Map<string | null, T>;

export class TupleDict {
  private readonly ids = new Map<string, number>();
  /**
   * source → medium → campaign → content → term → id: looks a tuple up without building a key
   * string (dims values repeat as the same string objects, whose hashes V8 keeps).
   */
  private readonly tree: Level<Level<Level<Level<Level<number>>>>> = new Map();

  constructor(
    private readonly db: Db,
    private readonly norm: Normaliser,
  ) {
    for (const r of db.prepare('SELECT id, source, medium, campaign, content, term FROM dim_tuple').all() as (TupleDims & { id: number })[]) {
      this.ids.set(keyOf(r), r.id);
    }
  }

  reset(): void {
    this.ids.clear();
    this.tree.clear();
  }

  /** Id of already-normalised dims (inserting the tuple when new). */
  idOf(d: TupleDims): number {
    const m1 = this.tree.get(d.source);
    const m2 = m1?.get(d.medium);
    const m3 = m2?.get(d.campaign);
    const m4 = m3?.get(d.content);
    const hit = m4?.get(d.term);
    if (hit !== undefined) return hit;
    const id = this.idOfSlow(d);
    const get = <T>(m: Level<T>, k: string | null, make: () => T): T => {
      let v = m.get(k);
      if (v === undefined) m.set(k, (v = make()));
      return v;
    };
    const l4 = get(get(get(get(this.tree, d.source, () => new Map()), d.medium, () => new Map()), d.campaign, () => new Map()), d.content, () => new Map<string | null, number>());
    l4.set(d.term, id);
    return id;
  }

  private idOfSlow(d: TupleDims): number {
    const k = keyOf(d);
    let id = this.ids.get(k);
    if (id === undefined) {
      const full: Dims = { source: d.source, medium: d.medium, campaign: d.campaign, content: d.content, term: d.term };
      id = Number(
        this.db
          .prepare('INSERT INTO dim_tuple (source, medium, campaign, content, term, direct) VALUES (?, ?, ?, ?, ?, ?)')
          .run(d.source, d.medium, d.campaign, d.content, d.term, this.norm.isDirect(full) ? 1 : 0).lastInsertRowid,
      );
      this.ids.set(k, id);
    }
    return id;
  }

  /** Id of raw source dims (normalised first). */
  idOfRaw(raw: Partial<Record<keyof TupleDims, string | null>>): number {
    return this.idOf(this.norm.dims(raw));
  }
}

const SLOT_MS = 900_000;

export function dayInt(date: string): number {
  return Number(date.replaceAll('-', ''));
}

export function dayString(day: number): string {
  const s = String(day);
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** Calendar days of instants in one time zone; cached per 15-minute slot (offsets are multiples of 15 min). */
export class DayCalendar {
  private readonly cache = new Map<number, number>();

  constructor(readonly timeZone: string) {}

  day(ms: number): number {
    const slot = Math.floor(ms / SLOT_MS);
    let d = this.cache.get(slot);
    if (d === undefined) {
      d = dayInt(instantToDate(slot * SLOT_MS, this.timeZone));
      this.cache.set(slot, d);
    }
    return d;
  }

  daysOfSlots(slots: number[]): number[] {
    return [...new Set(slots.map((s) => this.day(s * SLOT_MS)))].sort((a, b) => a - b);
  }

  /** [start, end) instants of a calendar day */
  range(day: number): [number, number] {
    const s = dayString(day);
    return [dayStart(s, this.timeZone), dayStart(addDays(s, 1), this.timeZone)];
  }
}
