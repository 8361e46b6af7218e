// A period's Markov inputs at the finest grouping, summed from the daily counts (issue 17): per
// metric chain the conversions and value of each path, and the non-converting transitions. Read
// as one packed row per day (migration 0010) and summed here; kept per period and basis until
// attribution changes, so another grouping of the same period only projects and solves.
import type { Db } from '../db/open';
import { attributionGeneration } from '../attribution/state';
import { CHAIN, COHORT, unpack } from '../attribution/paths';
import type { Metric } from './markov';

export interface PathSums {
  /** paths as tuple ids ([] = no touches) */
  path: number[][];
  n: number[];
  value: number[];
}

/** A non-converting transition at the finest grouping: prev_tuple → tuple (follows), START → tuple otherwise; `ends`: then → NULL. */
export interface NullSums {
  follows: Uint8Array;
  ends: Uint8Array;
  prev: Int32Array;
  tuple: Int32Array;
  n: Float64Array;
  size: number;
}

export interface PeriodSums {
  paths: Record<Metric, PathSums>;
  /** null: the non-converting paths are not counted (see orphan-paths.ts) */
  nulls: NullSums | null;
}

const CACHE_ENTRIES = 8;
const cache = new WeakMap<Db, { key: string; texts: string[]; periods: Map<string, PeriodSums> }>();

function pathSums(db: Db, texts: string[], chain: number, a: number, b: number): PathSums {
  const n = new Float64Array(texts.length);
  const value = new Float64Array(texts.length);
  const flag = new Uint8Array(texts.length);
  const seen: number[] = [];
  const rows = db.prepare('SELECT counts FROM markov_day WHERE chain = ? AND day BETWEEN ? AND ?').pluck();
  for (const blob of rows.iterate(chain, a, b) as IterableIterator<Uint8Array>) {
    const f = unpack(blob);
    for (let i = 0; i < f.length; i += 3) {
      const id = f[i]!;
      if (flag[id] === 0) {
        flag[id] = 1;
        seen.push(id);
      }
      n[id]! += f[i + 1]!;
      value[id]! += f[i + 2]!;
    }
  }
  // in path id order, as one GROUP BY path_id would give them
  seen.sort((x, y) => x - y);
  const out: PathSums = { path: [], n: [], value: [] };
  for (const id of seen) {
    if (n[id] === 0) continue;
    const text = texts[id]!;
    out.path.push(text === '' ? [] : text.split(',').map(Number));
    out.n.push(n[id]!);
    out.value.push(value[id]!);
  }
  return out;
}

function nullSums(db: Db, a: number, b: number): NullSums {
  const slots = new Map<number, number>();
  const acc: number[][] = [];
  const rows = db.prepare('SELECT counts FROM markov_null WHERE day BETWEEN ? AND ?').pluck();
  const add = (prevDay: number, nextDay: number, prev: number, tuple: number, k: number): void => {
    const follows = prevDay >= a ? 1 : 0;
    const ends = nextDay > b ? 1 : 0;
    // tuple ids are below 2²⁰ (as in the rollups' keys)
    const key = ((follows * 2 + ends) * 1_048_576 + (follows ? prev : 0)) * 1_048_576 + tuple;
    let s = slots.get(key);
    if (s === undefined) {
      s = acc.length;
      slots.set(key, s);
      acc.push([follows, ends, follows ? prev : 0, tuple, 0]);
    }
    acc[s]![4]! += k;
  };
  for (const blob of rows.iterate(a, b) as IterableIterator<Uint8Array>) {
    const f = unpack(blob);
    for (let i = 0; i < f.length; i += 5) add(f[i]!, f[i + 1]!, f[i + 2]!, f[i + 3]!, f[i + 4]!);
  }
  const size = acc.length;
  const out: NullSums = { follows: new Uint8Array(size), ends: new Uint8Array(size), prev: new Int32Array(size), tuple: new Int32Array(size), n: new Float64Array(size), size };
  acc.forEach(([f, e, p, t, k], i) => {
    out.follows[i] = f!;
    out.ends[i] = e!;
    out.prev[i] = p!;
    out.tuple[i] = t!;
    out.n[i] = k!;
  });
  return out;
}

/** The period's sums on `basis`, from the cache when attribution has not changed since. */
export function periodSums(db: Db, basis: 'event' | 'cohort', a: number, b: number, withNulls: boolean): PeriodSums {
  const key = `${attributionGeneration(db)}:${db.pragma('data_version', { simple: true }) as number}`;
  let c = cache.get(db);
  if (c?.key !== key) {
    const texts: string[] = [];
    for (const [id, t] of db.prepare('SELECT id, tuples FROM markov_path').raw(true).iterate() as IterableIterator<[number, string]>) texts[id] = t;
    c = { key, texts, periods: new Map() };
    cache.set(db, c);
  }
  const pk = `${basis}:${a}:${b}:${withNulls}`;
  const hit = c.periods.get(pk);
  if (hit) {
    c.periods.delete(pk);
    c.periods.set(pk, hit);
    return hit;
  }
  const offset = basis === 'cohort' ? COHORT : 0;
  const texts = c.texts;
  const paths = Object.fromEntries((Object.keys(CHAIN) as Metric[]).map((m) => [m, pathSums(db, texts, CHAIN[m] + offset, a, b)])) as Record<Metric, PathSums>;
  const sums = { paths, nulls: withNulls ? nullSums(db, a, b) : null };
  c.periods.set(pk, sums);
  while (c.periods.size > CACHE_ENTRIES) c.periods.delete(c.periods.keys().next().value!);
  return sums;
}
