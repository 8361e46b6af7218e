// ExportDoc → CSV: RFC 4180 (CRLF, quotes doubled), UTF-8 with BOM, `;` by default for Russian
// Excel (`,` optional), optional decimal comma, and the formula-injection guard of
// reports/csv.ts for text cells (numbers stay numbers). The parameter block comes first as
// «Параметр;Значение» lines, then an empty line, then the main table (the first of the doc).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { CsvOptions } from '@shared/contract';
import { csvCell } from '../reports/csv';
import type { Cell, ExportDoc } from './doc';
import { roundFor } from './labels';
import type { WriteHooks } from './write';

const pad = (n: number) => String(n).padStart(2, '0');

/** One CSV field. Text goes through the injection guard; numbers and dates are never touched by it. */
export function csvField(v: Cell, opts: CsvOptions, kind = 'text'): string {
  if (v === null) return '';
  if (v instanceof Date) {
    const d = `${pad(v.getUTCDate())}.${pad(v.getUTCMonth() + 1)}.${v.getUTCFullYear()}`;
    return kind === 'datetime' ? `${d} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}` : d;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return '';
    // plain digits (no grouping), money to kopecks, other numbers up to 6 decimals, so a
    // spreadsheet reads it as a number
    const s = String(roundFor(kind === 'money' ? 'money' : 'num', v));
    if (!opts.decimalComma) return s;
    const c = s.replace('.', ',');
    return opts.delimiter === ',' && c.includes(',') ? `"${c}"` : c;
  }
  return csvCell(v, opts.delimiter);
}

export async function writeCsv(doc: ExportDoc, path: string, opts: CsvOptions, hooks: WriteHooks, tableIndex = 0): Promise<number> {
  const table = doc.tables[tableIndex];
  if (!table) throw new Error('В выгрузке нет таблицы');
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([e]) => {
    throw e;
  });
  const write = async (s: string) => {
    if (!out.write(s)) await Promise.race([once(out, 'drain'), failed]);
  };
  const line = (cells: Cell[], kinds?: string[]) => cells.map((c, i) => csvField(c, opts, kinds?.[i])).join(opts.delimiter) + '\r\n';
  try {
    await write('\uFEFF');
    await write(line(['Параметр', 'Значение']));
    for (const [k, v] of [['Отчёт', doc.name] as [string, string], ...doc.params]) await write(line([k, v]));
    await write('\r\n');
    const kinds = table.columns.map((c) => c.kind);
    await write(line(table.columns.map((c) => c.header)));
    let count = 0;
    for await (const batch of table.rows(hooks.signal)) {
      hooks.signal?.throwIfAborted();
      let chunk = '';
      for (const r of batch) chunk += line(r.cells, kinds);
      await write(chunk);
      count += batch.length;
      hooks.progress(table.sheet, count, table.total);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    return count;
  } catch (err) {
    out.destroy();
    throw err;
  }
}
