// Schema 11: a drill-down newest first reads only what its page needs (issue 17, reports/drill.ts).
// - conv.tmask: the conversion's touch tuples as bits (attribution/tuples.ts tupleMask: a bit per
//   tuple up to 50, one shared by the later ones; 0 = no touches), computed here the same way.
// - conv_day (kind, day, at, tmask): a period's conversions of one kind walked day by day; a row's
//   tuples are looked for in the index, so only candidates are read from the table. Queries by
//   event day name the kinds they want (reports/conv-period.ts) so that they still use it.
// - conv_won_day (won_day, day), conv_cohort_day (cohort_day, day): the conversions counted by
//   their won (cohort) day whose own day lies outside the period are found in the index alone.
// A full recompute rebuilds the indexes from these definitions (materialise.ts).
import type Database from 'better-sqlite3';

export function updateToSchemaVersion11(db: Database.Database): void {
  db.exec(`
    ALTER TABLE conv ADD COLUMN tmask INTEGER NOT NULL DEFAULT 0;
    UPDATE conv SET tmask = (
      SELECT coalesce(sum(bit), 0) FROM (SELECT DISTINCT 1 << min(json_extract(j.value, '$[0]'), 51) AS bit FROM json_each(conv.touches) j)
    ) WHERE touches <> '[]';
    DROP INDEX conv_day;
    CREATE INDEX conv_day ON conv (kind, day, at, tmask);
    DROP INDEX conv_won_day;
    CREATE INDEX conv_won_day ON conv (won_day, day) WHERE won_day IS NOT NULL;
    DROP INDEX conv_cohort_day;
    CREATE INDEX conv_cohort_day ON conv (cohort_day, day);
  `);
}
