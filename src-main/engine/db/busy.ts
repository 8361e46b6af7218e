// Another process may hold the workspace's write lock (a second `skvoz` command, a backup tool
// in BEGIN IMMEDIATE): SQLITE_BUSY is then an expected, retryable state, never a crash. Damage
// (SQLITE_CORRUPT / SQLITE_NOTADB) is told apart so that writing to a damaged file stops.
import type { Db } from './open';

function sqliteCode(err: unknown): string | null {
  if (!(err instanceof Error)) return null;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/** SQLITE_BUSY (any extended code) or SQLITE_LOCKED: someone else writes; try again later. */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** The file is damaged (or is not a database at all). */
export function isCorrupt(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== null && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** A write refused: the file is read-only, or writing was stopped (PRAGMA query_only) after damage was found. */
export function isReadonly(err: unknown): boolean {
  return sqliteCode(err)?.startsWith('SQLITE_READONLY') ?? false;
}

/** Runs `fn` with the connection's busy timeout set to `ms`, then restores it. */
export function withBusyTimeout<T>(db: Db, ms: number, fn: () => T): T {
  const before = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  try {
    return fn();
  } finally {
    if (db.open) db.pragma(`busy_timeout = ${before}`);
  }
}

/**
 * Can this connection take the write lock now (waiting at most `waitMs`)? Takes and releases it
 * (BEGIN IMMEDIATE under that busy timeout). False while another process writes. A short wait
 * rides out SQLite's own brief locks — after an unclean shutdown the first reader (the background
 * integrity check) recovers the WAL index and BEGIN IMMEDIATE answers SQLITE_BUSY_RECOVERY meanwhile.
 */
export function writeLockFree(db: Db, waitMs = 0): boolean {
  if (!db.open || db.readonly || db.inTransaction) return false;
  try {
    withBusyTimeout(db, waitMs, () => {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    });
    return true;
  } catch (err) {
    if (isBusy(err)) return false;
    throw err;
  }
}

export const BUSY_TEXT = 'База занята другим процессом (вторая копия Skvoz, команда skvoz или программа резервного копирования)';

/** «База занята другим процессом…, повтор через 30 с» / «… — повторите позже». */
export function busyMessage(retryInMs: number | null): string {
  if (retryInMs === null) return `${BUSY_TEXT} — повторите позже.`;
  const s = Math.max(1, Math.round(retryInMs / 1000));
  return `${BUSY_TEXT}, повтор через ${s < 60 ? `${s} с` : `${Math.round(s / 60)} мин`}.`;
}

export const CORRUPT_TEXT =
  'Файл базы рабочего пространства повреждён: запись в него остановлена, чтобы не испортить данные. ' +
  'Восстановите последнюю резервную копию («Настройки» → «Резервные копии» или skvoz restore).';

export const READONLY_TEXT =
  'Запись в базу рабочего пространства остановлена: проверка нашла повреждение файла (или файл только для чтения). ' +
  'Данные можно смотреть; чтобы снова синхронизировать и вносить изменения, восстановите резервную копию («Настройки» → «Резервные копии»).';
