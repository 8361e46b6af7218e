// «Файл базы»: integrity checks, backups and restore of a workspace's database (issue 15).
// Part of the contract (re-exported by contract.ts).
import { z } from 'zod';
import type { WorkspaceSummary } from './contract';

/** A backup file name as the engine writes it: skvoz-YYYYMMDD-HHMMSS.db (UTC). */
export const BACKUP_NAME = /^skvoz-\d{8}-\d{6}\.db$/;

export const StorageQuerySchema = z
  .object({
    /** a workspace other than the open one (one that cannot be opened: restore it) */
    workspaceId: z.string().min(1).max(64).optional(),
  })
  .default({});

export const StorageRestoreSchema = z.object({
  workspaceId: z.string().min(1).max(64).optional(),
  /** a backup's file name, or null: start over with an empty database (everything local is lost) */
  file: z.string().regex(BACKUP_NAME, 'Выберите резервную копию из списка').nullable(),
});

export interface BackupInfo {
  /** file name inside the workspace's backups folder */
  file: string;
  /** when it was taken (ISO) */
  at: string;
  bytes: number;
}

export interface IntegrityInfo {
  /** ok: the last check passed; damaged: writing is stopped until a restore; unchecked: never checked */
  state: 'ok' | 'damaged' | 'unchecked' | 'checking';
  checkedAt: string | null;
  /** what SQLite's quick_check reported (first lines), for damaged */
  problems: string[];
  /** the app or a command ended without closing the database; a check follows */
  uncleanAt: string | null;
}

export interface StorageStatus {
  workspaceId: string;
  /** why the workspace cannot be opened now (missing or damaged file), else null */
  problem: string | null;
  integrity: IntegrityInfo;
  /** newest first; the last 7 are kept */
  backups: BackupInfo[];
  /** automatic daily backups (off for demo workspaces: their data is generated) */
  autoBackup: boolean;
  /** when the next automatic backup is due (ISO), while the app runs */
  nextBackupAt: string | null;
  /** the folder holding the backups, to show the user */
  folder: string;
}

export interface StorageRestoreResult {
  /** the workspace, open again */
  workspace: WorkspaceSummary;
  /** the backup put in place, or null: started over with an empty database */
  backup: BackupInfo | null;
  /** where the replaced database files were moved (kept, never deleted), or null */
  replacedTo: string | null;
}
