// Schema 1: raw CRM and call-tracking tables, identities, costs, sync state.
// Instants are INTEGER epoch milliseconds (UTC); money is kept as exact decimal TEXT as the
// source sent it; dimension values are stored as the source gave them (normalisation rules are
// applied when touches are derived, so changing a rule never needs a re-sync).
import type Database from 'better-sqlite3';

export function updateToSchemaVersion1(db: Database.Database): void {
  db.exec(`
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    );

    -- One row per resumable stream; written in the same transaction as the page it follows.
    CREATE TABLE sync_cursor (
      source TEXT NOT NULL,
      scope TEXT NOT NULL,
      cursor TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (source, scope)
    );

    CREATE TABLE sync_status (
      source TEXT PRIMARY KEY,
      last_success_at INTEGER,
      last_error_code TEXT,
      last_error_message TEXT,
      last_rows INTEGER NOT NULL DEFAULT 0
    );

    -- Bitrix24 dictionaries
    CREATE TABLE b24_status (
      entity_id TEXT NOT NULL,
      status_id TEXT NOT NULL,
      name TEXT NOT NULL,
      semantics TEXT,
      sort INTEGER,
      category_id INTEGER,
      PRIMARY KEY (entity_id, status_id)
    );
    CREATE TABLE b24_category (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      sort INTEGER,
      is_default INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE b24_currency (
      code TEXT PRIMARY KEY,
      amount_cnt INTEGER NOT NULL,
      amount TEXT NOT NULL,
      base INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE b24_user (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL
    );

    CREATE TABLE b24_lead (
      id INTEGER PRIMARY KEY,
      title TEXT,
      status_id TEXT,
      status_semantic TEXT,
      source_id TEXT,
      utm_source TEXT,
      utm_medium TEXT,
      utm_campaign TEXT,
      utm_content TEXT,
      utm_term TEXT,
      opportunity TEXT,
      currency_id TEXT,
      created_at INTEGER NOT NULL,
      modified_at INTEGER NOT NULL,
      closed_at INTEGER,
      contact_id INTEGER,
      assigned_by_id INTEGER,
      deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX b24_lead_created ON b24_lead (created_at);

    CREATE TABLE b24_deal (
      id INTEGER PRIMARY KEY,
      title TEXT,
      category_id INTEGER NOT NULL DEFAULT 0,
      stage_id TEXT,
      stage_semantic TEXT,
      opportunity TEXT,
      currency_id TEXT,
      created_at INTEGER NOT NULL,
      modified_at INTEGER NOT NULL,
      moved_at INTEGER,
      closedate TEXT,
      closed INTEGER NOT NULL DEFAULT 0,
      -- set when stage semantic is S: stage-history time, else MOVED_TIME, else CLOSEDATE
      won_at INTEGER,
      source_id TEXT,
      utm_source TEXT,
      utm_medium TEXT,
      utm_campaign TEXT,
      utm_content TEXT,
      utm_term TEXT,
      lead_id INTEGER,
      contact_id INTEGER,
      company_id INTEGER,
      assigned_by_id INTEGER,
      deleted INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX b24_deal_created ON b24_deal (created_at);
    CREATE INDEX b24_deal_won ON b24_deal (won_at) WHERE won_at IS NOT NULL;
    CREATE INDEX b24_deal_lead ON b24_deal (lead_id) WHERE lead_id IS NOT NULL;

    CREATE TABLE b24_contact (
      id INTEGER PRIMARY KEY,
      name TEXT,
      modified_at INTEGER,
      deleted INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE b24_deal_contact (
      deal_id INTEGER NOT NULL,
      contact_id INTEGER NOT NULL,
      PRIMARY KEY (deal_id, contact_id)
    ) WITHOUT ROWID;
    CREATE INDEX b24_deal_contact_contact ON b24_deal_contact (contact_id);

    -- Calltouch
    CREATE TABLE ct_call (
      id INTEGER PRIMARY KEY,
      site_id INTEGER NOT NULL,
      call_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      phone TEXT,
      duration INTEGER NOT NULL DEFAULT 0,
      successful INTEGER NOT NULL DEFAULT 0,
      unique_call INTEGER NOT NULL DEFAULT 0,
      target_call INTEGER NOT NULL DEFAULT 0,
      uniq_target_call INTEGER NOT NULL DEFAULT 0,
      callback_call INTEGER NOT NULL DEFAULT 0,
      source TEXT,
      medium TEXT,
      campaign TEXT,
      content TEXT,
      term TEXT,
      city TEXT,
      tags TEXT,
      -- the record as received, without nulls (for features that need more fields later)
      raw TEXT NOT NULL,
      UNIQUE (site_id, call_id)
    );
    CREATE INDEX ct_call_at ON ct_call (at);

    CREATE TABLE ct_request (
      id INTEGER PRIMARY KEY,
      site_id INTEGER NOT NULL,
      request_id INTEGER NOT NULL,
      at INTEGER NOT NULL,
      subject TEXT,
      unique_request INTEGER NOT NULL DEFAULT 0,
      target_request INTEGER NOT NULL DEFAULT 0,
      uniq_target_request INTEGER NOT NULL DEFAULT 0,
      source TEXT,
      medium TEXT,
      campaign TEXT,
      content TEXT,
      term TEXT,
      tags TEXT,
      raw TEXT NOT NULL,
      UNIQUE (site_id, request_id)
    );
    CREATE INDEX ct_request_at ON ct_request (at);

    -- Normalised phones (E.164) and e-mails (lower-case) of every record that carries them.
    -- owner: 'lead' | 'contact' | 'call' | 'request' | 'visit'; owner_id: b24 id or local row id.
    CREATE TABLE ident (
      owner TEXT NOT NULL,
      owner_id INTEGER NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
      value TEXT NOT NULL,
      PRIMARY KEY (owner, owner_id, kind, value)
    ) WITHOUT ROWID;
    CREATE INDEX ident_value ON ident (value, owner);

    -- Costs (imported CSV or demo); '' means "not given at this level".
    CREATE TABLE cost_batch (
      id INTEGER PRIMARY KEY,
      origin TEXT NOT NULL,
      file_name TEXT,
      imported_at INTEGER NOT NULL,
      rows INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE cost (
      day TEXT NOT NULL,
      source TEXT NOT NULL DEFAULT '',
      medium TEXT NOT NULL DEFAULT '',
      campaign TEXT NOT NULL DEFAULT '',
      content TEXT NOT NULL DEFAULT '',
      term TEXT NOT NULL DEFAULT '',
      amount REAL NOT NULL,
      currency TEXT NOT NULL,
      batch_id INTEGER REFERENCES cost_batch (id) ON DELETE CASCADE,
      PRIMARY KEY (day, source, medium, campaign, content, term)
    ) WITHOUT ROWID;
    CREATE INDEX cost_batch_idx ON cost (batch_id);
  `);
}
