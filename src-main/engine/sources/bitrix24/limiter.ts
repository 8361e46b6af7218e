// Client-side limits mirroring the portal (reference/bitrix24.md §8.1, §8.2, §13.1, §8.4):
// - LeakyBucket: the server's request counter (burst X, drains Y/s) seen from our side. One HTTP
//   request = one token (a batch too). Callers are served strictly in FIFO order.
// - OperatingBudget: per-method execution seconds over the rolling 10 minutes, read from
//   `time.operating` / `operating_reset_at` (batch sub-calls from `result_time`). Slows a method
//   down above 80 % of the limit and parks it until its reset at the limit.
// Clock and sleep are injected so tests run the policies on virtual time.
import { cancelledError, type Clock } from '../clock';
import type { B24Time } from './api-types';

export { cancelledError, realClock, sleep, type Clock } from '../clock';

export interface RateLimit {
  burst: number;
  rps: number;
}

/** §8.1: Enterprise 250 / 5 per s; every other plan 50 / 2 per s. */
export const RATE_LIMITS: Record<'standard' | 'enterprise', RateLimit> = {
  standard: { burst: 50, rps: 2 },
  enterprise: { burst: 250, rps: 5 },
};

export class LeakyBucket {
  private tokens: number;
  private at: number;
  private tail: Promise<void> = Promise.resolve();
  readonly capacity: number;

  /**
   * `headroom` tokens are never used: the server counts our requests on arrival, we count them
   * on departure, and one spare slot absorbs the jitter between the two clocks.
   */
  constructor(
    readonly limit: RateLimit,
    private readonly clock: Clock,
    headroom = 1,
  ) {
    this.capacity = Math.max(1, limit.burst - headroom);
    this.tokens = this.capacity;
    this.at = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.at) {
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.at) / 1000) * this.limit.rps);
      this.at = now;
    }
  }

  /** Tokens available now (for tests and progress). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Waits for a token; callers are served one at a time in arrival order. */
  take(signal?: AbortSignal): Promise<void> {
    const run = this.tail.then(() => this.acquire(signal));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw cancelledError();
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.limit.rps) * 1000), signal);
    }
  }

  /** The server said QUERY_LIMIT_EXCEEDED: its counter is full, so ours is empty. */
  drain(): void {
    this.refill();
    this.tokens = 0;
  }
}

interface MethodBudget {
  operating: number;
  /** ms; null when the portal did not send operating_reset_at */
  resetAt: number | null;
  seenAt: number;
  blockedUntil: number;
}

/** SDK constants (§13.1): a stored value is stale after 10 min + 10 s; park 5 s below the limit. */
const STALE_MS = 610_000;
const PARK_MARGIN_S = 5;
const PARK_MARGIN_SHARE = 0.01;
const SLOW_SHARE = 0.8;
const SLOW_CAP_MS = 7_000;

export class OperatingBudget {
  private readonly methods = new Map<string, MethodBudget>();

  constructor(
    private readonly clock: Clock,
    /** seconds per method per 10 minutes; 480 is the cloud example, not a guarantee (§15.16) */
    readonly limitSec = 480,
    /** shortest wait after a 429 (§8.4: max(10 s, time to reset)) */
    readonly minBlockMs = 10_000,
  ) {}

  /** Remembers a successful answer's timing for `method` (callers pass the max over batch sub-calls). */
  record(method: string, time: B24Time | undefined): void {
    if (!time || typeof time.operating !== 'number' || !Number.isFinite(time.operating)) return;
    const now = this.clock.now();
    const resetAt = typeof time.operating_reset_at === 'number' ? time.operating_reset_at * 1000 : null;
    const prev = this.methods.get(method);
    this.methods.set(method, {
      operating: time.operating,
      resetAt: resetAt ?? prev?.resetAt ?? null,
      seenAt: now,
      blockedUntil: prev?.blockedUntil ?? 0,
    });
  }

  /** 429 OPERATION_TIME_LIMIT: errors carry no timing, so wait for the last known reset, ≥ 10 s. */
  block(method: string): number {
    const now = this.clock.now();
    const e = this.methods.get(method);
    const reset = e?.resetAt && e.resetAt > now ? e.resetAt + 1000 : 0;
    const until = Math.max(now + this.minBlockMs, reset);
    this.methods.set(method, { operating: 0, resetAt: e?.resetAt ?? null, seenAt: now, blockedUntil: until });
    return until - now;
  }

  /** How long a call of these methods should wait now, and why. */
  delay(methods: readonly string[]): { ms: number; reason: 'parked' | 'slowed' | null } {
    const now = this.clock.now();
    const limit = this.limitSec;
    let ms = 0;
    let reason: 'parked' | 'slowed' | null = null;
    for (const m of methods) {
      const e = this.methods.get(m);
      if (!e) continue;
      if (e.blockedUntil > now) {
        if (e.blockedUntil - now > ms) [ms, reason] = [e.blockedUntil - now, 'parked'];
        continue;
      }
      if (now - e.seenAt > STALE_MS) {
        this.methods.delete(m);
        continue;
      }
      if (e.operating >= limit - Math.min(PARK_MARGIN_S, limit * PARK_MARGIN_SHARE)) {
        // at the limit: park the method until its oldest minute drops out (+1 s), or 5 s if past
        e.blockedUntil = e.resetAt !== null && e.resetAt > now ? e.resetAt + 1000 : now + 5000;
        e.operating = 0;
        if (e.blockedUntil - now > ms) [ms, reason] = [e.blockedUntil - now, 'parked'];
      } else if (e.operating >= SLOW_SHARE * limit) {
        const share = (e.operating - SLOW_SHARE * limit) / ((1 - SLOW_SHARE) * limit);
        const toReset = e.resetAt !== null && e.resetAt > now ? e.resetAt - now : 60_000;
        const slow = Math.min(SLOW_CAP_MS, Math.ceil(toReset * share));
        if (slow > ms) [ms, reason] = [slow, reason === 'parked' ? 'parked' : 'slowed'];
      }
    }
    return { ms, reason };
  }

  /** Last recorded seconds for a method (tests, diagnostics). */
  operating(method: string): number | null {
    return this.methods.get(method)?.operating ?? null;
  }
}
