// Schema 9: lead enrichment (issue 19; docs/REPORTS.md «Город, устройство, посадочная»).
// - ct_call / ct_request: city (calls had it), device category, browser, OS, landing page URL,
//   referrer, Yandex Metrica and Google client ids, Yandex Direct campaign / ad group / ad /
//   keyword ids — backfilled from each record's stored raw JSON by the same mapping a sync uses,
//   so no re-sync is needed.
// - dim_tuple.city / device / landing: report dimensions (landing is the page's path); part of the
//   tuple's identity. The touch indexes of schema 5 cover them, and a change of them marks the
//   record's conversions for recompute as a change of its UTM does.
// The stored attribution predates them: its rules mark is dropped, so the next report recomputes.
import type Database from 'better-sqlite3';
import { ENRICHMENT_COLUMNS, ENRICHMENT_FIELDS, type Enrichment } from '@shared/enrich';
import { callEnrichment, requestEnrichment } from '../../sources/calltouch/enrich';

const COLS = Object.values(ENRICHMENT_COLUMNS);
const TOUCH_DIMS = 'source, medium, campaign, content, term, city, device, landing';

function changedWhen(ut: string): string {
  const cols = ['at', 'site_id', ut, ...TOUCH_DIMS.split(', ')];
  return cols.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
}

function touchTrigger(table: 'ct_call' | 'ct_request', owner: 'call' | 'request', ut: string): string {
  return `
    DROP TRIGGER ${table}_upd;
    CREATE TRIGGER ${table}_upd AFTER UPDATE ON ${table}
    WHEN ${changedWhen(ut)} BEGIN
      INSERT OR IGNORE INTO dirty_slot VALUES (OLD.at / 900000);
      INSERT OR IGNORE INTO dirty_slot VALUES (NEW.at / 900000);
      INSERT OR IGNORE INTO dirty_value SELECT value FROM ident WHERE owner = '${owner}' AND owner_id = NEW.id;
    END;
    DROP INDEX ${table}_touch;
    CREATE INDEX ${table}_touch ON ${table} (id, at, site_id, ${ut}, ${TOUCH_DIMS});`;
}

/** Fills the columns from each record's raw JSON, in id ranges (a large workspace holds GBs of it). */
function backfill(db: Database.Database, table: string, enrich: (raw: Record<string, unknown>) => Enrichment): void {
  const update = db.prepare(`UPDATE ${table} SET ${COLS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`);
  const page = db.prepare(`SELECT id, raw FROM ${table} WHERE id > ? ORDER BY id LIMIT 2000`).raw(true);
  for (let after = -1; ; ) {
    const rows = page.all(after) as [number, string][];
    if (rows.length === 0) return;
    for (const [id, raw] of rows) {
      after = id;
      let rec: unknown;
      try {
        rec = JSON.parse(raw);
      } catch {
        continue;
      }
      if (!rec || typeof rec !== 'object' || Array.isArray(rec)) continue;
      const e = enrich(rec as Record<string, unknown>);
      update.run(...ENRICHMENT_FIELDS.map((f) => e[f]), id);
    }
  }
}

export function updateToSchemaVersion9(db: Database.Database): void {
  const added = (have: readonly string[]) => COLS.filter((c) => !have.includes(c)).map((c) => `${c} TEXT`);
  for (const [table, have] of [
    ['ct_call', ['city']],
    ['ct_request', []],
  ] as const) {
    for (const col of added(have)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${col}`);
  }
  // filled before the new triggers and touch indexes exist: the schema-2 triggers do not look at
  // these columns, so the backfill marks nothing dirty and the indexes are built once, after it
  backfill(db, 'ct_call', callEnrichment);
  backfill(db, 'ct_request', requestEnrichment);
  db.exec(`
    ${touchTrigger('ct_call', 'call', 'uniq_target_call')}
    ${touchTrigger('ct_request', 'request', 'uniq_target_request')}
    ALTER TABLE dim_tuple ADD COLUMN city TEXT;
    ALTER TABLE dim_tuple ADD COLUMN device TEXT;
    ALTER TABLE dim_tuple ADD COLUMN landing TEXT;
    DROP INDEX dim_tuple_key;
    CREATE UNIQUE INDEX dim_tuple_key ON dim_tuple (
      coalesce(channel, char(1)), coalesce(source, char(1)), coalesce(medium, char(1)), coalesce(campaign, char(1)),
      coalesce(content, char(1)), coalesce(term, char(1)), coalesce(city, char(1)), coalesce(device, char(1)),
      coalesce(landing, char(1)));
    DELETE FROM meta WHERE key = 'attribution_rules';
    -- the full recompute the dropped rules mark causes reads everything: nothing is left to do incrementally
    DELETE FROM dirty_slot;
    DELETE FROM dirty_value;
  `);
}
