// The engine's own background jobs: the sync schedule and the visits sender (see ./background).
import type { Workspace } from './workspace';
import type { BackgroundJob } from './background';
import { unrefTimeout } from './background';
import { SyncScheduler, dnsOnline, type ScheduleState } from './sync/schedule';
import type { SyncManager } from './sync/orchestrator';
import type { VisitService } from './visits/service';
import { createLogger } from './log';
import { writeLockFree } from './db/busy';

const log = createLogger('jobs');

/** Does the workspace have any real source to sync? (The demo has none: its data is generated.) */
export function hasSources(ws: Workspace): boolean {
  return !ws.meta.isDemo && (ws.settings.bitrix24.baseUrl !== null || ws.settings.calltouch.sites.length > 0);
}

function probeHost(ws: Workspace): string {
  const b24 = ws.settings.bitrix24.baseUrl;
  if (b24) {
    try {
      return new URL(b24).hostname;
    } catch {
      // fall through to Calltouch
    }
  }
  try {
    return new URL(ws.settings.calltouch.baseUrl).hostname;
  } catch {
    return 'api.calltouch.ru';
  }
}

export interface ScheduleInfo {
  state: ScheduleState;
  nextAt: string | null;
}

/** Background sync every `settings.sync.intervalMinutes` while online, for workspaces with sources. */
export class SyncJob implements BackgroundJob {
  readonly name = 'sync-schedule';
  private scheduler: SyncScheduler | null = null;
  private ws: Workspace | null = null;

  constructor(private readonly sync: SyncManager) {}

  start(ws: Workspace): void {
    this.ws = ws;
    this.arm();
  }

  private arm(): void {
    const ws = this.ws;
    if (!ws || !hasSources(ws)) return;
    const lastSuccess = () => {
      const r = ws.db.prepare('SELECT MAX(last_success_at) AS t FROM sync_status').get() as { t: number | null };
      return r.t;
    };
    this.scheduler = new SyncScheduler({
      intervalMinutes: () => ws.settings.sync.intervalMinutes,
      online: dnsOnline(probeHost(ws)),
      busy: () => this.sync.running,
      lastSyncAt: lastSuccess,
      run: async () => (await this.sync.start(ws, { full: false })).done,
    });
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler?.stop();
    this.scheduler = null;
    this.ws = null;
  }

  poke(reason: string): void {
    if (reason === 'settings' && this.ws) {
      // sources may have been added or removed, the interval changed
      this.scheduler?.stop();
      this.scheduler = null;
      this.arm();
    }
    this.scheduler?.poke();
  }

  /** A sync found the database locked: the schedule tries again after `ms`. */
  retrySoon(ms: number): void {
    this.scheduler?.retrySoon(ms);
  }

  /** Will the schedule try again by itself (it runs and has an interval)? */
  get retries(): boolean {
    const st = this.scheduler?.state;
    return st !== undefined && st !== 'off' && st !== 'stopped';
  }

  info(): ScheduleInfo {
    const s = this.scheduler;
    return { state: s?.state ?? 'off', nextAt: s?.nextAt ? new Date(s.nextAt).toISOString() : null };
  }
}

const SOON_MS = 1_500;
const IDLE_CHECK_MS = 10 * 60_000;
const SENDING_CHECK_MS = 60_000;

/** Sends the visits outbox when something is due: shortly after a visit is saved, then on each row's retry time. */
export class VisitsJob implements BackgroundJob {
  readonly name = 'visits-sender';
  private timer: NodeJS.Timeout | null = null;
  private ws: Workspace | null = null;
  private inflight: Promise<unknown> | null = null;
  private abort: AbortController | null = null;

  constructor(
    private readonly service: () => VisitService,
    private readonly now: () => number,
  ) {}

  start(ws: Workspace): void {
    this.ws = ws;
    this.plan();
  }

  async stop(): Promise<void> {
    this.ws = null;
    this.clear();
    this.abort?.abort();
    await this.inflight?.catch(() => undefined);
  }

  poke(reason: string): void {
    if (reason === 'visits' || reason === 'settings' || reason === 'online') this.at(this.now() + SOON_MS);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private at(when: number): void {
    if (!this.ws) return;
    this.clear();
    this.timer = unrefTimeout(() => void this.tick(), Math.max(0, when - this.now()));
  }

  /** The next moment anything in the outbox needs the sender. */
  private plan(): void {
    const ws = this.ws;
    if (!ws) return;
    const r = ws.db
      .prepare(
        `SELECT MIN(CASE WHEN state = 'sending' THEN NULL ELSE next_at END) AS due,
                SUM(state = 'sending') AS sending
           FROM outbox WHERE state IN ('queued', 'failed', 'sending')`,
      )
      .get() as { due: number | null; sending: number | null };
    const now = this.now();
    let when = now + IDLE_CHECK_MS;
    if (r.due !== null) when = Math.min(when, Math.max(r.due, now + SOON_MS));
    if (r.sending) when = Math.min(when, now + SENDING_CHECK_MS);
    this.at(when);
  }

  private async tick(): Promise<void> {
    if (!this.ws || this.inflight) return;
    // another process holds the write lock (or writing is stopped): look again later instead of
    // blocking the engine's thread in SQLite's busy wait
    if (this.ws.damaged || !writeLockFree(this.ws.db)) {
      this.at(this.now() + SENDING_CHECK_MS);
      return;
    }
    this.abort = new AbortController();
    this.inflight = this.service()
      .send(this.abort.signal)
      .catch((err) => log.warn('отправка визитов не удалась', err instanceof Error ? err.message : String(err)));
    await this.inflight;
    this.inflight = null;
    this.abort = null;
    this.plan();
  }
}
