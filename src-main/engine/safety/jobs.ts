// The background jobs that keep a workspace's data safe while the app runs (the CLI runs them as
// commands: skvoz backup / check): an integrity check after an unclean shutdown and weekly, and a
// daily online backup (the last 7 kept; demo workspaces have none — their data is generated).
import type { BackupInfo, IntegrityInfo } from '@shared/storage-schema';
import type { BackgroundJob } from '../background';
import { unrefTimeout } from '../background';
import { createLogger } from '../log';
import type { Workspace } from '../workspace';
import { createBackup, DAY_MS, listBackups } from './backup';
import { holdsData } from './identity';
import { CHECK_EVERY_MS, quickCheck } from './integrity';

const log = createLogger('safety');
const HOUR_MS = 3_600_000;
/** a timer never waits longer (setTimeout's limit is ≈ 24.8 days) */
const MAX_WAIT_MS = DAY_MS;

export interface SafetyTiming {
  /** after the workspace opens, how long until a due check (default 30 s) or backup (default 2 min) starts */
  startDelayMs?: number;
}

export function integrityInfo(ws: Workspace, checking: boolean): IntegrityInfo {
  const i = ws.meta.integrity;
  const state = checking ? 'checking' : i?.ok === false ? 'damaged' : i?.ok === true ? 'ok' : 'unchecked';
  return { state, checkedAt: i?.checkedAt ?? null, problems: i?.problems ?? [], uncleanAt: i?.uncleanAt ?? null };
}

/** PRAGMA quick_check on a thread of its own: after an unclean shutdown, then weekly. */
export class IntegrityJob implements BackgroundJob {
  readonly name = 'integrity-check';
  private ws: Workspace | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<IntegrityInfo> | null = null;

  constructor(
    private readonly now: () => number,
    private readonly timing: SafetyTiming = {},
  ) {}

  start(ws: Workspace): void {
    this.ws = ws;
    this.plan();
  }

  async stop(): Promise<void> {
    this.clear();
    this.ws = null;
    await this.running?.catch(() => undefined);
  }

  get checking(): boolean {
    return this.running !== null;
  }

  /** Checks the workspace now (the «Проверить» button, the schedule); one check at a time. */
  check(ws: Workspace): Promise<IntegrityInfo> {
    this.running ??= this.run(ws).finally(() => {
      this.running = null;
      if (this.ws === ws) this.plan();
    });
    return this.running;
  }

  private async run(ws: Workspace): Promise<IntegrityInfo> {
    const t0 = this.now();
    const { problems } = await quickCheck(ws.db.name);
    if (ws.db.open) ws.recordCheck(problems, this.now());
    if (problems.length) log.error('integrity check found damage; writing stopped', problems.slice(0, 3).join(' | '));
    else log.info(`integrity check ok in ${this.now() - t0} ms`);
    return integrityInfo(ws, false);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private plan(): void {
    const ws = this.ws;
    this.clear();
    if (!ws || !ws.db.open) return;
    const i = ws.meta.integrity;
    const now = this.now();
    const soon = now + (this.timing.startDelayMs ?? 30_000);
    const due = i?.uncleanAt || !i?.checkedAt ? soon : Math.max(soon, Date.parse(i.checkedAt) + CHECK_EVERY_MS);
    this.timer = unrefTimeout(() => {
      this.timer = null;
      const cur = this.ws;
      if (!cur) return;
      if (this.now() < due) return this.plan();
      void this.check(cur).catch((err) => {
        log.warn('integrity check could not run', err instanceof Error ? err.message : String(err));
        this.timer = unrefTimeout(() => this.plan(), HOUR_MS);
      });
    }, Math.min(MAX_WAIT_MS, Math.max(0, due - now)));
  }
}

/** A daily online backup of a workspace that holds data; the last 7 kept. */
export class BackupJob implements BackgroundJob {
  readonly name = 'daily-backup';
  private ws: Workspace | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private dueAt: number | null = null;

  constructor(
    private readonly now: () => number,
    private readonly timing: SafetyTiming = {},
  ) {}

  static auto(ws: Workspace): boolean {
    return !ws.meta.isDemo;
  }

  start(ws: Workspace): void {
    this.ws = ws;
    this.plan();
  }

  async stop(): Promise<void> {
    this.clear();
    this.ws = null;
    this.dueAt = null;
    await this.running?.catch(() => undefined);
  }

  /** when the next automatic backup is due, if one is planned */
  get nextAt(): number | null {
    return this.dueAt;
  }

  /** A backup now (the «Создать копию» button, `skvoz backup`); the daily one counts from it. */
  async backupNow(ws: Workspace): Promise<BackupInfo> {
    await this.idle();
    const p = createBackup(ws.db, ws.dir, this.now());
    this.running = p;
    try {
      return await p;
    } finally {
      this.running = null;
      if (this.ws === ws) this.plan();
    }
  }

  /** Waits for a backup under way (a restore must not race it). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private plan(): void {
    const ws = this.ws;
    this.clear();
    this.dueAt = null;
    if (!ws || !BackupJob.auto(ws)) return;
    const now = this.now();
    const last = listBackups(ws.dir)[0];
    // later than a due integrity check: the two heavy reads of a large file do not start together
    const due = Math.max(now + (this.timing.startDelayMs ?? 120_000), last ? Date.parse(last.at) + DAY_MS : 0);
    this.dueAt = due;
    this.timer = unrefTimeout(() => void this.tick(due), Math.min(MAX_WAIT_MS, Math.max(0, due - now)));
  }

  private async tick(due: number): Promise<void> {
    const ws = this.ws;
    this.timer = null;
    if (!ws || this.running) return;
    if (this.now() < due) return this.plan();
    let retry = false;
    try {
      if (ws.damaged) {
        log.warn('no backup of a damaged database: restore one first');
        retry = true;
      } else if (!holdsData(ws.db)) {
        retry = true;
      } else {
        this.running = createBackup(ws.db, ws.dir, this.now());
        await this.running;
        log.info('daily backup written');
      }
    } catch (err) {
      log.warn('daily backup failed', err instanceof Error ? err.message : String(err));
      retry = true;
    } finally {
      this.running = null;
    }
    if (this.ws !== ws) return;
    if (retry) {
      this.dueAt = this.now() + HOUR_MS;
      this.timer = unrefTimeout(() => void this.tick(this.dueAt ?? 0), HOUR_MS);
    } else this.plan();
  }
}
