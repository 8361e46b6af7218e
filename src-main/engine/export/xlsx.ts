// ExportDoc → XLSX through exceljs's streaming WorkbookWriter: every row is committed as soon as
// it is written, so a 200k-row deal list never sits in memory. A «Параметры» sheet carries the
// header block; every table sheet has a title line, a frozen header row with an autofilter,
// real numbers with formats (₽ with spaces, %, dates), widths sized to the content, the
// unattributed row in italics and a bold totals row.
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Cell, ExportDoc, Table } from './doc';
import { numFmt } from './labels';
import type { WriteHooks } from './write';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
const TOTAL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F4F6' } };
/** Printing a sheet from Excel: A4 landscape, one page wide, the header row on every page. */
const PAGE: Partial<ExcelJS.PageSetup> = { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
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
  // formatted: digits, group spaces, two decimals and a currency sign
  if (typeof v === 'number') return Math.min(20, String(Math.round(Math.abs(v))).length * 1.35 + 5);
  return v.length;
}

/**
 * Backpressure: exceljs pipes a sheet's XML into the zip without waiting, so a fast producer
 * piles it up in memory (a million-row sheet: ~700 MB). Wait until the zip has taken it.
 */
async function drained(sheet: ExcelJS.Worksheet): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: NodeJS.EventEmitter[] } }).stream?.pipes ?? [];
  for (const p of pipes) {
    const w = (p as unknown as { _writableState?: { length: number; highWaterMark: number } })._writableState;
    if (w && w.length > w.highWaterMark) await once(p, 'drain');
  }
}

export async function writeXlsx(doc: ExportDoc, path: string, hooks: WriteHooks): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  wb.creator = 'Skvoz';
  wb.created = new Date(hooks.now);
  const taken = new Set<string>();

  const params = wb.addWorksheet(sheetName('Параметры', taken), { pageSetup: PAGE });
  params.columns = [{ width: 26 }, { width: 70 }];
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
    pageSetup: PAGE,
  });
  sheet.pageSetup.printTitlesRow = '2:2';
  // the writer emits <cols> with the first committed row: size the columns from the header and
  // the first batch before anything is committed
  const iter = table.rows(hooks.signal)[Symbol.asyncIterator]();
  const first = await iter.next();
  const widths = table.columns.map((c) => Math.max(c.kind === 'text' ? 12 : 9, Math.min(24, c.header.length + 2)));
  if (!first.done) {
    for (const r of first.value.slice(0, 300)) r.cells.forEach((v, i) => (widths[i] = Math.max(widths[i]!, Math.min(50, widthOf(v, table.columns[i]!.kind) + 2))));
  }
  sheet.columns = table.columns.map((c, i) => ({ width: widths[i], style: { numFmt: numFmt(c.kind, doc.currency) } }));

  const head = sheet.addRow([table.title]);
  head.font = { bold: true, size: 12 };
  head.commit();
  const header = sheet.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.height = 32;
  header.eachCell((cell, col) => {
    const numeric = table.columns[col - 1]?.kind !== 'text';
    cell.alignment = { vertical: 'middle', wrapText: true, horizontal: numeric ? 'right' : 'left' };
    cell.fill = HEADER_FILL;
    cell.border = { bottom: THIN };
  });
  header.commit();
  sheet.autoFilter = { from: { row: 2, column: 1 }, to: { row: 2, column: n } };

  let count = 0;
  for (let next = first; !next.done; next = await iter.next()) {
    const batch = next.value;
    hooks.signal?.throwIfAborted();
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
    await drained(sheet);
    hooks.progress(table.sheet, before + count, table.total === null ? null : before + table.total);
  }
  sheet.commit();
  return count;
}
