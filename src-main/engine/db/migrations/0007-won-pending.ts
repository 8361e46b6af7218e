// Schema 7: won deals whose won time could not be read (a crm.stagehistory.list sub-call failed).
// The deal is written with the CLOSEDATE fallback and listed here; the next incremental sync asks
// again and writes the exact time (sources/bitrix24/stream-wontime.ts). Data health counts them.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion7(db: Database.Database): void {
  db.exec(`
    CREATE TABLE b24_won_pending (
      deal_id INTEGER PRIMARY KEY,
      first_failed_at INTEGER NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 1,
      last_error TEXT
    );
  `);
}
