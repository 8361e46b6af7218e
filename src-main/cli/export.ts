// `skvoz export` (issue 8): a saved view or a report (the options of `skvoz report`) to XLSX, CSV
// or PDF, for cron / Windows Task Scheduler. Same engine, same files as the app's export menu.
// PDF needs a browser to print: the app uses its built-in one; here a locally installed Chromium,
// Chrome or Edge is driven through playwright-core (SKVOZ_CHROMIUM=path overrides the search).
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExportRunSchema, ReportQuerySchema, exportFileName, type ExportWhatInput, type ExportFormat } from '@shared/contract';
import { Engine } from '../engine/engine';
import { Workspace } from '../engine/workspace';
import { findView } from '../engine/views/store';
import { buildDoc } from '../engine/export/doc';
import { writeDoc } from '../engine/export/write';
import { chromiumPdfRenderer } from '../engine/export/chromium';
import { fromZod, toAppError } from '../engine/errors';
import { envSecrets } from './env-secrets';

export const EXPORT_HELP = `  skvoz export --workspace DIR (--view НАЗВАНИЕ | --from YYYY-MM-DD --to YYYY-MM-DD [--group …]
               [--model MODEL] [--basis event|cohort] [--compare previous|weekdays|year])
               [--what report|dashboard|models|deals|health] --format xlsx|csv|pdf --out FILE|ПАПКА
               [--levels] [--pivot] [--models] [--delimiter ';'|','] [--decimal-comma]
      Выгрузка в файл / export to a file. --out ПАПКА → Skvoz_<отчёт>_<с>_<по>.<ext>.
      PDF печатает установленный Chromium / Chrome / Edge (SKVOZ_CHROMIUM=путь), иначе — в приложении.`;

class ExportCliError extends Error {}
const fail = (ru: string, en: string): never => {
  throw new ExportCliError(`${ru} / ${en}`);
};

export async function runExportCli(args: string[]): Promise<number> {
  try {
    await exportCommand(args);
    return 0;
  } catch (err) {
    const msg = err instanceof ExportCliError ? err.message : toAppError(err).message;
    process.stderr.write(`skvoz: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}

async function exportCommand(args: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: {
      workspace: { type: 'string' },
      view: { type: 'string' },
      what: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      group: { type: 'string' },
      model: { type: 'string' },
      basis: { type: 'string' },
      compare: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      levels: { type: 'boolean' },
      pivot: { type: 'boolean' },
      models: { type: 'boolean' },
      delimiter: { type: 'string' },
      'decimal-comma': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
  });
  if (!v.workspace) fail('не указан --workspace', 'missing --workspace');
  const dir = resolve(v.workspace!);
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
  const format = v.format as ExportFormat | undefined;
  if (format !== 'xlsx' && format !== 'csv' && format !== 'pdf') fail('--format: xlsx, csv или pdf', '--format must be xlsx, csv or pdf');
  if (!v.out) fail('не указан --out', 'missing --out');
  const sheets = { levels: v.levels === true, series: true, models: v.models === true, pivot: v.pivot === true };

  const pdf = format === 'pdf' ? await chromiumPdfRenderer() : undefined;
  if (format === 'pdf' && !pdf) {
    fail(
      'для PDF нужен браузер: установите Chromium или Chrome (или укажите SKVOZ_CHROMIUM=путь) либо выгрузите PDF в приложении Skvoz',
      'PDF needs a browser: install Chromium/Chrome (or set SKVOZ_CHROMIUM) or export the PDF from the Skvoz app',
    );
  }
  const engine = new Engine({ workspaceDir: dir, secrets: envSecrets(), pdf: pdf ?? undefined });
  try {
    const ws = engine.workspace;
    let what: ExportWhatInput;
    if (v.view) {
      what = { kind: 'view', viewId: findView(ws, v.view).id, sheets };
    } else {
      const kind = (v.what ?? 'report') as string;
      if (kind === 'health') what = { kind: 'health' };
      else {
        if (!v.from || !v.to) fail('укажите --view или --from и --to', 'give --view or --from and --to');
        const parsed = ReportQuerySchema.safeParse({
          from: v.from,
          to: v.to,
          groupBy: v.group ? v.group.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
          model: v.model,
          basis: v.basis,
          compare: v.compare ? { kind: v.compare } : undefined,
        });
        if (!parsed.success) throw new ExportCliError(fromZod(parsed.error).message);
        const q = parsed.data;
        if (kind === 'report') what = { kind: 'report', query: q, sheets };
        else if (kind === 'dashboard') what = { kind: 'dashboard', query: q };
        else if (kind === 'models') what = { kind: 'models', query: q };
        else if (kind === 'deals') what = { kind: 'deals', query: { from: q.from, to: q.to, model: q.model, basis: q.basis, filters: q.filters } };
        else fail('--what: report, dashboard, models, deals или health', '--what must be report, dashboard, models, deals or health');
      }
    }
    const now = Date.now();
    const input = ExportRunSchema.safeParse({ what: what!, format, path: resolve(v.out!), csv: { delimiter: v.delimiter ?? ';', decimalComma: v['decimal-comma'] === true } });
    if (!input.success) throw new ExportCliError(fromZod(input.error).message);
    const doc = buildDoc({ ws, now }, input.data.what);
    let path = input.data.path;
    const isDir = (existsSync(path) && statSync(path).isDirectory()) || /[\\/]$/.test(v.out!);
    if (isDir) path = join(path, exportFileName(doc.name, doc.from, doc.to, format!));
    let last = 0;
    const t0 = Date.now();
    const out = await writeDoc(doc, { ...input.data, path }, {
      now,
      pdf: pdf ?? undefined,
      progress: (stage, done, total) => {
        if (v.quiet || Date.now() - last < 1000) return;
        last = Date.now();
        process.stderr.write(`  ${stage}: ${done}${total === null ? '' : `/${total}`}\n`);
      },
    });
    if (!v.quiet) process.stderr.write(`Готово за ${((Date.now() - t0) / 1000).toFixed(1)} с: строк ${out.rows}, ${(out.bytes / 1024).toFixed(0)} КБ\n`);
    process.stdout.write(`${out.path}\n`);
  } finally {
    await engine.close();
  }
}
