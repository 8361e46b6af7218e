// Sums of attribution weights per (model, day, tuple) — the rollup and rollup_cohort tables —
// accumulated conversion by conversion (added or removed) and written in one pass.
import type { Db } from '../db/open';
import { CLASSIC_MODELS, weightsFor, type ClassicModel, type Touch } from './models';

/** Indices into a rollup accumulator row. */
const LEADS = 0;
const DEALS = 1;
const WON = 2;
const REVENUE = 3;
const VISITS = 4;
const VISIT_REVENUE = 5;
const WIDTH = 6;

/** (tupleId, at, direct) in canonical order */
export type StoredTouch = [number, number, 0 | 1];

export interface ConvRow {
  kind: number;
  ref_id: number;
  at: number;
  day: number;
  won_day: number | null;
  cohort_day: number;
  revenue: number;
  touches: string;
}

const MODELS_N = CLASSIC_MODELS.length;
/** tuple ids below this fit a rollup key (city, device and landing make many more tuples) */
const TUPLES = 67_108_864;
/** Per (day, tuple): WIDTH sums for each model, then a bit mask of the models that touched it. */
const SLOTS = MODELS_N * WIDTH;

/**
 * Sums per (model, day, tuple). One Float64Array per (day, tuple) holds every model's sums, so a
 * conversion costs one map lookup per touch and day rather than one per model. Each model's sums
 * receive the same additions in the same order as with one array per (model, day, tuple).
 */
export class Rollups {
  readonly event = new Map<number, Float64Array>();
  readonly cohort = new Map<number, Float64Array>();

  /** day × 2^26 + tuple: exact below 2^53 for days up to 9999-12-31 and 67 M tuples */
  private static key(day: number, tuple: number): number {
    return day * TUPLES + tuple;
  }

  static unkey(k: number): [number, number] {
    const tuple = k % TUPLES;
    return [(k - tuple) / TUPLES, tuple];
  }

  private row(map: Map<number, Float64Array>, day: number, tuple: number): Float64Array {
    const k = Rollups.key(day, tuple);
    let r = map.get(k);
    if (!r) map.set(k, (r = new Float64Array(SLOTS + 1)));
    return r;
  }

  /** Adds (sign = 1) or removes (sign = −1) one conversion's contributions for every model. */
  apply(c: ConvRow, stored: StoredTouch[], sign: 1 | -1): void {
    if (stored.length <= 1) {
      // every model gives the only touch (or the unattributed row) weight 1
      const tuple = stored.length === 0 ? 0 : stored[0]![0];
      const ev = this.row(this.event, c.day, tuple);
      const co = this.row(this.cohort, c.cohort_day, tuple);
      const won = c.kind === 2 && c.won_day !== null ? this.row(this.event, c.won_day, tuple) : null;
      for (let m = 0; m < MODELS_N; m++) this.add(c, m, sign, ev, co, won);
      return;
    }
    const perModel = weightsPerModel(stored, c.at);
    for (let m = 0; m < MODELS_N; m++) {
      for (const [tuple, w0] of perModel[m]!) {
        const ev = this.row(this.event, c.day, tuple);
        const co = this.row(this.cohort, c.cohort_day, tuple);
        const won = c.kind === 2 && c.won_day !== null ? this.row(this.event, c.won_day, tuple) : null;
        this.add(c, m, sign * w0, ev, co, won);
      }
    }
  }

  private add(c: ConvRow, m: number, w: number, ev: Float64Array, co: Float64Array, won: Float64Array | null): void {
    const o = m * WIDTH;
    const bit = 1 << m;
    ev[SLOTS] = (ev[SLOTS]! | bit) as number;
    co[SLOTS] = (co[SLOTS]! | bit) as number;
    if (c.kind === 3) {
      ev[o + VISITS]! += w;
      ev[o + VISIT_REVENUE]! += w * c.revenue;
      co[o + VISITS]! += w;
      co[o + VISIT_REVENUE]! += w * c.revenue;
      return;
    }
    if (c.kind !== 2) {
      ev[o + LEADS]! += w;
      co[o + LEADS]! += w;
      return;
    }
    ev[o + DEALS]! += w;
    co[o + DEALS]! += w;
    if (won) {
      won[SLOTS] = (won[SLOTS]! | bit) as number;
      won[o + WON]! += w;
      won[o + REVENUE]! += w * c.revenue;
      co[o + WON]! += w;
      co[o + REVENUE]! += w * c.revenue;
    }
  }

