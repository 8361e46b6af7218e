// Schema 9: materialised Markov paths (issue 17; docs/REPORTS.md "Models"), so a Markov report
// sums daily counts instead of reading every conversion's touches.
// - markov_path: distinct touch sequences as tuple ids at the finest grouping ('' = no touches).
// - markov_day: per metric chain (0–3 leads, deals, won, visits by event day; 4–7 the same by
//   cohort day) and day, how many conversions took each path, and their value (won, visits): one
//   row per chain and day, its counts packed as float64 triples (path id, n, value) in path id
//   order — a year is 365 rows to read, not half a million (issue 17's 300 ms).
// - markov_orphan: the calls and requests of phones/e-mails without a lead or contact (the
//   non-converting paths), by value and time, so that a changed value can be recounted. This and
//   markov_null are filled by the first Markov report after a full recompute (meta
//   'markov_orphans'), then kept by the incremental recomputes.
// - markov_null: the same touches counted per (day, previous touch's day and tuple, next touch's
//   day, tuple): a non-converting path is cut to the report's period, so what adds up over days is
//   its transitions, not the path (prev_day 0 = first touch, next_day 99999999 = last). One row
//   per day, packed as float64 quintuples (prev_day, next_day, prev_tuple, tuple, n).
// Self-contained: it drops the rules mark, so the next report recomputes and fills the tables.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion10(db: Database.Database): void {
  db.exec(`
    CREATE TABLE markov_path (id INTEGER PRIMARY KEY, tuples TEXT NOT NULL UNIQUE);
    CREATE TABLE markov_day (
      chain INTEGER NOT NULL,
      day INTEGER NOT NULL,
      counts BLOB NOT NULL,
      PRIMARY KEY (chain, day)
    ) WITHOUT ROWID;
    CREATE TABLE markov_orphan (value TEXT NOT NULL, at INTEGER NOT NULL, tuple INTEGER NOT NULL);
    CREATE INDEX markov_orphan_value ON markov_orphan (value, at);
    CREATE TABLE markov_null (day INTEGER PRIMARY KEY, counts BLOB NOT NULL);
    DELETE FROM meta WHERE key = 'attribution_rules';
  `);
}
