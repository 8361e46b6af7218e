// Converting paths for the Markov model, materialised (issue 17; migration 0010): per metric chain
// and day, the number of conversions of each distinct path (tuple ids at the finest grouping) and
// their value. Accumulated conversion by conversion (added or removed) beside the rollups, and
// written in one pass. A Markov report sums a period's days and projects the paths to its grouping.
import type { Db } from '../db/open';
import { doubled } from '../typed-arrays';
import type { ConvRow, StoredTouch } from './rollups';

/** Metric chains: leads, deals, won, visits by event day (won by its won day); +COHORT: by cohort day. */
export const CHAIN = { leads: 0, deals: 1, won: 2, visits: 3 } as const;
export const COHORT = 4;

/** A chain and day in one small integer (day: yyyymmdd < 10⁸): chain · 10⁸ + day. */
const CHAIN_DAY = 100_000_000;

/** A path's stored text: its tuple ids joined by commas ('' = a conversion without touches). */
export function pathText(stored: readonly StoredTouch[]): string {
  let text = stored.length > 0 ? String(stored[0]![0]) : '';
  for (let i = 1; i < stored.length; i++) text += `,${stored[i]![0]}`;
  return text;
}

export class PathCounts {
  private readonly pathIndex = new Map<string, number>();
  private readonly paths: string[] = [];
  /** chainDay → path index → slot of n and value */
  private readonly slots = new Map<number, Map<number, number>>();
  private used = 0;
  private n = new Float64Array(1024);
  private value = new Float64Array(1024);

  private add(path: number, chain: number, day: number, n: number, value: number): void {
    const chainDay = chain * CHAIN_DAY + day;
    let byPath = this.slots.get(chainDay);
    if (!byPath) this.slots.set(chainDay, (byPath = new Map()));
    let s = byPath.get(path);
    if (s === undefined) {
      s = this.used++;
      byPath.set(path, s);
      if (s === this.n.length) {
        this.n = doubled(this.n);
        this.value = doubled(this.value);
      }
    }
    this.n[s]! += n;
    this.value[s]! += value;
  }

  /** Adds (sign = 1) or removes (sign = −1) one conversion, on every chain it counts in. */
  apply(c: ConvRow, stored: readonly StoredTouch[], sign: 1 | -1): void {
    const text = pathText(stored);
    let p = this.pathIndex.get(text);
    if (p === undefined) {
      p = this.paths.length;
      this.pathIndex.set(text, p);
      this.paths.push(text);
    }
    if (c.kind === 1) this.both(p, c, CHAIN.leads, c.day, 0, sign);
    else if (c.kind === 3) this.both(p, c, CHAIN.visits, c.day, c.revenue, sign);
    else {
      this.both(p, c, CHAIN.deals, c.day, 0, sign);
      if (c.won_day !== null) this.both(p, c, CHAIN.won, c.won_day, c.revenue, sign);
    }
  }

  /** The path on a chain by event day and on its cohort chain. */
  private both(path: number, c: ConvRow, chain: number, day: number, value: number, sign: 1 | -1): void {
    this.add(path, chain, day, sign, sign * value);
    this.add(path, chain + COHORT, c.cohort_day, sign, sign * value);
  }

  /** Writes the counts: into emptied tables ('replace') or added to what is there ('add'). */
  write(db: Db, mode: 'replace' | 'add'): void {
    const find = db.prepare('SELECT id FROM markov_path WHERE tuples = ?').pluck();
    const insertPath = db.prepare('INSERT INTO markov_path (tuples) VALUES (?)');
    const ids = this.paths.map((text) => {
      const id = mode === 'add' ? (find.get(text) as number | undefined) : undefined;
      return id ?? Number(insertPath.run(text).lastInsertRowid);
    });
    const rows = new PackedRows(db, 'markov_day', ['chain', 'day'], 3, 1, mode);
    const chainDays = [...this.slots.keys()].sort((a, b) => a - b);
    for (const chainDay of chainDays) {
      const day = chainDay % CHAIN_DAY;
      const chain = (chainDay - day) / CHAIN_DAY;
      const byPath = this.slots.get(chainDay)!;
      if (mode === 'replace') {
        // the table was emptied: straight from the sums, in path id order
        const list = [...byPath].map(([p, s]) => [ids[p]!, s] as const).sort((x, y) => x[0] - y[0]);
        const f = new Float64Array(list.length * 3);
        list.forEach(([id, s], i) => f.set([id, this.n[s]!, this.value[s]!], i * 3));
        rows.put(chain, day, f);
        continue;
      }
      const merged = rows.read([chain, day]);
      for (const [p, s] of byPath) PackedRows.merge(merged, String(ids[p]), [ids[p]!, this.n[s]!, this.value[s]!], 1);
      // counts are whole numbers: a path no conversion takes any more on that day goes
      rows.write([chain, day], merged, (e) => Math.abs(e[1]!) >= 0.5);
    }
  }
}

