// Pacing for Calltouch traffic. Calltouch allows ≤ 5 requests per second from one IP and answers
// 429 beyond that (reference/calltouch.md §1.4); every request of the process — all sites, both
// journals, the connection test — goes through ONE limiter at 4 rps, leaving headroom for clock
// jitter. Requests are spaced evenly (no bursts): a per-IP sliding window never sees more than
// ⌈rps⌉ requests in any second. A 429 pauses the whole limiter, not just the stream that met it.
import { cancelledError, realClock, type Clock } from '../clock';

/** Time source and sleep, injectable so tests run without waiting. */
export type CtClock = Clock;
export { cancelledError };

export const systemClock: CtClock = realClock;

export class RateLimiter {
  /** earliest instant the next request may start */
  private nextAt = 0;
  private pausedUntil = 0;
  private intervalMs: number;
  /** requests let through (all streams) */
  granted = 0;

  constructor(
    rps: number,
    private readonly clock: CtClock = systemClock,
  ) {
    this.intervalMs = 1000 / rps;
  }

  get rps(): number {
    return 1000 / this.intervalMs;
  }

  /** Waits for this caller's slot. Slots are handed out in call order. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw cancelledError();
      const now = this.clock.now();
      const at = Math.max(now, this.nextAt, this.pausedUntil);
      this.nextAt = at + this.intervalMs;
      if (at > now) await this.clock.sleep(at - now, signal);
      // a 429 seen by another stream while we slept pushes us behind the pause
      if (this.clock.now() >= this.pausedUntil) break;
    }
    this.granted++;
  }

  /** Holds every caller back for `ms` (after a 429 with or without Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }
}

/** The one limiter all Calltouch traffic of this process shares (4 rps; the API allows 5). */
export const CALLTOUCH_RPS = 4;
let shared: RateLimiter | null = null;

export function sharedCalltouchLimiter(): RateLimiter {
  shared ??= new RateLimiter(CALLTOUCH_RPS);
  return shared;
}
