// Restoring a workspace database from one of its backups (or starting over with an empty one).
// No handle may be open on the folder's database: the engine closes its workspace first, the CLI
// never opens it. The backup is checked before anything moves; the file it replaces is kept in
// <workspace>/replaced/<time>/, never deleted.
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BACKUP_NAME, type BackupInfo } from '@shared/storage-schema';
import { openDatabase } from '../db/open';
import { SkvozError } from '../errors';
import { DB_FILE, patchMeta, readMeta } from '../workspace';
import { BACKUP_DIR, backupLabel, listBackups, putBackupInPlace, setAside } from './backup';
import { readDatabaseId } from './identity';
import { quickCheck } from './integrity';

export interface Restored {
  /** the backup put in place, or null: an empty database from now on */
  backup: BackupInfo | null;
  /** where the replaced files went (null: there were none) */
  replacedTo: string | null;
}

function putBack(from: string, dir: string): void {
  for (const f of readdirSync(from)) renameSync(join(from, f), join(dir, f));
  rmSync(from, { recursive: true, force: true });
}

/** `file`: a backup's name, 'latest', or null for an empty database. */
export async function restoreFolder(dir: string, file: string | null, now: number): Promise<Restored> {
  const meta = readMeta(dir);
  const tz = meta.settings.timeZone;
  let backup: BackupInfo | null = null;
  let id: string | null = null;
  if (file !== null) {
    const all = listBackups(dir);
    backup = file === 'latest' ? (all[0] ?? null) : (all.find((b) => b.file === file) ?? null);
    if (!backup) {
      throw new SkvozError('not_found', file === 'latest' || !BACKUP_NAME.test(file) ? 'Резервных копий этого рабочего пространства нет.' : `Резервной копии ${file} нет в папке backups.`);
    }
    const path = join(dir, BACKUP_DIR, backup.file);
    const { problems } = await quickCheck(path);
    if (problems.length) {
      throw new SkvozError('conflict', `Резервная копия от ${backupLabel(backup, tz)} тоже повреждена (${problems[0]}). Выберите более раннюю.`);
    }
    const db = openDatabase(path, { readonly: true });
    try {
      id = readDatabaseId(db);
    } finally {
      db.close();
    }
    if (id && meta.database && id !== meta.database.id) {
      throw new SkvozError('conflict', 'Эта резервная копия — от другого рабочего пространства.');
    }
  }
  if (!existsSync(dir)) throw new SkvozError('not_found', `Папки ${dir} нет.`);
  const replacedTo = setAside(dir, DB_FILE, now);
  if (backup) {
    try {
      await putBackupInPlace(dir, backup.file, DB_FILE);
    } catch (err) {
      // the copy failed (a full disk…): the files that were there go back where they were
      if (replacedTo) putBack(replacedTo, dir);
      throw err;
    }
  }
  patchMeta(dir, {
    database: backup ? { id: id ?? meta.database?.id ?? '', hadData: true } : null,
    integrity: backup ? { checkedAt: new Date(now).toISOString(), ok: true, problems: [], uncleanAt: null } : null,
  });
  return { backup, replacedTo };
}
