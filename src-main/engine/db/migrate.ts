// Schema versions by PRAGMA user_version; all pending steps in one transaction.
import type Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';

export class DbFromFutureError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(
      `База рабочего пространства создана более новой версией Skvoz (схема ${found}, эта версия знает до ${known}). ` +
        'Обновите приложение — данные не изменены.',
    );
    this.name = 'DbFromFutureError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Applies every migration above the current version, up to `target` (default: latest). */
export function migrate(db: Database.Database, target = LATEST_VERSION): number {
  MIGRATIONS.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration versions must be 1..N in order; got ${m.version} at ${i}`);
  });
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) throw new DbFromFutureError(current, LATEST_VERSION);
  const pending = MIGRATIONS.filter((m) => m.version > current && m.version <= target);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  })();
  return schemaVersion(db);
}
