// Schema 3: offline visits and the durable outbox that sends them (and later CRM deals) out.
// A visit is written first, with a stable order number; sending is a separate, resumable step.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion3(db: Database.Database): void {
  db.exec(`
    CREATE TABLE visit (
      id INTEGER PRIMARY KEY,
      order_number TEXT NOT NULL UNIQUE,
      site_id INTEGER,
      name TEXT,
      phones TEXT NOT NULL DEFAULT '[]',      -- JSON array of E.164 phones
      emails TEXT NOT NULL DEFAULT '[]',      -- JSON array of lower-case e-mails
      at INTEGER NOT NULL,                    -- visit time (epoch ms)
      revenue TEXT NOT NULL DEFAULT '0',      -- exact decimal, report currency
      status TEXT NOT NULL,
      tags TEXT NOT NULL DEFAULT '[]',
      comment TEXT NOT NULL DEFAULT '',
      create_in_b24 INTEGER NOT NULL DEFAULT 0,
      b24_entity TEXT,                        -- 'lead' | 'deal' once created in Bitrix24
      b24_id INTEGER,
      cancelled INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX visit_at ON visit (at);

    -- One row per message to an external system. States:
    -- queued → sending → sent | failed (retry at next_at) | rejected (needs the user) | cancelled.
    -- 'sending' rows found at start-up are ambiguous (crash mid-request): reconcile before resending.
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY,
      target TEXT NOT NULL CHECK (target IN ('calltouch', 'bitrix24')),
      op TEXT NOT NULL CHECK (op IN ('create', 'update')),
      visit_id INTEGER REFERENCES visit (id),
      b24_deal_id INTEGER,                    -- forwarding a synced Bitrix24 deal to Calltouch
      order_number TEXT NOT NULL,
      site_id INTEGER,
      state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'rejected', 'cancelled')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      remote_id TEXT,                         -- calltouchOrderId / Bitrix24 id
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      sent_at INTEGER
    );
    CREATE INDEX outbox_state ON outbox (state, next_at);
    CREATE INDEX outbox_visit ON outbox (visit_id);
    CREATE INDEX outbox_order ON outbox (order_number);

    CREATE TRIGGER visit_ins AFTER INSERT ON visit BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (3, NEW.id);
    END;
    CREATE TRIGGER visit_upd AFTER UPDATE ON visit BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (3, NEW.id);
    END;
  `);
}
