// Schema 4: what the outbox needs to send exactly once and to forward CRM deals.
// - outbox.verify = 1 while a request carrying the row may have reached the server (set together
//   with state 'sending', kept after an ambiguous failure: timeout, dropped connection, 5xx).
//   Such a row is looked up in the remote system (orders journal / ORIGIN_ID) before any resend.
// - outbox.payload: what the message carried when sent (JSON), so a changed CRM deal is detected
//   and forwarded with an update only when stage, amount or status date really changed.
// - visit.status_at: when the visit's status was last set (Calltouch statusDate); NULL = at.
// - outbox_visit_latest: one index seek finds a visit's latest row per target and op.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion4(db: Database.Database): void {
  db.exec(`
    ALTER TABLE visit ADD COLUMN status_at INTEGER;
    ALTER TABLE outbox ADD COLUMN verify INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN payload TEXT;
    CREATE INDEX outbox_deal ON outbox (b24_deal_id) WHERE b24_deal_id IS NOT NULL;
    -- the latest row of a visit per target and op (the visit list derives its state from them)
    CREATE INDEX outbox_visit_latest ON outbox (visit_id, target, op, id);
  `);
}