  /** Writes the sums: into emptied tables ('replace') or added to what is there ('add'). */
  write(db: Db, mode: 'replace' | 'add'): void {
    for (const [table, map] of [
      ['rollup', this.event],
      ['rollup_cohort', this.cohort],
    ] as const) {
      const up = db.prepare(
        mode === 'replace'
          ? `INSERT INTO ${table} (model, day, tuple_id, leads, deals, won, revenue, visits, visit_revenue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
          : `INSERT INTO ${table} (model, day, tuple_id, leads, deals, won, revenue, visits, visit_revenue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (model, day, tuple_id) DO UPDATE SET leads = leads + excluded.leads, deals = deals + excluded.deals,
               won = won + excluded.won, revenue = revenue + excluded.revenue,
               visits = visits + excluded.visits, visit_revenue = visit_revenue + excluded.visit_revenue`,
      );
      const prune = db.prepare(
        `DELETE FROM ${table} WHERE model = ? AND day = ? AND tuple_id = ?
           AND abs(leads) < 1e-9 AND abs(deals) < 1e-9 AND abs(won) < 1e-9 AND abs(revenue) < 1e-6
           AND abs(visits) < 1e-9 AND abs(visit_revenue) < 1e-6`,
      );
      // replace: the table was emptied; insert in primary-key order (model, day, tuple)
      const keys = [...map.keys()];
      if (mode === 'replace') keys.sort((a, b) => a - b);
      for (let m = 0; m < MODELS_N; m++) {
        const bit = 1 << m;
        const o = m * WIDTH;
        for (const k of keys) {
          const v = map.get(k)!;
          if ((v[SLOTS]! & bit) === 0) continue; // this model put nothing here
          if (mode === 'replace') {
            let zero = true;
            for (let i = o; i < o + WIDTH; i++) if (Math.abs(v[i]!) >= 1e-12) zero = false;
            if (zero) continue;
          }
          const [day, tuple] = Rollups.unkey(k);
          up.run(m, day, tuple, v[o + LEADS], v[o + DEALS], v[o + WON], v[o + REVENUE], v[o + VISITS], v[o + VISIT_REVENUE]);
          if (mode === 'add') prune.run(m, day, tuple);
        }
      }
    }
  }
}

/** Weights per model as [tupleId, weight] pairs; tuple 0 = unattributed. */
function weightsPerModel(stored: StoredTouch[], at: number): [number, number][][] {
  if (stored.length === 0) return CLASSIC_MODELS.map(() => [[0, 1]]);
  if (stored.length === 1) return CLASSIC_MODELS.map(() => [[stored[0]![0], 1]]);
  const touches = asTouches(stored);
  return CLASSIC_MODELS.map((model) => {
    const w = weightsFor(model, touches, at);
    const out: [number, number][] = [];
    w.forEach((x, i) => {
      if (x > 0) out.push([stored[i]![0], x]);
    });
    return out;
  });
}

/** One model's weights of a stored conversion as [tupleId, weight]; tuple 0 = unattributed. */
export function storedWeights(model: ClassicModel, stored: StoredTouch[], at: number): [number, number][] {
  if (stored.length === 0) return [[0, 1]];
  if (stored.length === 1) return [[stored[0]![0], 1]];
  const w = weightsFor(model, asTouches(stored), at);
  const out: [number, number][] = [];
  w.forEach((x, i) => {
    if (x > 0) out.push([stored[i]![0], x]);
  });
  return out;
}

function asTouches(stored: StoredTouch[]): Touch[] {
  return stored.map(([, t, d], i) => ({
    id: i,
    at: t,
    kind: 'call',
    source: null,
    medium: null,
    campaign: null,
    content: null,
    term: null,
    direct: d === 1,
  }));
}