/**
 * Rows of packed float64 records of `width` fields, the first `keyFields` of them the record's key;
 * one row per `keys` value: read (in 'add' mode) into a map by record key, written back sorted by
 * it, or deleted when empty.
 */
export class PackedRows {
  private readonly get;
  private readonly putStmt;
  private readonly del;

  constructor(
    db: Db,
    table: string,
    keys: readonly string[],
    private readonly width: number,
    private readonly keyFields: number,
    private readonly mode: 'replace' | 'add',
  ) {
    const where = keys.map((k) => `${k} = ?`).join(' AND ');
    this.get = db.prepare(`SELECT counts FROM ${table} WHERE ${where}`).pluck();
    this.putStmt = db.prepare(
      `INSERT INTO ${table} (${keys.join(', ')}, counts) VALUES (${keys.map(() => '?').join(', ')}, ?) ON CONFLICT (${keys.join(', ')}) DO UPDATE SET counts = excluded.counts`,
    );
    this.del = db.prepare(`DELETE FROM ${table} WHERE ${where}`);
  }

  /** The stored records by key (nothing in 'replace' mode: the table was emptied). */
  recordKey(r: ArrayLike<number>): string {
    let k = String(r[0]);
    for (let i = 1; i < this.keyFields; i++) k += `,${r[i]}`;
    return k;
  }

  read(key: readonly number[]): Map<string, number[]> {
    const out = new Map<string, number[]>();
    if (this.mode === 'replace') return out;
    const blob = this.get.get(...key) as Buffer | undefined;
    if (!blob) return out;
    const f = unpack(blob);
    for (let i = 0; i < f.length; i += this.width) {
      const r = Array.from(f.subarray(i, i + this.width));
      out.set(this.recordKey(r), r);
    }
    return out;
  }

  /** Adds `add` (a full record) to the record of the same key. */
  static merge(records: Map<string, number[]>, key: string, add: number[], keyFields: number): void {
    const m = records.get(key);
    if (!m) records.set(key, add);
    else for (let i = keyFields; i < add.length; i++) m[i]! += add[i]!;
  }

  write(key: readonly number[], records: Map<string, number[]>, keep: (r: number[]) => boolean): void {
    const order = (a: number[], b: number[]) => {
      for (let i = 0; i < this.keyFields; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
      return 0;
    };
    const list = [...records.values()].filter(keep).sort(order);
    if (list.length === 0) {
      if (this.mode === 'add') this.del.run(...key);
      return;
    }
    const f = new Float64Array(list.length * this.width);
    list.forEach((r, i) => f.set(r, i * this.width));
    this.put(...key, f);
  }

  /** Stores a row's records as they are. */
  put(...args: [...number[], Float64Array]): void {
    const f = args.pop() as Float64Array;
    this.putStmt.run(...(args as number[]), Buffer.from(f.buffer, f.byteOffset, f.byteLength));
  }
}

/** A packed blob as float64s (copied when SQLite's buffer is not 8-byte aligned). */
export function unpack(blob: Uint8Array): Float64Array {
  if (blob.byteOffset % 8 === 0) return new Float64Array(blob.buffer, blob.byteOffset, blob.byteLength / 8);
  return new Float64Array(new Uint8Array(blob).buffer);
}
