// Backups of a workspace database: online copies through SQLite's backup API (readers and a
// running sync go on; pages are copied in steps, the worker thread stays responsive) into
// <workspace>/backups/skvoz-YYYYMMDD-HHMMSS.db, the last KEEP kept. A restore never deletes the
// file it replaces: that goes to <workspace>/replaced/.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKUP_NAME, type BackupInfo } from '@shared/storage-schema';
import { instantParts, pad } from '@shared/time';
import Database from 'better-sqlite3';
import type { Db } from '../db/open';
import { SkvozError } from '../errors';

export const BACKUP_DIR = 'backups';
export const REPLACED_DIR = 'replaced';
export const KEEP = 7;
export const DAY_MS = 86_400_000;
const PAGES_PER_STEP = 500;
/** steps between flushes of the copy (≈ 32 MB) */
const SYNC_EVERY = 16;

function stamp(ms: number): string {
  const p = instantParts(ms, 'UTC');
  return `${p.y}${pad(p.mo)}${pad(p.d)}-${pad(p.h)}${pad(p.mi)}${pad(p.s)}`;
}

/** The instant in a backup's name (UTC). */
export function backupTime(file: string): number | null {
  const m = /^skvoz-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})\.db$/.exec(file);
  if (!m) return null;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

/** The backups of a workspace folder, newest first. */
export function listBackups(dir: string): BackupInfo[] {
  const folder = join(dir, BACKUP_DIR);
  if (!existsSync(folder)) return [];
  const out: (BackupInfo & { ms: number })[] = [];
  for (const file of readdirSync(folder)) {
    const ms = backupTime(file);
    if (ms === null || !BACKUP_NAME.test(file)) continue;
    try {
      out.push({ file, at: new Date(ms).toISOString(), bytes: statSync(join(folder, file)).size, ms });
    } catch {
      // vanished meanwhile
    }
  }
  return out.sort((a, b) => b.ms - a.ms).map(({ file, at, bytes }) => ({ file, at, bytes }));
}

/** «05.12.2026 03:00» in the workspace's time zone. */
export function backupLabel(b: BackupInfo, tz: string): string {
  const p = instantParts(Date.parse(b.at), tz);
  return `${pad(p.d)}.${pad(p.mo)}.${p.y} ${pad(p.h)}:${pad(p.mi)}`;
}

/** fsync (or fdatasync) on the thread pool: flushing gigabytes must not hold up the engine's thread. */
async function fsyncFile(path: string, dataOnly = false): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await (dataOnly ? fh.datasync() : fh.sync());
  } finally {
    await fh.close();
  }
}

/**
 * Copies the open database into a new backup (SQLite backup API, in steps), then keeps the
 * newest KEEP. A half-written copy never carries a backup's name: it is written as .part and
 * renamed when complete.
 */
export async function createBackup(db: Db, dir: string, now: number): Promise<BackupInfo> {
  const folder = join(dir, BACKUP_DIR);
  mkdirSync(folder, { recursive: true });
  let name = `skvoz-${stamp(now)}.db`;
  // two backups within one second: the second waits for its own second
  for (let ms = now; existsSync(join(folder, name)); ms += 1000) name = `skvoz-${stamp(ms + 1000)}.db`;
  const part = join(folder, `${name}.part`);
  rmSync(part, { force: true });
  try {
    // ≈ 2 MB a step: a step holds the thread for tens of milliseconds, the engine keeps answering
    // between them. Every SYNC_EVERY steps the copy so far is flushed on the thread pool: left to
    // the end, flushing gigabytes of dirty pages stalled the whole process for seconds.
    let steps = 0;
    let flushing: Promise<void> | null = null;
    await db.backup(part, {
      progress: () => {
        if (++steps % SYNC_EVERY === 0 && !flushing) {
          flushing = fsyncFile(part, true)
            .catch(() => undefined)
            .finally(() => (flushing = null));
        }
        return PAGES_PER_STEP;
      },
    });
    await flushing;
    // a self-contained file: rollback journal mode, so it opens (and is checked) without -wal/-shm
    const copy = new Database(part);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    await fsyncFile(part);
    renameSync(part, join(folder, name));
  } catch (err) {
    rmSync(part, { force: true });
    throw err;
  }
  prune(dir);
  const info = listBackups(dir).find((b) => b.file === name);
  if (!info) throw new SkvozError('internal', 'Резервная копия записана, но не найдена в папке backups.');
  return info;
}

/** Deletes backups beyond the newest KEEP (and stale .part files). */
export function prune(dir: string, keep = KEEP): void {
  const folder = join(dir, BACKUP_DIR);
  for (const b of listBackups(dir).slice(keep)) rmSync(join(folder, b.file), { force: true });
  if (!existsSync(folder)) return;
  for (const f of readdirSync(folder)) if (f.endsWith('.part')) rmSync(join(folder, f), { force: true });
}

/**
 * Moves the database files (db, -wal, -shm) out of the way into <dir>/replaced/<stamp>/ and
 * returns that folder, or null when there was nothing to move. No handle may be open on them.
 */
export function setAside(dir: string, dbFile: string, now: number): string | null {
  const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].filter((f) => existsSync(join(dir, f)));
  if (files.length === 0) return null;
  const to = join(dir, REPLACED_DIR, stamp(now));
  mkdirSync(to, { recursive: true });
  for (const f of files) renameSync(join(dir, f), join(to, f));
  return to;
}

/** Copies a backup into place as the workspace database (written as .part, then renamed). */
export async function putBackupInPlace(dir: string, file: string, dbFile: string): Promise<void> {
  if (!BACKUP_NAME.test(file)) throw new SkvozError('invalid_input', 'Выберите резервную копию из списка.');
  const from = join(dir, BACKUP_DIR, file);
  if (!existsSync(from)) throw new SkvozError('not_found', `Резервной копии ${file} больше нет в папке backups.`);
  const part = join(dir, `${dbFile}.part`);
  await copyFile(from, part);
  await fsyncFile(part);
  renameSync(part, join(dir, dbFile));
}
