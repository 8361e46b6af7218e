// Cost batches in the workspace: import (replace by key, never duplicate), list, delete; and the
// costs pulled from ad platforms as the costs panel lists them.
import type { ApiCostSource, CostBatch, CostImportResult, CostMapping } from '@shared/contract';
import { makeNormaliser } from '@shared/normalise';
import type { Settings } from '@shared/contract';
import type { Db } from '../db/open';
import { invalidInput, notFound } from '../errors';
import { parseCostsCsv, type CostRow } from './csv';
import { adDims } from './ad-mapping';

const KEY = (r: CostRow) => [r.day, r.source, r.medium, r.campaign, r.content, r.term].join('\u0001');

const addCount = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));

/** Same key twice in one file → summed (Metrica does the same for duplicate lines). */
function mergeByKey(rows: CostRow[]): CostRow[] {
  const map = new Map<string, CostRow>();
  for (const r of rows) {
    const k = KEY(r);
    const prev = map.get(k);
    if (prev && prev.currency === r.currency) {
      prev.amount = Math.round((prev.amount + r.amount) * 100) / 100;
      prev.impressions = addCount(prev.impressions, r.impressions);
      prev.clicks = addCount(prev.clicks, r.clicks);
    } else map.set(k, { ...r });
  }
  return [...map.values()];
}

/** Rows whose day + source / medium / campaign an ad platform's API already gives. */
function countShadowed(db: Db, settings: Settings, rows: CostRow[]): number {
  if (rows.length === 0) return 0;
  const days = rows.map((r) => r.day).sort();
  const api = db
    .prepare('SELECT DISTINCT day, platform, campaign_id, campaign_name FROM ad_cost WHERE day >= ? AND day <= ?')
    .all(days[0], days[days.length - 1]) as { day: string; platform: 'yandex_direct' | 'vk_ads'; campaign_id: string; campaign_name: string }[];
  if (api.length === 0) return 0;
  const norm = makeNormaliser(settings.normalisation);
  const key = (day: string, d: { source: string | null; medium: string | null; campaign: string | null }) => `${day}\u0001${d.source}\u0001${d.medium}\u0001${d.campaign}`;
  const covered = new Set(api.map((a) => key(a.day, norm.dims(adDims(settings, a.platform, a.campaign_id, a.campaign_name)))));
  return rows.filter((r) => covered.has(key(r.day, norm.dims(r)))).length;
}

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  defaultCurrency: string;
  skipErrors: boolean;
  dryRun: boolean;
  now: number;
  mapping?: CostMapping;
  /** to tell how many rows an API already covers */
  settings?: Settings;
}

export function importCosts(db: Db, o: ImportOptions): CostImportResult {
  const parsed = parseCostsCsv(o.bytes, o.defaultCurrency, o.mapping);
  const rows = mergeByKey(parsed.rows);
  const total = rows.reduce((s, r) => s + r.amount, 0);
  const base: CostImportResult = {
    batchId: null,
    lines: parsed.lines,
    rows: rows.length,
    total: Math.round(total * 100) / 100,
    errors: parsed.errors.slice(0, 200),
    errorCount: parsed.errors.length,
    encoding: parsed.encoding,
    delimiter: parsed.delimiter,
    preview: rows.slice(0, 20),
    header: parsed.header,
    headerLine: parsed.headerLine,
    columns: parsed.columns,
    layout: parsed.layout,
    source: parsed.source,
    medium: parsed.medium,
    shadowed: o.settings ? countShadowed(db, o.settings, rows) : 0,
  };
  if (o.dryRun) return base;
  if (parsed.errors.length > 0 && !o.skipErrors) {
    throw invalidInput(
      `В файле ${parsed.errors.length} ошибок (первая — строка ${parsed.errors[0]!.line}: ${parsed.errors[0]!.message}). ` +
        'Ничего не загружено. Исправьте файл или загрузите, пропустив ошибочные строки.',
    );
  }
  if (rows.length === 0) throw invalidInput('В файле нет строк с расходами.');
  const batchId = db.transaction(() => {
    const id = Number(
      db.prepare('INSERT INTO cost_batch (origin, file_name, imported_at, rows) VALUES (?, ?, ?, ?)').run('csv', o.fileName, o.now, rows.length)
        .lastInsertRowid,
    );
    const ins = db.prepare(
      `INSERT INTO cost (day, source, medium, campaign, content, term, amount, currency, impressions, clicks, batch_id)
       VALUES (@day, @source, @medium, @campaign, @content, @term, @amount, @currency, @impressions, @clicks, @batch)
       ON CONFLICT (day, source, medium, campaign, content, term)
       DO UPDATE SET amount = excluded.amount, currency = excluded.currency, impressions = excluded.impressions,
                     clicks = excluded.clicks, batch_id = excluded.batch_id`,
    );
    for (const r of rows) ins.run({ ...r, batch: id });
    // batches whose every row was replaced by this import are now empty
    db.prepare('DELETE FROM cost_batch WHERE id <> ? AND NOT EXISTS (SELECT 1 FROM cost WHERE cost.batch_id = cost_batch.id)').run(id);
    return id;
  })();
  return { ...base, batchId };
}

export function listCostBatches(db: Db): CostBatch[] {
  return (
    db
      .prepare(
        `SELECT b.id, b.origin, b.file_name, b.imported_at, count(c.day) AS rows, coalesce(sum(c.amount), 0) AS total,
                min(c.day) AS from_day, max(c.day) AS to_day
           FROM cost_batch b LEFT JOIN cost c ON c.batch_id = b.id GROUP BY b.id ORDER BY b.imported_at DESC, b.id DESC`,
      )
      .all() as { id: number; origin: string; file_name: string | null; imported_at: number; rows: number; total: number; from_day: string | null; to_day: string | null }[]
  ).map((b) => ({
    id: b.id,
    origin: b.origin === 'demo' ? 'demo' : 'csv',
    fileName: b.file_name,
    importedAt: new Date(b.imported_at).toISOString(),
    rows: b.rows,
    total: Math.round(b.total * 100) / 100,
    from: b.from_day,
    to: b.to_day,
  }));
}

export function deleteCostBatch(db: Db, id: number): void {
  const r = db.prepare('DELETE FROM cost_batch WHERE id = ?').run(id);
  if (r.changes === 0) throw notFound('Загрузка расходов не найдена — возможно, её уже удалили.');
}

/** Costs pulled from ad platforms, per platform and account (the costs panel). */
export function listApiCostSources(db: Db): ApiCostSource[] {
  const rows = db
    .prepare(
      `SELECT platform, account, currency, count(*) AS rows, sum(amount) AS total, min(day) AS from_day, max(day) AS to_day
         FROM ad_cost GROUP BY platform, account, currency ORDER BY platform, account`,
    )
    .all() as { platform: 'yandex_direct' | 'vk_ads'; account: string; currency: string; rows: number; total: number; from_day: string; to_day: string }[];
  const synced = new Map(
    (db.prepare('SELECT source, last_success_at FROM sync_status').all() as { source: string; last_success_at: number | null }[]).map((r) => [r.source, r.last_success_at]),
  );
  return rows.map((r) => {
    const at = synced.get(r.platform);
    return {
      platform: r.platform,
      account: r.account,
      rows: r.rows,
      total: Math.round(r.total * 100) / 100,
      currency: r.currency,
      from: r.from_day,
      to: r.to_day,
      lastSyncAt: at ? new Date(at).toISOString() : null,
    };
  });
}
