// The storage:* channels (issue 15): integrity state, backups, restore — for the open workspace
// or, by id, for one that cannot be opened (its file is missing or damaged).
import { join } from 'node:path';
import type { StorageStatus, WorkspaceSummary } from '@shared/contract';
import type { StorageRestoreResult } from '@shared/storage-schema';
import { SkvozError, notFound } from '../errors';
import { DB_FILE, readMeta, Workspace, type WorkspaceRegistry } from '../workspace';
import { BACKUP_DIR, listBackups } from './backup';
import { checkDatabaseFile, StorageProblem } from './identity';
import { BackupJob, IntegrityJob, integrityInfo, type SafetyTiming } from './jobs';
import { restoreFolder } from './restore';
import { CORRUPT_TEXT } from '../db/busy';

export interface StorageHost {
  registry: WorkspaceRegistry | null;
  current(): Workspace | null;
  now(): number;
  /** closes the open workspace (background jobs, sync, exports first) */
  closeCurrent(): Promise<void>;
  /** opens `dir` as the current workspace */
  reopen(dir: string): Promise<WorkspaceSummary>;
}

export class StorageService {
  readonly integrity: IntegrityJob;
  readonly backups: BackupJob;
  /** why a workspace could not be opened (by id), until it opens */
  private readonly problems = new Map<string, string>();

  constructor(
    private readonly host: StorageHost,
    timing: SafetyTiming = {},
  ) {
    this.integrity = new IntegrityJob(host.now, timing);
    this.backups = new BackupJob(host.now, timing);
  }

  /** Remembers (or forgets, with null) why workspace `id` did not open. */
  noteProblem(id: string, problem: string | null): void {
    if (problem === null) this.problems.delete(id);
    else this.problems.set(id, problem);
  }

  /** Why a workspace that is not open cannot be opened, as far as can be told without opening it. */
  problemOf(id: string, dir: string): string | null {
    const known = this.problems.get(id);
    if (known) return known;
    try {
      const meta = readMeta(dir);
      checkDatabaseFile(dir, DB_FILE, meta.name, meta.database, meta.settings.timeZone, { dryRun: true });
      return null;
    } catch (err) {
      return err instanceof StorageProblem ? err.message : null;
    }
  }

  private target(workspaceId: string | undefined): { dir: string; id: string; ws: Workspace | null } {
    const cur = this.host.current();
    if (!workspaceId || workspaceId === cur?.meta.id) {
      if (!cur) throw notFound('Рабочее пространство не открыто.');
      return { dir: cur.dir, id: cur.meta.id, ws: cur };
    }
    if (!this.host.registry) throw notFound('Рабочее пространство не найдено.');
    const dir = this.host.registry.dirOf(workspaceId);
    if (!Workspace.exists(dir)) throw notFound('Рабочее пространство не найдено — возможно, его удалили.');
    return { dir, id: workspaceId, ws: null };
  }

  status(workspaceId?: string): StorageStatus {
    const { dir, id, ws } = this.target(workspaceId);
    const meta = ws?.meta ?? readMeta(dir);
    const i = meta.integrity;
    return {
      workspaceId: id,
      problem: ws ? null : this.problemOf(id, dir),
      integrity: ws
        ? integrityInfo(ws, this.integrity.checking)
        : { state: i?.ok === false ? 'damaged' : i?.ok ? 'ok' : 'unchecked', checkedAt: i?.checkedAt ?? null, problems: i?.problems ?? [], uncleanAt: i?.uncleanAt ?? null },
      backups: listBackups(dir),
      autoBackup: !meta.isDemo,
      nextBackupAt: ws && this.backups.nextAt !== null ? new Date(this.backups.nextAt).toISOString() : null,
      folder: join(dir, BACKUP_DIR),
    };
  }

  async check(): Promise<StorageStatus> {
    const { ws } = this.target(undefined);
    await this.integrity.check(ws as Workspace);
    return this.status();
  }

  async backup(): Promise<StorageStatus> {
    const ws = this.target(undefined).ws as Workspace;
    if (ws.damaged) throw new SkvozError('conflict', `Копию повреждённой базы делать нельзя — она вытеснила бы исправные. ${CORRUPT_TEXT}`);
    await this.backups.backupNow(ws);
    return this.status();
  }

  /** Puts a backup (or an empty database) in place and opens the workspace again. */
  async restore(input: { workspaceId?: string; file: string | null }): Promise<StorageRestoreResult> {
    const { dir, id, ws } = this.target(input.workspaceId);
    if (ws) {
      await this.backups.idle();
      await this.host.closeCurrent();
    }
    let restored;
    try {
      restored = await restoreFolder(dir, input.file, this.host.now());
    } catch (err) {
      // nothing moved: the workspace opens as it was (if it could)
      if (ws) await this.host.reopen(dir).catch(() => null);
      throw err;
    }
    this.problems.delete(id);
    const workspace = await this.host.reopen(dir);
    return { workspace, backup: restored.backup, replacedTo: restored.replacedTo };
  }
}
