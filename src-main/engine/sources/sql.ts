// Small SQL helpers for the source stores: a prepared-statement cache per database handle,
// change-aware writes, and the `ident` rows every identity-carrying record owns.
import type Database from 'better-sqlite3';
import type { Db } from '../db/open';

export type Stmt = Database.Statement<unknown[]>;
export type SqlValue = string | number | null;

const caches = new WeakMap<Db, Map<string, Stmt>>();

/** The statement for `sql`, prepared once per database handle (pluck: first column only). */
export function prepared(db: Db, sql: string, pluck = false): Stmt {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const key = pluck ? `pluck\u0000${sql}` : sql;
  let st = cache.get(key);
  if (!st) {
    st = db.prepare<unknown[]>(sql);
    if (pluck) st.pluck();
    cache.set(key, st);
  }
  return st;
}

export interface TableSpec {
  table: string;
  key: readonly string[];
  cols: readonly string[];
  select: string;
  insert: string;
  update: string;
}

/**
 * A table written by writeRow: `key` columns identify the record, `cols` are the rest.
 *
 * Why not INSERT … ON CONFLICT DO UPDATE: in an UPSERT, SQLite applies the outer statement's
 * conflict policy (ABORT) to the statements inside triggers, so a trigger's
 * `INSERT OR IGNORE INTO dirty_…` fails with a UNIQUE error on the update path (the attribution
 * schema relies on such triggers). A plain SELECT → UPDATE / INSERT keeps every trigger's own
 * policy, keeps the rowid (the local id) stable, and lets the UPDATE skip unchanged rows.
 */
export function defineTable(table: string, key: readonly string[], cols: readonly string[]): TableSpec {
  const all = [...key, ...cols];
  return {
    table,
    key,
    cols,
    select: `SELECT rowid FROM ${table} WHERE ${key.map((k) => `${k} = ?`).join(' AND ')}`,
    insert: `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')})`,
    update:
      `UPDATE ${table} SET ${cols.map((c) => `${c} = ?`).join(', ')} ` +
      `WHERE rowid = ? AND (${cols.map((c) => `${c} IS NOT ?`).join(' OR ')})`,
  };
}

/**
 * Inserts or updates one record; values are the key columns then the others, in spec order.
 * An unchanged record is not written at all. Returns its rowid and whether anything changed.
 */
export function writeRow(db: Db, spec: TableSpec, values: readonly SqlValue[]): { id: number; changed: boolean } {
  const nk = spec.key.length;
  const found = prepared(db, spec.select, true).get(...values.slice(0, nk)) as number | undefined;
  if (found === undefined) {
    return { id: Number(prepared(db, spec.insert).run(...values).lastInsertRowid), changed: true };
  }
  const rest = values.slice(nk);
  const changed = prepared(db, spec.update).run(...rest, found, ...rest).changes > 0;
  return { id: found, changed };
}

export type IdentOwner = 'lead' | 'contact' | 'call' | 'request' | 'visit';

export interface IdentSet {
  phones: readonly string[];
  emails: readonly string[];
}

const SELECT_IDENT =
  "SELECT group_concat(kind || ' ' || value, char(10) ORDER BY kind, value) FROM ident WHERE owner = ? AND owner_id = ?";
const DELETE_IDENT = 'DELETE FROM ident WHERE owner = ? AND owner_id = ?';
const INSERT_IDENT = 'INSERT OR IGNORE INTO ident (owner, owner_id, kind, value) VALUES (?, ?, ?, ?)';

function identKey(ids: IdentSet): string | null {
  const n = ids.phones.length + ids.emails.length;
  if (n === 0) return null;
  // same order as the primary key: 'email' < 'phone', values ascending (byte order)
  // (de-duplicated: INSERT OR IGNORE stores a repeated value once)
  const emails = ids.emails.length > 1 ? [...new Set(ids.emails)].sort(byteOrder) : ids.emails;
  const phones = ids.phones.length > 1 ? [...new Set(ids.phones)].sort(byteOrder) : ids.phones;
  const parts: string[] = [];
  for (const e of emails) parts.push(`email ${e}`);
  for (const p of phones) parts.push(`phone ${p}`);
  return parts.join('\n');
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Makes the ident rows of one record exactly `ids`. Returns true when they changed. */
export function replaceIdentities(db: Db, owner: IdentOwner, ownerId: number, ids: IdentSet): boolean {
  const have = prepared(db, SELECT_IDENT, true).get(owner, ownerId) as string | null;
  const want = identKey(ids);
  if (have === want) return false;
  if (have !== null) prepared(db, DELETE_IDENT).run(owner, ownerId);
  const ins = prepared(db, INSERT_IDENT);
  for (const p of ids.phones) ins.run(owner, ownerId, 'phone', p);
  for (const e of ids.emails) ins.run(owner, ownerId, 'email', e);
  return true;
}

/** Drops the ident rows of records (deleted in the source). */
export function deleteIdentities(db: Db, owner: IdentOwner, ownerId: number): number {
  return prepared(db, DELETE_IDENT).run(owner, ownerId).changes;
}
