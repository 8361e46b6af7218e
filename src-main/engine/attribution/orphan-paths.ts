// Non-converting paths for the Markov model, materialised (issue 17; migration 0010): the calls
// and requests of phones/e-mails that have no lead or contact (REPORTS.md "Models"). A report
// cuts each such path to its period, so paths do not add up over days; their transitions do.
// Each touch is counted under (day, previous touch's day and tuple, next touch's day, tuple): in
// a period [a, b] it starts the path when the previous touch is before a (or there is none), it
// follows its previous touch otherwise, and it ends the path when the next touch is after b.
// markov_orphan keeps the touches by value, so a value whose identities change (dirty_value) is
// taken out and counted again.
// Finding those values is one pass over the identity table (5–16 s on the large demo), too much
// for the full recompute's budget: a full recompute empties both tables, and the first Markov
// report afterwards fills them (ensureOrphanPaths; meta 'markov_orphans' says they are filled);
// from then on they are kept up to date by the incremental recomputes and survive restarts.
import type { TouchKind } from '@shared/channel-rules';
import type { Db } from '../db/open';
import type { Settings } from '@shared/contract';
import { inputContext, RAW_DIMS, rawDimsOf } from './inputs';
import { DayCalendar, TupleDict } from './tuples';
import { PackedRows } from './paths';

/** prev_day of a path's first touch, next_day of its last */
export const NO_PREV_DAY = 0;
export const NO_NEXT_DAY = 99_999_999;

/** A touch's kind and raw dims as one JSON text */
export const DIMS = (t: string, kind: TouchKind) => `json_array('${kind}', ${RAW_DIMS.map((d) => `${t}.${d}`).join(', ')})`;

/** Every call and request of a phone/e-mail without a lead or contact: one pass over the identity index. */
export const ORPHANS_SQL = `WITH orphan AS (SELECT value FROM ident GROUP BY value HAVING max(owner IN ('lead', 'contact')) = 0)
  SELECT o.value, c.at, ${DIMS('c', 'call')} FROM orphan o
    JOIN ident i ON i.value = o.value AND i.owner = 'call' JOIN ct_call c ON c.id = i.owner_id
  UNION ALL
  SELECT o.value, r.at, ${DIMS('r', 'request')} FROM orphan o
    JOIN ident i ON i.value = o.value AND i.owner = 'request' JOIN ct_request r ON r.id = i.owner_id
  ORDER BY 1, 2`;

/** The same for one value (no rows when it has a lead or contact). */
const VALUE_SQL = `SELECT i.value, c.at, ${DIMS('c', 'call')} FROM ident i JOIN ct_call c ON c.id = i.owner_id
   WHERE i.value = @v AND i.owner = 'call' AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = @v AND x.owner IN ('lead', 'contact'))
  UNION ALL
  SELECT i.value, r.at, ${DIMS('r', 'request')} FROM ident i JOIN ct_request r ON r.id = i.owner_id
   WHERE i.value = @v AND i.owner = 'request' AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = @v AND x.owner IN ('lead', 'contact'))
  ORDER BY 1, 2`;

/** Transition counts per day, keyed by (prev_day, next_day, prev_tuple, tuple). */
class NullCounts {
  readonly days = new Map<number, Map<string, number[]>>();

  /** One value's touches in time order, added (sign 1) or removed (−1). */
  apply(touches: readonly { at: number; tuple: number }[], cal: DayCalendar, sign: 1 | -1): void {
    const days = touches.map((t) => cal.day(t.at));
    touches.forEach((t, i) => {
      const prevDay = i > 0 ? days[i - 1]! : NO_PREV_DAY;
      const prevTuple = i > 0 ? touches[i - 1]!.tuple : 0;
      const nextDay = i < touches.length - 1 ? days[i + 1]! : NO_NEXT_DAY;
      let m = this.days.get(days[i]!);
      if (!m) this.days.set(days[i]!, (m = new Map()));
      PackedRows.merge(m, `${prevDay},${nextDay},${prevTuple},${t.tuple}`, [prevDay, nextDay, prevTuple, t.tuple, sign], 4);
    });
  }

