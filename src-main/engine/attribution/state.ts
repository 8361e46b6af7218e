// What the rest of the engine observes of attribution on a database, without importing the
// materialiser: its generation (a cache key for results derived from the conversion table) and
// the progress of full recomputes (forwarded to the window as `attribution:progress`: a full
// recompute of a large workspace takes tens of seconds, whichever call brings it about).
import type { EventPayloads } from '@shared/contract';
import type { Db } from '../db/open';

const generations = new WeakMap<Db, number>();

/**
 * Changes whenever this process recomputes attribution on `db` (full or incremental), so that
 * results derived from the conversion table can be cached until then (Markov, filtered reports).
 */
export function attributionGeneration(db: Db): number {
  return generations.get(db) ?? 0;
}

export function bumpGeneration(db: Db): void {
  generations.set(db, attributionGeneration(db) + 1);
}

/** The event's payload: conversions done of total, `finished` once at the end. */
export type AttributionProgress = EventPayloads['attribution:progress'];

const hooks = new WeakMap<Db, (p: AttributionProgress) => void>();

/** Where full recomputes on `db` report progress (null: nowhere). */
export function onAttributionProgress(db: Db, hook: ((p: AttributionProgress) => void) | null): void {
  if (hook) hooks.set(db, hook);
  else hooks.delete(db);
}

export function attributionProgressHook(db: Db): ((p: AttributionProgress) => void) | undefined {
  return hooks.get(db);
}

/** At most a few progress reports a second (each one is an event to the window). */
export function throttled(hook: (p: AttributionProgress) => void, everyMs = 200): (done: number, total: number) => void {
  let last = -Infinity;
  return (done, total) => {
    const now = performance.now();
    if (now - last < everyMs) return;
    last = now;
    hook({ done, total, finished: false });
  };
}
