// Schema 6 (issues 14, 16): impressions and clicks on imported cost rows, and costs pulled from ad
// platforms (Yandex Direct, VK Ads) kept per platform, account, campaign id and day — apart from
// the CSV rows, so both coexist; the reports let an API day+campaign replace a CSV row of the same
// source / medium / campaign (engine/costs/report-costs.ts).
import type Database from 'better-sqlite3';

export function updateToSchemaVersion6(db: Database.Database): void {
  db.exec(`
    ALTER TABLE cost ADD COLUMN impressions INTEGER;
    ALTER TABLE cost ADD COLUMN clicks INTEGER;

    CREATE TABLE ad_cost (
      platform TEXT NOT NULL,
      account TEXT NOT NULL DEFAULT '',
      campaign_id TEXT NOT NULL,
      day TEXT NOT NULL,
      campaign_name TEXT NOT NULL DEFAULT '',
      impressions INTEGER,
      clicks INTEGER,
      amount REAL NOT NULL,
      currency TEXT NOT NULL,
      PRIMARY KEY (platform, account, campaign_id, day)
    ) WITHOUT ROWID;
    -- covering: a report reads a period's rows without touching the table
    CREATE INDEX ad_cost_day ON ad_cost (day, platform, campaign_id, campaign_name, currency, amount, impressions, clicks);
  `);
}
