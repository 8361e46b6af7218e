// Background sync schedule of one open workspace (issue 4 item 6): every `intervalMinutes`
// (settings.sync.intervalMinutes, default 15; 0 = off) while online. Offline → no attempt, the
// network is probed again every minute and the overdue sync runs as soon as it is back. Never two
// syncs of one workspace at once: while any sync runs (manual ones too — `busy()`), the schedule
// waits; the next one is due `interval` after the later of its own last run's end and the last
// success. A failed run is retried after the interval, not at once.
//
//   const schedule = new SyncScheduler({
//     intervalMinutes: () => ws.settings.sync.intervalMinutes,
//     online: () => net.isOnline(),              // or dnsOnline()
//     busy: () => engine.sync.running,
//     lastSyncAt: () => lastSuccess(ws),
//     run: async () => (await engine.sync.start(ws, { full: false })).done,
//   });
//   schedule.start();  …  schedule.poke() on 'online' / settings change  …  schedule.stop();
import { lookup } from 'node:dns/promises';
import { createLogger, type Logger } from '../log';

export interface ScheduleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemScheduleClock: ScheduleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SyncScheduleOptions {
  /** minutes between syncs, read afresh each time (0 = schedule off) */
  intervalMinutes: () => number;
  /** is the network up? */
  online: () => boolean | Promise<boolean>;
  /** one sync; resolves (or rejects) when it has ended */
  run: () => Promise<unknown>;
  /** true while any sync of this workspace runs (a manual one included) */
  busy?: () => boolean;
  /** epoch ms of the last successful sync (sync_status), if any */
  lastSyncAt?: () => number | null;
  /** while offline, probe again after this long (default 60 s) */
  offlineRetryMs?: number;
  /** while another sync runs, look again after this long (default 30 s) */
  busyRetryMs?: number;
  clock?: ScheduleClock;
  log?: Logger;
}

export type ScheduleState = 'stopped' | 'off' | 'waiting' | 'offline' | 'running';

export class SyncScheduler {
  private timer: unknown = null;
  private stateValue: ScheduleState = 'stopped';
  private lastRunEnd: number | null = null;
  private inflight: Promise<void> | null = null;
  private dueAt: number | null = null;
  /** a run found the database locked by another process: try again at this instant */
  private retryAt: number | null = null;
  private readonly clock: ScheduleClock;
  private readonly log: Logger;
  /** scheduled runs started (for the data-health page and tests) */
  runs = 0;

  constructor(private readonly o: SyncScheduleOptions) {
    this.clock = o.clock ?? systemScheduleClock;
    this.log = o.log ?? createLogger('schedule');
  }

  get state(): ScheduleState {
    return this.stateValue;
  }

  /** when the next attempt is planned (epoch ms), or null */
  get nextAt(): number | null {
    return this.dueAt;
  }

  start(): void {
    if (this.stateValue !== 'stopped') return;
    this.stateValue = 'waiting';
    this.arm();
  }

  /** Stops planning; a run already under way is not cancelled (cancel it through the sync manager). */
  stop(): void {
    this.stateValue = 'stopped';
    this.clear();
  }

  /** Resolves when no scheduled run is in flight. */
  async idle(): Promise<void> {
    await this.inflight;
  }

  /**
   * The last run (scheduled or manual) found the database locked by another process: try again
   * after `ms` rather than after the whole interval.
   */
  retrySoon(ms: number): void {
    this.retryAt = this.clock.now() + ms;
    if (this.stateValue === 'stopped' || this.inflight) return;
    this.arm();
  }

  /** Look again now: the network came back, the interval changed, a manual sync ended. */
  poke(): void {
    if (this.stateValue === 'stopped' || this.inflight) return;
    this.clear();
    void this.tick();
  }

  private isStopped(): boolean {
    return this.stateValue === 'stopped';
  }

  private intervalMs(): number {
    const m = this.o.intervalMinutes();
    return Number.isFinite(m) && m > 0 ? m * 60_000 : 0;
  }

  private clear(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = null;
  }

  private at(when: number): void {
    this.clear();
    this.dueAt = when;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, Math.max(0, when - this.clock.now()));
  }

  /** next due instant: interval after the later of our last run's end and the last success */
  private due(interval: number): number {
    if (this.retryAt !== null) return this.retryAt;
    const last = Math.max(this.lastRunEnd ?? -Infinity, this.o.lastSyncAt?.() ?? -Infinity);
    return Number.isFinite(last) ? last + interval : this.clock.now();
  }

  private arm(): void {
    if (this.stateValue === 'stopped') return;
    const interval = this.intervalMs();
    if (interval === 0) {
      this.clear();
      this.stateValue = 'off';
      return;
    }
    if (this.stateValue !== 'offline') this.stateValue = 'waiting';
    this.at(Math.max(this.clock.now(), this.due(interval)));
  }

  private async tick(): Promise<void> {
    if (this.stateValue === 'stopped' || this.inflight) return;
    const interval = this.intervalMs();
    const now = this.clock.now();
    if (interval === 0 || this.due(interval) > now) {
      if (this.stateValue === 'offline') this.stateValue = 'waiting';
      this.arm();
      return;
    }
    if (this.o.busy?.()) {
      this.at(now + (this.o.busyRetryMs ?? 30_000));
      return;
    }
    let online = false;
    try {
      online = await this.o.online();
    } catch {
      online = false;
    }
    if (this.isStopped()) return; // stop() may have come while probing
    if (!online) {
      if (this.stateValue !== 'offline') this.log.info('нет сети — синхронизация по расписанию на паузе');
      this.stateValue = 'offline';
      this.at(this.clock.now() + (this.o.offlineRetryMs ?? 60_000));
      return;
    }
    if (this.o.busy?.()) {
      this.at(this.clock.now() + (this.o.busyRetryMs ?? 30_000));
      return;
    }
    this.inflight = this.runOnce();
    await this.inflight;
    this.inflight = null;
    this.arm();
  }

  private async runOnce(): Promise<void> {
    this.stateValue = 'running';
    this.dueAt = null;
    this.retryAt = null;
    this.runs++;
    try {
      await this.o.run();
    } catch (err) {
      // a conflict (someone else started a sync) or a source error: the status table has it
      this.log.warn('синхронизация по расписанию не удалась', err instanceof Error ? err.message : String(err));
    } finally {
      this.lastRunEnd = this.clock.now();
      if (this.stateValue === 'running') this.stateValue = 'waiting';
    }
  }
}

/** An online() probe for the engine worker: can the API host name be resolved (3 s at most)? */
export function dnsOnline(host = 'api.calltouch.ru', timeoutMs = 3_000): () => Promise<boolean> {
  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([lookup(host).then(() => true, () => false), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
