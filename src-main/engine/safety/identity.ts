// Which database belongs to a workspace folder. workspace.json remembers the database's id (also
// kept in the database's meta table) and whether it ever held data. A folder whose database once
// held data and is now missing or empty (zero bytes) refuses to open, offering the latest backup,
// instead of silently starting over with an empty file; a database of another workspace put in
// its place is refused too.
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open';
import { isBusy } from '../db/busy';
import { SkvozError } from '../errors';
import { backupLabel, listBackups } from './backup';

export interface DatabaseRecord {
  id: string;
  /** the database held records at some point (a missing file is then a loss, not a fresh start) */
  hadData: boolean;
}

/** The workspace cannot be opened as it is: missing, empty, foreign or unreadable database file. */
export class StorageProblem extends SkvozError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'StorageProblem';
  }
}

const ID_KEY = 'db_id';

/** What to say when the file is gone or damaged: the latest backup and how to restore it. */
export function restoreAdvice(dir: string, tz: string): string {
  const latest = listBackups(dir)[0];
  if (latest) {
    return (
      `Восстановите последнюю резервную копию (от ${backupLabel(latest, tz)}): «Настройки» → «Рабочие пространства» → «Восстановить» ` +
      `или командой skvoz restore --workspace "${dir}" --latest.`
    );
  }
  return (
    'Резервных копий нет. Если файл переносили — верните его в папку. Начать заново с пустой базой (Bitrix24 и Calltouch ' +
    `загрузятся снова, офлайн-визиты и расходы — нет): «Восстановить» → «Начать с пустой базы» или skvoz restore --workspace "${dir}" --empty.`
  );
}

/**
 * Before opening: a database that held data must be there and not empty. A zero-byte file of a
 * database that never held data is removed (SQLite would otherwise take it as a fresh one anyway).
 */
export function checkDatabaseFile(dir: string, dbFile: string, name: string, record: DatabaseRecord | null, tz: string, opts: { dryRun?: boolean } = {}): void {
  const path = join(dir, dbFile);
  const size = existsSync(path) ? statSync(path).size : null;
  if (size !== null && size > 0) return;
  if (record?.hadData) {
    const what = size === null ? 'пропал из папки' : 'пуст (0 байт)';
    throw new StorageProblem(
      `Файл базы ${dbFile} рабочего пространства «${name}» ${what} ${dir}, хотя в нём были данные. ` +
        `Skvoz не станет подменять его пустой базой. ${restoreAdvice(dir, tz)}`,
    );
  }
  if (size === 0 && !opts.dryRun) rmSync(path, { force: true });
}

export function readDatabaseId(db: Db): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(ID_KEY) as { value: string } | undefined;
  return row?.value ?? null;
}

/** Any record a user would miss (CRM data, calls, visits, costs). */
export function holdsData(db: Db): boolean {
  const tables = ['b24_lead', 'b24_deal', 'ct_call', 'ct_request', 'visit', 'cost'];
  const sql = `SELECT ${tables.map((t) => `EXISTS (SELECT 1 FROM ${t})`).join(' OR ')} AS d`;
  return (db.prepare(sql).get() as { d: number }).d === 1;
}

/**
 * After opening: the database's id against workspace.json's. Returns the record to keep in
 * workspace.json (null: nothing changed). A database without an id (a new one, or made by an
 * older Skvoz) gets one; a database with another workspace's id is refused.
 */
export function reconcileIdentity(db: Db, record: DatabaseRecord | null, dir: string, name: string, tz: string): DatabaseRecord | null {
  const stored = readDatabaseId(db);
  const data = holdsData(db);
  if (stored && record && stored !== record.id) {
    throw new StorageProblem(
      `В папке рабочего пространства «${name}» лежит база другого рабочего пространства (или копия чужой базы). ` +
        `Skvoz не станет смешивать данные. ${restoreAdvice(dir, tz)}`,
    );
  }
  if (stored) {
    const next = { id: stored, hadData: (record?.hadData ?? false) || data };
    return record && record.id === next.id && record.hadData === next.hadData ? null : next;
  }
  if (db.readonly) return null;
  const id = randomUUID();
  try {
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(ID_KEY, id);
  } catch (err) {
    // another process writes just now: the id is given at the next open
    if (isBusy(err)) return null;
    throw err;
  }
  return { id, hadData: data };
}
