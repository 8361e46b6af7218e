// One export, start to finish: build the doc, write it next to the target as `<file>.part`, then
// rename — a cancelled or failed export never leaves a half-written file under the user's name.
import { rmSync, renameSync, statSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ExportRun } from '@shared/contract';
import type { Workspace } from '../workspace';
import { SkvozError } from '../errors';
import { buildDoc, type ExportDoc } from './doc';
import { writeXlsx } from './xlsx';
import { writeCsv } from './csv';
import { printHtml } from './html';

export interface WriteHooks {
  now: number;
  signal?: AbortSignal;
  progress: (stage: string, done: number, total: number | null) => void;
}

/** Renders print HTML to a PDF file (Electron's printToPDF in the app, Chromium in the CLI/tests). */
export type PdfRenderer = (html: string, path: string) => Promise<void>;

export interface ExportOutcome {
  path: string;
  rows: number;
  bytes: number;
  doc: Pick<ExportDoc, 'name' | 'from' | 'to'>;
}

export async function runExport(ws: Workspace, run: ExportRun, hooks: WriteHooks & { pdf?: PdfRenderer }): Promise<ExportOutcome> {
  const doc = buildDoc({ ws, now: hooks.now }, run.what);
  return writeDoc(doc, run, hooks);
}

export async function writeDoc(doc: ExportDoc, run: Pick<ExportRun, 'format' | 'path' | 'csv'>, hooks: WriteHooks & { pdf?: PdfRenderer }): Promise<ExportOutcome> {
  const part = `${run.path}.part`;
  try {
    mkdirSync(dirname(run.path), { recursive: true });
  } catch {
    throw new SkvozError('invalid_input', `Не удалось создать папку ${dirname(run.path)}. Выберите другую папку.`);
  }
  let rows = 0;
  try {
    if (run.format === 'xlsx') rows = await writeXlsx(doc, part, hooks);
    else if (run.format === 'csv') rows = await writeCsv(doc, part, run.csv, hooks);
    else {
      if (!hooks.pdf) throw new SkvozError('invalid_input', 'PDF создаётся в приложении Skvoz (нужен встроенный браузер для печати).');
      rows = doc.report?.rows.length ?? 0;
      await hooks.pdf(await printHtml(doc, hooks.signal), part);
    }
    hooks.signal?.throwIfAborted();
    renameSync(part, run.path);
  } catch (err) {
    rmSync(part, { force: true });
    if (hooks.signal?.aborted) throw new SkvozError('cancelled', 'Выгрузка отменена, файл не сохранён.');
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EBUSY') {
      throw new SkvozError('invalid_input', `Нет доступа к файлу ${run.path}: возможно, он открыт в Excel. Закройте его или выберите другое имя.`);
    }
    if (code === 'ENOSPC') throw new SkvozError('invalid_input', 'На диске закончилось место — освободите место или выберите другой диск.');
    throw err;
  }
  return { path: run.path, rows, bytes: statSync(run.path).size, doc: { name: doc.name, from: doc.from, to: doc.to } };
}
