// Progress of full attribution recomputes, for whoever shows it (the engine forwards it to the
// window as `attribution:progress`): a full recompute of a large workspace takes tens of seconds,
// whichever call brings it about.
import type { Db } from '../db/open';

export interface AttributionProgress {
  done: number;
  total: number;
  finished: boolean;
}

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
