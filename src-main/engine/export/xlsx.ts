// ExportDoc → XLSX through exceljs's streaming WorkbookWriter: every row is committed as soon as
// it is written, so a 200k-row deal list never sits in memory. A «Параметры» sheet carries the
// header block; every table sheet has a title line, a frozen header row with an autofilter,
// real numbers with formats (₽ with spaces, %, dates), widths sized to the content, the
// unattributed row in italics and a bold totals row.
import ExcelJS from 'exceljs';
import type { Cell, ExportDoc, Table } from './doc';
import { numFmt } from './labels';
import type { WriteHooks } from './write';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
const TOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FF9CA3AF' } };

/** Sheet names: ≤ 31 characters, none of []:*?/\, unique in the book. */
export function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31) || 'Лист';
  let out = base;
  for (let i = 2; taken.has(out.toLowerCase()); i++) out = `${base.slice(0, 28)} ${i}`;
  taken.add(out.toLowerCase());
  return out;
}

function widthOf(v: Cell, kind: string): number {
  if (v === null) return 0;
  if (v instanceof Date) return kind === 'datetime' ? 16 : 11;
  if (typeof v === 'number') return Math.min(18, Math.abs(v) >= 1000 ? String(Math.round(v)).length + 6 : 8);
  return v.length;
}

export async function writeXlsx(doc: ExportDoc, path: string, hooks: WriteHooks): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = 'Skvoz';
  wb.created = new Date(hooks.now);
  const taken = new Set<string>();

  const params = wb.addWorksheet(sheetName('Параметры', taken));
  params.columns = [{ width: 26 }, { width: 60 }];
  const title = params.addRow([`Skvoz · ${doc.name}`]);
  title.font = { bold: true, size: 14 };
  title.commit();
  params.addRow([]).commit();
  for (const [k, v] of doc.params) {
    const r = params.addRow([k, v]);
    r.getCell(1).font = { bold: true };
    r.commit();
  }
  params.addRow([]).commit();
  const toc = params.addRow(['Листы', doc.tables.map((t) => t.sheet).join(', ')]);
  toc.getCell(1).font = { bold: true };
  toc.commit();
  params.commit();

  let written = 0;
  for (const table of doc.tables) written += await writeTable(wb, table, doc, taken, hooks, written);
  await wb.commit();
  return written;
}

async function writeTable(wb: ExcelJS.stream.xlsx.WorkbookWriter, table: Table, doc: ExportDoc, taken: Set<string>, hooks: WriteHooks, before: number): Promise<number> {
  const n = table.columns.length;
  const sheet = wb.addWorksheet(sheetName(table.sheet, taken), {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 2, activeCell: 'A3' }],
  });
  // widths from the header and the first batch; numbers right-aligned by Excel itself
  const widths = table.columns.map((c) => Math.max(10, Math.min(40, c.header.length + 2)));
  sheet.columns = table.columns.map((c, i) => ({ width: widths[i], style: { numFmt: numFmt(c.kind, doc.currency) } }));

  const head = sheet.addRow([table.title]);
  head.font = { bold: true, size: 12 };
  head.commit();
  const header = sheet.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.height = 32;
  header.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.border = { bottom: THIN };
  });
  header.commit();
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: n } };

  let count = 0;
  let sized = false;
  for await (const batch of table.rows(hooks.signal)) {
    hooks.signal?.throwIfAborted();
    if (!sized) {
      // column widths: set before the first data row is committed (the writer emits <cols> then)
      for (const r of batch.slice(0, 200)) r.cells.forEach((v, i) => (widths[i] = Math.max(widths[i]!, Math.min(50, widthOf(v, table.columns[i]!.kind) + 2))));
      table.columns.forEach((_, i) => (sheet.getColumn(i + 1).width = widths[i]));
      sized = true;
    }
    for (const r of batch) {
      const row = sheet.addRow(r.cells.map((v) => (v === null ? null : v)));
      if (r.style === 'total') {
        row.font = { bold: true };
        row.eachCell({ includeEmpty: true }, (cell) => {
          cell.fill = TOTAL_FILL;
          cell.border = { top: THIN };
        });
      } else if (r.style === 'unattributed') {
        row.font = { italic: true, color: { argb: 'FF6B7280' } };
      }
      row.commit();
    }
    count += batch.length;
    hooks.progress(table.sheet, before + count, table.total === null ? null : before + table.total);
  }
  sheet.commit();
  return count;
}
