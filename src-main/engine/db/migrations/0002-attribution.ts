// Schema 2: materialised attribution.
// - conv: one row per conversion (lead, deal, later visits) with its eligible touches, ordered,
//   as compact JSON [[tupleId, at, direct], …] — enough to recompute any classic model's weights.
// - dim_tuple: normalised (source, medium, campaign, content, term) tuples; id 0 = unattributed.
// - rollup / rollup_cohort: per (model, day, tuple) sums of weights, by event day and by cohort day.
// - rollup_tracking: calls/requests per (day, tuple, site) by their own dimensions.
// - dirty_*: filled by triggers whenever an input changes, so incremental recompute needs no
//   cooperation from the code that wrote the row.
import type Database from 'better-sqlite3';

export function updateToSchemaVersion2(db: Database.Database): void {
  db.exec(`
    CREATE TABLE dim_tuple (
      id INTEGER PRIMARY KEY,
      source TEXT,
      medium TEXT,
      campaign TEXT,
      content TEXT,
      term TEXT,
      direct INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX dim_tuple_key ON dim_tuple (
      coalesce(source, char(1)), coalesce(medium, char(1)), coalesce(campaign, char(1)),
      coalesce(content, char(1)), coalesce(term, char(1)));

    CREATE TABLE conv (
      id INTEGER PRIMARY KEY,
      kind INTEGER NOT NULL,          -- 1 lead, 2 deal, 3 visit
      ref_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      day INTEGER NOT NULL,           -- yyyymmdd in the reporting time zone
      won_day INTEGER,
      cohort_day INTEGER NOT NULL,    -- day of the originating lead (or of itself)
      revenue REAL NOT NULL DEFAULT 0,
      category INTEGER,
      assigned INTEGER,
      reason TEXT,                    -- no_contact | no_match | outside_window when no touch
      touches TEXT NOT NULL DEFAULT '[]',
      UNIQUE (kind, ref_id)
    );
    CREATE INDEX conv_day ON conv (day);
    CREATE INDEX conv_won_day ON conv (won_day) WHERE won_day IS NOT NULL;
    CREATE INDEX conv_cohort_day ON conv (cohort_day);

    CREATE TABLE rollup (
      model INTEGER NOT NULL,
      day INTEGER NOT NULL,
      tuple_id INTEGER NOT NULL,
      leads REAL NOT NULL DEFAULT 0,
      deals REAL NOT NULL DEFAULT 0,
      won REAL NOT NULL DEFAULT 0,
      revenue REAL NOT NULL DEFAULT 0,
      visits REAL NOT NULL DEFAULT 0,
      visit_revenue REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (model, day, tuple_id)
    ) WITHOUT ROWID;
    CREATE TABLE rollup_cohort (
      model INTEGER NOT NULL,
      day INTEGER NOT NULL,
      tuple_id INTEGER NOT NULL,
      leads REAL NOT NULL DEFAULT 0,
      deals REAL NOT NULL DEFAULT 0,
      won REAL NOT NULL DEFAULT 0,
      revenue REAL NOT NULL DEFAULT 0,
      visits REAL NOT NULL DEFAULT 0,
      visit_revenue REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (model, day, tuple_id)
    ) WITHOUT ROWID;
    CREATE TABLE rollup_tracking (
      day INTEGER NOT NULL,
      tuple_id INTEGER NOT NULL,
      site_id INTEGER NOT NULL,
      calls INTEGER NOT NULL DEFAULT 0,
      ut_calls INTEGER NOT NULL DEFAULT 0,
      requests INTEGER NOT NULL DEFAULT 0,
      ut_requests INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (day, tuple_id, site_id)
    ) WITHOUT ROWID;

    CREATE TABLE dirty_conv (kind INTEGER NOT NULL, ref_id INTEGER NOT NULL, PRIMARY KEY (kind, ref_id)) WITHOUT ROWID;
    CREATE TABLE dirty_value (value TEXT PRIMARY KEY) WITHOUT ROWID;
    -- 15-minute slots (at / 900000) with changed calls or requests
    CREATE TABLE dirty_slot (slot INTEGER PRIMARY KEY);

    CREATE TRIGGER b24_lead_ins AFTER INSERT ON b24_lead BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (1, NEW.id);
      INSERT OR IGNORE INTO dirty_conv SELECT 2, id FROM b24_deal WHERE lead_id = NEW.id;
    END;
    CREATE TRIGGER b24_lead_upd AFTER UPDATE ON b24_lead BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (1, NEW.id);
      INSERT OR IGNORE INTO dirty_conv SELECT 2, id FROM b24_deal WHERE lead_id = NEW.id;
    END;
    CREATE TRIGGER b24_deal_ins AFTER INSERT ON b24_deal BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (2, NEW.id);
    END;
    CREATE TRIGGER b24_deal_upd AFTER UPDATE ON b24_deal BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (2, NEW.id);
    END;
    CREATE TRIGGER b24_deal_contact_ins AFTER INSERT ON b24_deal_contact BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (2, NEW.deal_id);
    END;
    CREATE TRIGGER b24_deal_contact_del AFTER DELETE ON b24_deal_contact BEGIN
      INSERT OR IGNORE INTO dirty_conv VALUES (2, OLD.deal_id);
    END;
    CREATE TRIGGER ident_ins AFTER INSERT ON ident BEGIN
      INSERT OR IGNORE INTO dirty_value VALUES (NEW.value);
    END;
    CREATE TRIGGER ident_del AFTER DELETE ON ident BEGIN
      INSERT OR IGNORE INTO dirty_value VALUES (OLD.value);
    END;
    CREATE TRIGGER ct_call_ins AFTER INSERT ON ct_call BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (NEW.at / 900000);
    END;
    CREATE TRIGGER ct_call_upd AFTER UPDATE ON ct_call
    WHEN OLD.at IS NOT NEW.at OR OLD.site_id IS NOT NEW.site_id OR OLD.uniq_target_call IS NOT NEW.uniq_target_call
      OR OLD.source IS NOT NEW.source OR OLD.medium IS NOT NEW.medium OR OLD.campaign IS NOT NEW.campaign
      OR OLD.content IS NOT NEW.content OR OLD.term IS NOT NEW.term BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (OLD.at / 900000);
      INSERT OR IGNORE INTO dirty_slot VALUES (NEW.at / 900000);
      INSERT OR IGNORE INTO dirty_value SELECT value FROM ident WHERE owner = 'call' AND owner_id = NEW.id;
    END;
    CREATE TRIGGER ct_request_ins AFTER INSERT ON ct_request BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (NEW.at / 900000);
    END;
    CREATE TRIGGER ct_request_upd AFTER UPDATE ON ct_request
    WHEN OLD.at IS NOT NEW.at OR OLD.site_id IS NOT NEW.site_id OR OLD.uniq_target_request IS NOT NEW.uniq_target_request
      OR OLD.source IS NOT NEW.source OR OLD.medium IS NOT NEW.medium OR OLD.campaign IS NOT NEW.campaign
      OR OLD.content IS NOT NEW.content OR OLD.term IS NOT NEW.term BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (OLD.at / 900000);
      INSERT OR IGNORE INTO dirty_slot VALUES (NEW.at / 900000);
      INSERT OR IGNORE INTO dirty_value SELECT value FROM ident WHERE owner = 'request' AND owner_id = NEW.id;
    END;
    CREATE TRIGGER ct_call_del AFTER DELETE ON ct_call BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (OLD.at / 900000);
    END;
    CREATE TRIGGER ct_request_del AFTER DELETE ON ct_request BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (OLD.at / 900000);
    END;
  `);
}
