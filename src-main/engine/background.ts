// Background work of the open workspace while the app runs (the engine worker starts it; the CLI
// and tests do not): the sync schedule (issue 4 §6), the visits outbox sender (issue 7: nothing
// waits for a button — a saved visit goes out within seconds and failures are retried when due)
// and any further periodic job (scheduled exports). Each job starts when a workspace opens and
// stops before it closes.
import type { Workspace } from './workspace';
import { createLogger } from './log';

export interface BackgroundJob {
  readonly name: string;
  /** A workspace was opened: plan timers for it. */
  start(ws: Workspace): void;
  /** The workspace is about to close or the engine stops: clear timers, let work in flight end. */
  stop(): Promise<void> | void;
  /** Something relevant changed (settings saved, network back, a record queued): look again now. */
  poke?(reason: string): void;
}

const log = createLogger('background');

export class Background {
  private readonly jobs: BackgroundJob[] = [];
  private ws: Workspace | null = null;
  private enabled = false;

  add(job: BackgroundJob): void {
    this.jobs.push(job);
    if (this.enabled && this.ws) this.safely(job, 'start', () => job.start(this.ws as Workspace));
  }

  /** Turns background work on (the app) for the current and every later workspace. */
  enable(ws: Workspace | null): void {
    this.enabled = true;
    if (ws) this.open(ws);
  }

  open(ws: Workspace): void {
    this.ws = ws;
    if (!this.enabled) return;
    for (const job of this.jobs) this.safely(job, 'start', () => job.start(ws));
  }

  async close(): Promise<void> {
    this.ws = null;
    await Promise.all(this.jobs.map(async (job) => {
      try {
        await job.stop();
      } catch (err) {
        log.error(`${job.name}: остановка`, err);
      }
    }));
  }

  poke(reason: string): void {
    if (!this.enabled || !this.ws) return;
    for (const job of this.jobs) if (job.poke) this.safely(job, 'poke', () => job.poke?.(reason));
  }

  private safely(job: BackgroundJob, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      log.error(`${job.name}: ${what}`, err);
    }
  }
}

/** Timers that do not keep a Node process (the CLI, tests) alive. */
export function unrefTimeout(fn: () => void, ms: number): NodeJS.Timeout {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return t;
}
