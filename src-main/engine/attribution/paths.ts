// Converting paths for the Markov model, materialised (issue 17; migration 0009): per metric chain
// and day, the number of conversions of each distinct path (tuple ids at the finest grouping) and
// their value. Accumulated conversion by conversion (added or removed) beside the rollups, and
// written in one pass. A Markov report sums a period's days and projects the paths to its grouping.
import type { Db } from '../db/open';
import type { ConvRow, StoredTouch } from './rollups';

/** Metric chains: leads, deals, won, visits by event day (won by its won day); +COHORT: by cohort day. */
export const CHAIN = { leads: 0, deals: 1, won: 2, visits: 3 } as const;
export const COHORT = 4;

/** A chain and day in one small integer (day: yyyymmdd < 10⁸): chain · 10⁸ + day. */
const CHAIN_DAY = 100_000_000;

/** A path's stored text: its tuple ids joined by commas ('' = a conversion without touches). */
export const pathText = (stored: readonly StoredTouch[]): string => stored.map((t) => t[0]).join(',');

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

  /** Writes the counts: into emptied tables ('replace', in primary-key order) or added to what is there ('add'). */
  write(db: Db, mode: 'replace' | 'add'): void {
    const find = db.prepare('SELECT id FROM markov_path WHERE tuples = ?').pluck();
    const insertPath = db.prepare('INSERT INTO markov_path (tuples) VALUES (?)');
    const ids = this.paths.map((text) => {
      const id = mode === 'add' ? (find.get(text) as number | undefined) : undefined;
      return id ?? Number(insertPath.run(text).lastInsertRowid);
    });
    // one row per statement: a statement of several rows needs a statement journal, whose cost
    // at the end of a full recompute's transaction (gigabytes written) is quadratic in practice
    // (the large demo: 6 minutes instead of seconds)
    const one = db.prepare(
      'INSERT INTO markov_day (chain, day, path_id, n, value) VALUES (?, ?, ?, ?, ?)' +
        (mode === 'add' ? ' ON CONFLICT (chain, day, path_id) DO UPDATE SET n = n + excluded.n, value = value + excluded.value' : ''),
    );
    // counts are whole numbers: a path no conversion takes any more on that day goes
    const prune = db.prepare('DELETE FROM markov_day WHERE chain = ? AND day = ? AND path_id = ? AND abs(n) < 0.5');
    // replace: in primary-key order (chain, day, path id)
    const chainDays = [...this.slots.keys()];
    if (mode === 'replace') chainDays.sort((a, b) => a - b);
    for (const chainDay of chainDays) {
      const day = chainDay % CHAIN_DAY;
      const chain = (chainDay - day) / CHAIN_DAY;
      const byPath = [...this.slots.get(chainDay)!].map(([p, s]) => [ids[p]!, s] as const);
      if (mode === 'replace') byPath.sort((a, b) => a[0] - b[0]);
      for (const [id, s] of byPath) {
        if (mode === 'replace' && this.n[s] === 0) continue;
        one.run(chain, day, id, this.n[s], this.value[s]);
        if (mode === 'add') prune.run(chain, day, id);
      }
    }
  }
}
