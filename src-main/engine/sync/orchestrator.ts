// Runs the configured sources of one workspace, one run at a time, with one progress stream.
import { randomUUID } from 'node:crypto';
import type { AppError, SourceKind, SourceStatus, SyncFinished, SyncProgress, SyncStatus } from '@shared/contract';
import type { Workspace } from '../workspace';
import type { SecretProvider } from '../secrets';
import { SkvozError, toAppError } from '../errors';
import { createLogger, type Logger } from '../log';
import { busyMessage, CORRUPT_TEXT, isCorrupt, writeLockFree } from '../db/busy';
import { updateAttribution } from '../attribution/materialise';

/** Environment overrides (CLI, tests): base URLs and Calltouch sites given outside the workspace. */
export interface SourceOverrides {
  calltouchBaseUrl?: string;
  calltouchSiteIds?: number[];
  bitrix24BaseUrl?: string;
  /** ad platforms (CLI: SKVOZ_YANDEX_DIRECT_BASE_URL / _LOGINS, SKVOZ_VK_ADS_BASE_URL / _CLIENTS) */
  yandexDirectBaseUrl?: string;
  yandexDirectLogins?: string[];
  vkAdsBaseUrl?: string;
  vkAdsClients?: string[];
}

export interface SourceSyncContext {
  ws: Workspace;
  overrides: SourceOverrides;
  secrets: SecretProvider;
  signal: AbortSignal;
  full: boolean;
  now: () => number;
  log: Logger;
  progress(p: Omit<SyncProgress, 'runId' | 'source'>): void;
}

export interface SourceSync {
  kind: SourceKind;
  isConfigured(ws: Workspace, secrets: SecretProvider, overrides: SourceOverrides): Promise<boolean>;
  /** Pulls new and changed data; returns the number of rows written. Throws SkvozError. */
  run(ctx: SourceSyncContext): Promise<{ rows: number }>;
}

export interface SyncEvents {
  progress(p: SyncProgress): void;
  finished(f: SyncFinished): void;
}

const KINDS: SourceKind[] = ['bitrix24', 'calltouch', 'yandex_direct', 'vk_ads'];
/** A sync waits this long for the write lock before it reports «база занята» (brief locks pass by). */
const SYNC_LOCK_WAIT_MS = 2_000;

export class SyncManager {
  private current: { runId: string; wsId: string; kinds: SourceKind[]; abort: AbortController; done: Promise<SyncFinished> } | null = null;
  private readonly log = createLogger('sync');
  /** outcomes sync_status could not take (the database was locked), newest per source */
  private readonly transient = new Map<SourceKind, AppError>();

  constructor(
    private readonly sources: SourceSync[],
    private readonly secrets: SecretProvider,
    private readonly events: SyncEvents,
    private readonly now: () => number = Date.now,
    private readonly overrides: SourceOverrides = {},
    /** when a run that found the database locked is tried again (null: not by itself — the CLI) */
    private readonly busyRetryMs: () => number | null = () => null,
  ) {}

  get running(): boolean {
    return this.current !== null;
  }

  /** Starts a run; the returned promise of `done` settles when it ends (never rejects). */
  async start(ws: Workspace, opts: { sources?: SourceKind[]; full: boolean }): Promise<{ runId: string; done: Promise<SyncFinished> }> {
    if (this.current) {
      throw new SkvozError('conflict', 'Синхронизация уже идёт — дождитесь окончания или отмените её.');
    }
    if (ws.damaged) throw new SkvozError('conflict', CORRUPT_TEXT);
    const wanted = opts.sources ?? KINDS;
    const chosen: SourceSync[] = [];
    for (const s of this.sources) {
      if (wanted.includes(s.kind) && (await s.isConfigured(ws, this.secrets, this.overrides))) chosen.push(s);
    }
    if (chosen.length === 0) {
      throw new SkvozError(
        'invalid_input',
        'Нет подключённых источников: добавьте вебхук Bitrix24, токен Calltouch или ключи рекламных кабинетов в «Настройках».',
      );
    }
    const runId = randomUUID();
    const abort = new AbortController();
    const done = this.run(ws, runId, chosen, opts.full, abort.signal);
    this.current = { runId, wsId: ws.meta.id, kinds: chosen.map((c) => c.kind), abort, done };
    void done.finally(() => {
      if (this.current?.runId === runId) this.current = null;
    });
    return { runId, done };
  }

  /** The sources a run would sync now: configured (settings and secrets), among `wanted`. */
  async configured(ws: Workspace, wanted: SourceKind[] = KINDS): Promise<SourceKind[]> {
    const out: SourceKind[] = [];
    for (const s of this.sources) if (wanted.includes(s.kind) && (await s.isConfigured(ws, this.secrets, this.overrides))) out.push(s.kind);
    return out;
  }

  cancel(): boolean {
    if (!this.current) return false;
    this.current.abort.abort();
    return true;
  }

  /** Waits for the current run (if any) to end, e.g. before closing a workspace. */
  async settle(): Promise<void> {
    if (this.current) await this.current.done;
  }

