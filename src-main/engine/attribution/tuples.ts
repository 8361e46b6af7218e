// Dimension tuples as small integers, and calendar days (yyyymmdd in the reporting zone) of instants.
import type { TouchKind } from '@shared/channel-rules';
import { DIMENSIONS } from '@shared/metrics';
import { LABEL_DIMS, type Dims, type Normaliser, type RawDims } from '@shared/normalise';
import { dayStart, addDays, instantToDate } from '@shared/time';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { CLASSIC_MODELS } from './models';

/** Normalised dims, with the original spellings of LABEL_DIMS (trimmed) when known. */
export type SpelledDims = Dims & { spell?: readonly (string | null)[] };

const COLUMNS = DIMENSIONS.join(', ');
const LAST = DIMENSIONS.length - 1;
const keyOf = (d: Dims) => JSON.stringify(DIMENSIONS.map((k) => d[k]));

/** One level per dimension, in DIMENSIONS order; the last level holds tuple ids. */
type Level = Map<string | null, Level | number>;

/** The raw values of LABEL_DIMS, trimmed (the spelling a label may take). */
export function spellingOf(raw: RawDims): (string | null)[] {
  return LABEL_DIMS.map((k) => raw[k]?.trim() || null);
}

export class TupleDict {
  private readonly ids = new Map<string, number>();
  /**
   * channel → source → medium → … → id: looks a tuple up without building a key string (dims
   * values repeat as the same string objects, whose hashes V8 keeps).
   */
  private readonly tree: Level = new Map();
  private labelStmt: Statement<[string, string, string]> | null = null;
  /** preloaded ids no conversion or call has asked for yet */
  private readonly unused = new Set<number>();

  constructor(
    private readonly db: Db,
    private readonly norm: Normaliser,
  ) {
    for (const r of db.prepare(`SELECT id, ${COLUMNS} FROM dim_tuple`).all() as (Dims & { id: number })[]) {
      this.ids.set(keyOf(r), r.id);
    }
  }

  reset(): void {
    this.ids.clear();
    this.tree.clear();
    this.unused.clear();
  }

  /**
   * Numbers these tuples first, in this order: a full recompute gives the busiest tuples of the
   * previous attribution the small ids, which have a bit of their own in the tuple mask
   * (tupleMask). Those nothing asks for in the end (the rules changed) are dropped by dropUnused.
   */
  preload(list: readonly Dims[]): void {
    for (const d of list) {
      const id = this.idOfSlow(d);
      this.unused.add(id);
    }
  }

  /** Deletes the preloaded tuples nothing asked for. */
  dropUnused(): void {
    if (this.unused.size === 0) return;
    this.db.exec(`DELETE FROM dim_tuple WHERE id IN (${[...this.unused].join(',')})`);
    for (const [k, id] of this.ids) if (this.unused.has(id)) this.ids.delete(k);
    this.unused.clear();
  }

  /** Id of already-normalised dims (inserting the tuple, and labels for its new keys, when new). */
  idOf(d: SpelledDims): number {
    let m: Level | undefined = this.tree;
    for (let i = 0; i < LAST && m; i++) m = m.get(d[DIMENSIONS[i]!]) as Level | undefined;
    const hit = m?.get(d[DIMENSIONS[LAST]!]);
    if (hit !== undefined) return hit as number;
    const id = this.idOfSlow(d);
    let level = this.tree;
    for (let i = 0; i < LAST; i++) {
      const k = d[DIMENSIONS[i]!];
      let next = level.get(k) as Level | undefined;
      if (!next) level.set(k, (next = new Map()));
      level = next;
    }
    level.set(d[DIMENSIONS[LAST]!], id);
    return id;
  }

  private idOfSlow(d: SpelledDims): number {
    const k = keyOf(d);
    let id = this.ids.get(k);
    if (id === undefined) {
      const values = DIMENSIONS.map((dim) => d[dim]);
      id = Number(
        this.db
          .prepare(`INSERT INTO dim_tuple (${COLUMNS}, direct) VALUES (${DIMENSIONS.map(() => '?').join(', ')}, ?)`)
          .run([...values, this.norm.isDirect(d) ? 1 : 0]).lastInsertRowid,
      );
      this.ids.set(k, id);
      this.label(d);
    }
    this.unused.delete(id);
    return id;
  }

  /**
   * A key seen for the first time is labelled with this spelling until the next full recompute
   * chooses the most frequent one (incremental recomputes do not recount spellings).
   */
  private label(d: SpelledDims): void {
    if (!d.spell) return;
    this.labelStmt ??= this.db.prepare<[string, string, string]>('INSERT OR IGNORE INTO dim_label (dim, key, label) VALUES (?, ?, ?)');
    LABEL_DIMS.forEach((dim, i) => {
      const key = d[dim];
      const spelling = d.spell![i];
      if (key !== null && spelling && spelling.toLowerCase() === key) this.labelStmt!.run(dim, key, spelling);
    });
  }

  /** Id of raw source dims of a touch of `kind` (normalised first). */
  idOfRaw(raw: RawDims, kind: TouchKind): number {
    return this.idOf({ ...this.norm.dims(raw, kind), spell: spellingOf(raw) });
  }
}

/**
 * The tuples with the most credit under the linear model (every touch gets a share) in the
 * attribution as it is: the busiest first. Read before a full recompute empties the tables.
 */
export function busiestTuples(db: Db, limit: number): Dims[] {
  return db
    .prepare(
      `SELECT ${DIMENSIONS.map((d) => `t.${d}`).join(', ')} FROM rollup r JOIN dim_tuple t ON t.id = r.tuple_id
        WHERE r.model = ? AND r.tuple_id <> 0 GROUP BY r.tuple_id ORDER BY sum(r.leads + r.deals + r.visits) DESC, r.tuple_id LIMIT ?`,
    )
    .all(CLASSIC_MODELS.indexOf('linear'), limit) as Dims[];
}

const SLOT_MS = 900_000;

/**
 * A conversion's touch tuples as bits (0 = no touches), stored in conv.tmask and its day index: a
 * drill-down skips, in the index alone, the conversions that have none of a row's tuples
 * (reports/drill.ts). Tuples 1…50 have a bit each and the later ones share the last; a match is
 * then checked exactly. A full recompute numbers the busiest 50 tuples of the attribution before it
 * first (TupleDict.preload), the first one numbers them as it meets them (oldest conversions
 * first), so a rare tuple shares its bit with rare ones. (Tuple id mod 52 made every later tuple
 * share a bit with one of the busiest: 99 % false matches for a campaign row of the large demo.)
 * Kept below 2^53: an exact integer in JS and SQLite. Migration 11 computes it in SQL the same way.
 */
export const MASK_BITS = 52;
/** bits 0…25 and 26…51 are gathered as two 32-bit integers (bit operations), then added */
const HALF = 26;

export function tupleMask(tuples: ArrayLike<number>): number {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < tuples.length; i++) {
    const bit = Math.min(tuples[i]!, MASK_BITS - 1);
    if (bit < HALF) lo |= 1 << bit;
    else hi |= 1 << (bit - HALF);
  }
  return hi * 2 ** HALF + lo;
}

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