  /** Writes the counts: into the emptied table ('replace') or added to what is there ('add'). */
  write(db: Db, mode: 'replace' | 'add'): void {
    const rows = new PackedRows(db, 'markov_null', ['day'], 5, 4, mode);
    for (const day of [...this.days.keys()].sort((a, b) => a - b)) {
      const merged = rows.read([day]);
      for (const [k, r] of this.days.get(day)!) PackedRows.merge(merged, k, r, 4);
      rows.write([day], merged, (r) => r[4] !== 0);
    }
  }
}

type OrphanRow = [string, number, string];

/** Stores rows [value, at, raw dims] ordered by value and time, and counts them into `acc`. */
function addRows(db: Db, rows: Iterable<OrphanRow>, tuples: TupleDict, cal: DayCalendar, acc: NullCounts): void {
  const ins = db.prepare('INSERT INTO markov_orphan (value, at, tuple) VALUES (?, ?, ?)');
  let value: string | null = null;
  let touches: { at: number; tuple: number }[] = [];
  // raw dims repeat: each is normalised once
  const tupleOfRaw = new Map<string, number>();
  const flush = () => {
    if (touches.length) acc.apply(touches, cal, 1);
    touches = [];
  };
  for (const [v, at, raw] of rows) {
    if (v !== value) {
      flush();
      value = v;
    }
    let tuple = tupleOfRaw.get(raw);
    if (tuple === undefined) {
      const [kind, ...values] = JSON.parse(raw) as [TouchKind, ...(string | null)[]];
      tuple = tuples.idOfRaw(rawDimsOf(values), kind);
      tupleOfRaw.set(raw, tuple);
    }
    ins.run(v, at, tuple);
    touches.push({ at, tuple });
  }
  flush();
}

const READY = "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'markov_orphans') AS r";

/** Are the non-converting paths counted (since the last full recompute)? */
export function orphanPathsReady(db: Db): boolean {
  return (db.prepare(READY).get() as { r: number }).r === 1;
}

/** A full recompute: the tables are emptied, to be filled by the next Markov report (call inside its transaction). */
export function dropOrphanPaths(db: Db): void {
  db.exec("DELETE FROM markov_orphan; DELETE FROM markov_null; DELETE FROM meta WHERE key = 'markov_orphans';");
}

/**
 * Fills the tables when a full recompute emptied them (one pass over the identity table).
 * False when they are not filled and cannot be (a read-only workspace).
 */
export function ensureOrphanPaths(db: Db, settings: Settings): boolean {
  if (orphanPathsReady(db)) return true;
  if (db.readonly) return false;
  db.transaction(() => {
    if (orphanPathsReady(db)) return;
    rebuildOrphanPaths(db, new TupleDict(db, inputContext(db, settings).norm), new DayCalendar(settings.timeZone));
    db.prepare("INSERT INTO meta (key, value) VALUES ('markov_orphans', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
  })();
  return true;
}

/** Rebuilds both tables from every orphan value (call inside a transaction, after the tracking rollups). */
function rebuildOrphanPaths(db: Db, tuples: TupleDict, cal: DayCalendar): void {
  db.exec('DELETE FROM markov_orphan; DELETE FROM markov_null;');
  const acc = new NullCounts();
  // read first: no writes (tuples, the touches) while a SELECT iterates
  addRows(db, db.prepare(ORPHANS_SQL).raw(true).all() as OrphanRow[], tuples, cal, acc);
  acc.write(db, 'replace');
}

/** Counts the given values again (those whose identities changed); call inside the incremental transaction. */
export function updateOrphanPaths(db: Db, tuples: TupleDict, cal: DayCalendar, values: readonly string[]): void {
  if (values.length === 0 || !orphanPathsReady(db)) return;
  const acc = new NullCounts();
  const old = db.prepare('SELECT at, tuple FROM markov_orphan WHERE value = ? ORDER BY at, rowid');
  const del = db.prepare('DELETE FROM markov_orphan WHERE value = ?');
  const fresh = db.prepare(VALUE_SQL).raw(true);
  for (const v of values) {
    const before = old.all(v) as { at: number; tuple: number }[];
    if (before.length) {
      acc.apply(before, cal, -1);
      del.run(v);
    }
    addRows(db, fresh.all({ v }) as OrphanRow[], tuples, cal, acc);
  }
  acc.write(db, 'add');
}
