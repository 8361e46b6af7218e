// The one way to open a workspace database (style-anchors §5.9).
import Database from 'better-sqlite3';
import { migrate } from './migrate';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** apply pending migrations (default true for writable handles) */
  migrate?: boolean;
}

/**
 * Opens (and migrates) a workspace database.
 * - WAL: readers never block the sync writer.
 * - synchronous=NORMAL: in WAL mode a crash can lose at most the last transactions that were
 *   not yet checkpointed by the OS, never corrupt the file; every sync page is re-fetched after
 *   its cursor, so a lost tail is pulled again. FULL would fsync on every page commit and halve
 *   backfill throughput on laptops.
 * - foreign keys on, 5 s busy timeout.
 */
/**
 * `npm start` / `npm run dev` run the app with better-sqlite3 built for Electron kept apart from
 * the Node build the CLI and tests load (scripts/native.mjs); they name it here. The packaged app
 * clears it (shell/index.ts) and loads the module electron-builder rebuilt in place.
 */
const nativeBinding = process.env.SKVOZ_SQLITE_NATIVE || undefined;

export function openDatabase(file: string, opts: OpenOptions = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, nativeBinding });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  if (!opts.readonly && opts.migrate !== false) {
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return db;
}

/**
 * Closes the handle. `PRAGMA optimize` runs only when the write lock is free at this instant (a
 * zero busy timeout): under another process's lock — a second `skvoz`, a backup tool — it is
 * skipped, never a reason for a command that has done its work to fail.
 */
export function closeDatabase(db: Db): void {
  if (!db.open) return;
  try {
    if (!db.readonly && !db.inTransaction) {
      db.pragma('busy_timeout = 0');
      db.pragma('optimize');
    }
  } catch {
    // locked by someone else (or damaged): optimise another time
  } finally {
    db.close();
  }
}
