// Schema 8: channels (docs/REPORTS.md «Каналы»).
// - dim_tuple.channel: the channel the workspace's rules gave the tuple's touches; part of the
//   tuple's identity (the same values can belong to two channels: a call and a form request with
//   no source are «Звонки без метки» and «Прямые заходы»).
// - dim_label: what a report shows for a case-insensitive value (dim, lower-case key): the most
//   frequent original spelling, chosen at each full recompute.
// The stored attribution predates both: its rules mark is dropped, so the next report recomputes.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion8(db: Database.Database): void {
  db.exec(`
    ALTER TABLE dim_tuple ADD COLUMN channel TEXT;
    DROP INDEX dim_tuple_key;
    CREATE UNIQUE INDEX dim_tuple_key ON dim_tuple (
      coalesce(channel, char(1)), coalesce(source, char(1)), coalesce(medium, char(1)), coalesce(campaign, char(1)),
      coalesce(content, char(1)), coalesce(term, char(1)));
    CREATE TABLE dim_label (
      dim TEXT NOT NULL,
      key TEXT NOT NULL,
      label TEXT NOT NULL,
      PRIMARY KEY (dim, key)
    ) WITHOUT ROWID;
    DELETE FROM meta WHERE key = 'attribution_rules';
  `);
}
