// Cost batches in the workspace: import (replace by key, never duplicate), list, delete.
import type { CostBatch, CostImportResult } from '@shared/contract';
import type { Db } from '../db/open';
import { invalidInput, notFound } from '../errors';
import { parseCostsCsv, type CostRow } from './csv';

const KEY = (r: CostRow) => [r.day, r.source, r.medium, r.campaign, r.content, r.term].join('\u0001');

/** Same key twice in one file → summed (Metrica does the same for duplicate lines). */
function mergeByKey(rows: CostRow[]): CostRow[] {
  const map = new Map<string, CostRow>();
  for (const r of rows) {
    const k = KEY(r);
    const prev = map.get(k);
    if (prev && prev.currency === r.currency) prev.amount = Math.round((prev.amount + r.amount) * 100) / 100;
    else map.set(k, { ...r });
  }
  return [...map.values()];
}

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  defaultCurrency: string;
  skipErrors: boolean;
  dryRun: boolean;
  now: number;
}

export function importCosts(db: Db, o: ImportOptions): CostImportResult {
  const parsed = parseCostsCsv(o.bytes, o.defaultCurrency);
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
      `INSERT INTO cost (day, source, medium, campaign, content, term, amount, currency, batch_id)
       VALUES (@day, @source, @medium, @campaign, @content, @term, @amount, @currency, @batch)
       ON CONFLICT (day, source, medium, campaign, content, term)
       DO UPDATE SET amount = excluded.amount, currency = excluded.currency, batch_id = excluded.batch_id`,
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
