// Schema 5: covering indexes over what a full attribution recompute and the tracking rollup read
// from calls and requests. The tables carry each record as received (`raw`, ≈ 1 KB a row), so a
// scan of the table reads ≈ 2 GB on a large workspace; the index holds ≈ 5 % of it.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion5(db: Database.Database): void {
  db.exec(`
    CREATE INDEX ct_call_touch ON ct_call (id, at, site_id, uniq_target_call, source, medium, campaign, content, term);
    CREATE INDEX ct_request_touch ON ct_request (id, at, site_id, uniq_target_request, source, medium, campaign, content, term);
  `);
}
