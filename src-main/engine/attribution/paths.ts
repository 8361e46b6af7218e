// Converting paths for the Markov model, materialised (issue 17; migration 0009): per metric chain
// and day, the number of conversions of each distinct path (tuple ids at the finest grouping) and
// their value. Accumulated conversion by conversion (added or removed) beside the rollups, and
// written in one pass. A Markov report sums a period's days and projects the paths to its grouping.
import type { Db } from '../db/open';
import type { ConvRow, StoredTouch } from './rollups';

/** Metric chains: leads, deals, won, visits by event day (won by its won day); +COHORT: by cohort day. */
export const CHAIN = { leads: 0, deals: 1, won: 2, visits: 3 } as const;
export const COHORT = 4;

/** A chain and day in one number (day: yyyymmdd < 10⁸), then the path: key = path · 10⁹ + chainDay. */
const CHAIN_DAY = 100_000_000;
const PATH = 1_000_000_000;
const MAX_PATHS = Math.floor(Number.MAX_SAFE_INTEGER / PATH);

/** A path's stored text: its tuple ids joined by commas ('' = a conversion without touches). */
export const pathText = (stored: readonly StoredTouch[]): string => stored.map((t) => t[0]).join(',');

export class PathCounts {
  private readonly pathIndex = new Map<string, number>();
  private readonly paths: string[] = [];
  private readonly slots = new Map<number, number>();
  private n = new Float64Array(1024);
  private value = new Float64Array(1024);

  private add(path: number, chain: number, day: number, n: number, value: number): void {
    const k = path * PATH + chain * CHAIN_DAY + day;
    let s = this.slots.get(k);
    if (s === undefined) {
      s = this.slots.size;
      this.slots.set(k, s);
      if (s === this.n.length) {
        const grow = (a: Float64Array) => {
          const b = new Float64Array(a.length * 2);
          b.set(a);
          return b;
        };
        this.n = grow(this.n);
        this.value = grow(this.value);
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
      if (p >= MAX_PATHS) throw new RangeError(`more than ${MAX_PATHS} distinct Markov paths`);
      this.pathIndex.set(text, p);
      this.paths.push(text);
    }
    const both = (chain: number, day: number, value: number) => {
      this.add(p, chain, day, sign, sign * value);
      this.add(p, chain + COHORT, c.cohort_day, sign, sign * value);
    };
    if (c.kind === 1) both(CHAIN.leads, c.day, 0);
    else if (c.kind === 3) both(CHAIN.visits, c.day, c.revenue);
    else {
      both(CHAIN.deals, c.day, 0);
      if (c.won_day !== null) both(CHAIN.won, c.won_day, c.revenue);
    }
  }

  /** Writes the counts: into emptied tables ('replace') or added to what is there ('add'). */
  write(db: Db, mode: 'replace' | 'add'): void {
    const find = db.prepare('SELECT id FROM markov_path WHERE tuples = ?').pluck();
    const insertPath = db.prepare('INSERT INTO markov_path (tuples) VALUES (?)');
    const ids = this.paths.map((text) => {
      const id = mode === 'add' ? (find.get(text) as number | undefined) : undefined;
      return id ?? Number(insertPath.run(text).lastInsertRowid);
    });
    const up = db.prepare(
      mode === 'replace'
        ? 'INSERT INTO markov_day (chain, day, path_id, n, value) VALUES (?, ?, ?, ?, ?)'
        : `INSERT INTO markov_day (chain, day, path_id, n, value) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (chain, day, path_id) DO UPDATE SET n = n + excluded.n, value = value + excluded.value`,
    );
    // counts are whole numbers: a path no conversion takes any more on that day goes
    const prune = db.prepare('DELETE FROM markov_day WHERE chain = ? AND day = ? AND path_id = ? AND abs(n) < 0.5');
    const rows: [number, number, number, number][] = [];
    for (const [k, s] of this.slots) {
      const chainDay = k % PATH;
      const day = chainDay % CHAIN_DAY;
      rows.push([(chainDay - day) / CHAIN_DAY, day, ids[(k - chainDay) / PATH]!, s]);
    }
    // replace: in primary-key order
    if (mode === 'replace') rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    for (const [chain, day, id, s] of rows) {
      if (mode === 'replace' && this.n[s] === 0) continue;
      up.run(chain, day, id, this.n[s], this.value[s]);
      if (mode === 'add') prune.run(chain, day, id);
    }
  }
}
