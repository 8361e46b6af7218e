// Resumable-stream cursors (table sync_cursor). saveCursor does not open a transaction: call it
// inside the same db.transaction that writes the page the cursor follows (DESIGN.md §3), so a
// crash either keeps both or neither.
import type { Db } from '../db/open';
import { prepared } from '../sources/sql';

const SAVE =
  'INSERT INTO sync_cursor (source, scope, cursor, updated_at) VALUES (?, ?, ?, ?) ' +
  'ON CONFLICT (source, scope) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at';
const READ = 'SELECT cursor FROM sync_cursor WHERE source = ? AND scope = ?';

/**
 * Stores the cursor of stream (source, scope), e.g. ('bitrix24', 'deal') or
 * ('calltouch', 'calls:43769'). Strings are stored as given; anything else as JSON.
 */
export function saveCursor(db: Db, source: string, scope: string, cursor: unknown, now: number = Date.now()): void {
  const text = typeof cursor === 'string' ? cursor : JSON.stringify(cursor);
  prepared(db, SAVE).run(source, scope, text, now);
}

/** The stored cursor text, or null when the stream has none yet. */
export function readCursor(db: Db, source: string, scope: string): string | null {
  const row = prepared(db, READ).get(source, scope) as { cursor: string } | undefined;
  return row?.cursor ?? null;
}

/** The stored cursor parsed as JSON, or null (none yet, or not JSON). */
export function readCursorJson<T>(db: Db, source: string, scope: string): T | null {
  const text = readCursor(db, source, scope);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Forgets the cursors of a source (all scopes, or one) — a full re-sync starts from scratch. */
export function clearCursors(db: Db, source: string, scope?: string): number {
  if (scope === undefined) return prepared(db, 'DELETE FROM sync_cursor WHERE source = ?').run(source).changes;
  return prepared(db, 'DELETE FROM sync_cursor WHERE source = ? AND scope = ?').run(source, scope).changes;
}