  status(ws: Workspace): Omit<SyncStatus, 'schedule'> {
    const rows = ws.db.prepare('SELECT * FROM sync_status').all() as {
      source: string;
      last_success_at: number | null;
      last_error_code: string | null;
      last_error_message: string | null;
      last_rows: number;
    }[];
    const sources = {} as Record<SourceKind, SourceStatus>;
    for (const kind of KINDS) {
      const r = rows.find((x) => x.source === kind);
      const lastError: AppError | null =
        this.transient.get(kind) ??
        (r?.last_error_code ? { code: r.last_error_code as AppError['code'], message: r.last_error_message ?? '' } : null);
      // only the sources taking part in the current run of this workspace are 'running'
      const running = this.current?.wsId === ws.meta.id && this.current.kinds.includes(kind);
      sources[kind] = {
        state: running ? 'running' : lastError ? 'error' : r ? 'idle' : 'not_configured',
        lastSuccessAt: r?.last_success_at ? new Date(r.last_success_at).toISOString() : null,
        lastError,
        lastRows: r?.last_rows ?? 0,
      };
    }
    return { running: this.current?.wsId === ws.meta.id, runId: this.current?.runId ?? null, sources };
  }

  private async run(ws: Workspace, runId: string, chosen: SourceSync[], full: boolean, signal: AbortSignal): Promise<SyncFinished> {
    const rows: Partial<Record<SourceKind, number>> = {};
    let firstError = null as AppError | null;
    try {
      // another process writes: fail at once (no 5 s wait per page, no half-done run) and retry later
      if (!writeLockFree(ws.db, SYNC_LOCK_WAIT_MS)) throw new SkvozError('busy', busyMessage(this.busyRetryMs()));
      await Promise.all(
        chosen.map(async (s) => {
          const log = this.log.child(s.kind);
          try {
            const r = await s.run({
              ws,
              overrides: this.overrides,
              secrets: this.secrets,
              signal,
              full,
              now: this.now,
              log,
              progress: (p) => this.events.progress({ ...p, runId, source: s.kind }),
            });
            rows[s.kind] = r.rows;
            this.record(ws, s.kind, { ok: true, rows: r.rows });
          } catch (err) {
            // damage met while writing: nothing more goes into this file until it is restored
            if (isCorrupt(err) && ws.db.open) ws.recordCheck([err instanceof Error ? err.message : String(err)], this.now());
            const e = signal.aborted ? { code: 'cancelled' as const, message: 'Синхронизация отменена.' } : this.appError(err);
            log.warn('sync failed', e.code, e.message);
            firstError ??= e;
            this.record(ws, s.kind, { ok: false, error: e });
          }
        }),
      );
      if (ws.db.open && firstError?.code !== 'busy' && !ws.damaged) {
        try {
          // new and changed rows are marked dirty by triggers; bring the attribution up to date now
          updateAttribution(ws.db, ws.settings);
        } catch (err) {
          const e = this.appError(err);
          // another process took the lock meanwhile: the dirty marks stay, the next run catches up
          if (e.code === 'busy') this.log.warn('attribution recompute deferred', e.message);
          else this.log.error('attribution recompute failed', err);
          firstError ??= e;
        }
      }
    } catch (err) {
      // nothing may escape a run: its promise is awaited by the schedule and the CLI
      firstError ??= this.appError(err);
      if (firstError.code === 'busy') for (const s of chosen) this.transient.set(s.kind, firstError);
      else this.log.error('sync run failed', err);
    }
    const finished: SyncFinished = { runId, ok: firstError === null, error: firstError, rows };
    try {
      this.events.finished(finished);
    } catch (err) {
      this.log.error('sync:finished listener failed', err);
    }
    return finished;
  }

  /** A contract error; SQLITE_BUSY says when the run will be tried again. */
  private appError(err: unknown): AppError {
    const e = toAppError(err);
    return e.code === 'busy' ? { code: 'busy', message: busyMessage(this.busyRetryMs()) } : e;
  }

  /**
   * Writes the outcome to sync_status. Under another process's write lock it cannot be written:
   * a busy outcome is kept in memory (`transient`) and shown by status() until the next write.
   */
  private record(ws: Workspace, kind: SourceKind, r: { ok: true; rows: number } | { ok: false; error: AppError }): void {
    if (!ws.db.open) return;
    if (!r.ok && r.error.code === 'busy') {
      this.transient.set(kind, r.error);
      return;
    }
    try {
      this.writeStatus(ws, kind, r);
      this.transient.delete(kind);
    } catch (err) {
      const e = this.appError(err);
      this.log.warn('sync status not recorded', kind, e.message);
      this.transient.set(kind, r.ok ? e : r.error);
    }
  }

  private writeStatus(ws: Workspace, kind: SourceKind, r: { ok: true; rows: number } | { ok: false; error: AppError }): void {
    if (r.ok) {
      ws.db
        .prepare(
          `INSERT INTO sync_status (source, last_success_at, last_error_code, last_error_message, last_rows)
           VALUES (?, ?, NULL, NULL, ?)
           ON CONFLICT (source) DO UPDATE SET last_success_at = excluded.last_success_at,
             last_error_code = NULL, last_error_message = NULL, last_rows = excluded.last_rows`,
        )
        .run(kind, this.now(), r.rows);
    } else {
      ws.db
        .prepare(
          `INSERT INTO sync_status (source, last_error_code, last_error_message) VALUES (?, ?, ?)
           ON CONFLICT (source) DO UPDATE SET last_error_code = excluded.last_error_code,
             last_error_message = excluded.last_error_message`,
        )
        .run(kind, r.error.code, r.error.message);
    }
  }
}
