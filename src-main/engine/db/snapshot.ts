// A workspace the user may read but not write (a shared folder, files without write permission).
// SQLite reads a WAL-mode database only where it can create the `-shm` file next to it; when the
// folder does not allow that, the database (and its WAL, if any) is copied into a temporary
// folder and read from there — the workspace itself is never touched.
import { accessSync, constants, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { openDatabase, type Db } from './open';

/** Can this process write the database file, its WAL/SHM and the folder they live in? */
export function canWrite(file: string): boolean {
  const paths = [dirname(file), file, `${file}-wal`, `${file}-shm`];
  try {
    for (const p of paths) if (p === dirname(file) || existsSync(p)) accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export interface Snapshot {
  db: Db;
  /** closes nothing; removes the temporary copy, if one was made (after the database is closed) */
  dispose(): void;
}

const CANNOT_READ_IN_PLACE = /^SQLITE_(READONLY|CANTOPEN)/;

export function openReadOnly(file: string): Snapshot {
  try {
    return { db: openDatabase(file, { readonly: true }), dispose: () => {} };
  } catch (err) {
    if (!CANNOT_READ_IN_PLACE.test(String((err as { code?: unknown }).code ?? ''))) throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'skvoz-readonly-'));
  try {
    const copy = join(dir, basename(file));
    copyFileSync(file, copy);
    if (existsSync(`${file}-wal`)) copyFileSync(`${file}-wal`, `${copy}-wal`);
    const db = openDatabase(copy, { readonly: true });
    return { db, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
