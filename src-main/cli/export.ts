// `skvoz export` (issue 8): a saved view or a report (the options of `skvoz report`) to XLSX, CSV
// or PDF, for cron / Windows Task Scheduler. Same engine, same files as the app's export menu.
// PDF needs a browser to print: the app uses its built-in one; here a locally installed Chromium,
// Chrome or Edge is driven through playwright-core (SKVOZ_CHROMIUM=path overrides the search).
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExportRunSchema, ReportQuerySchema, exportFileName, type ExportWhatInput, type ExportFormat } from '@shared/contract';
import { findView } from '../engine/views/store';
import { buildDoc } from '../engine/export/doc';
import { writeDoc } from '../engine/export/write';
import { chromiumPdfRenderer } from '../engine/export/chromium';
import { fromZod } from '../engine/errors';
import { groupBy, parse, workspaceDir } from './args';
import { CliError, fail } from './errors';
import { openEngine } from './engine-call';
import { requireWorkspace } from './open';
import { checkOutFile } from './out-file';

type Flag = 'levels' | 'pivot' | 'models' | 'decimal-comma' | 'quiet' | 'force';

export async function run(args: string[]): Promise<void> {
  const { values } = parse(args, {
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
    force: { type: 'boolean' },
  });
  // no option here is `multiple`: each is a string or a flag
  const v = values as Partial<Record<string, string> & Record<Flag, boolean>>;
  const dir = workspaceDir(values);
  requireWorkspace(dir);
  const format = v.format as ExportFormat | undefined;
  if (format !== 'xlsx' && format !== 'csv' && format !== 'pdf') fail('--format: xlsx, csv или pdf', '--format must be xlsx, csv or pdf');
  if (!v.out) fail('не указан --out', 'missing --out');
  const outPath = resolve(v.out!);
  const toFolder = (existsSync(outPath) && statSync(outPath).isDirectory()) || /[\\/]$/.test(v.out!);
  const force = v.force === true;
  if (!toFolder) checkOutFile(outPath, { workspace: dir, format: format!, force });
  const sheets = { levels: v.levels === true, series: true, models: v.models === true, pivot: v.pivot === true };

  const pdf = format === 'pdf' ? await chromiumPdfRenderer() : undefined;
  if (format === 'pdf' && !pdf) {
    fail(
      'для PDF нужен браузер: установите Chromium или Chrome (или укажите SKVOZ_CHROMIUM=путь) либо выгрузите PDF в приложении Skvoz',
      'PDF needs a browser: install Chromium/Chrome (or set SKVOZ_CHROMIUM) or export the PDF from the Skvoz app',
    );
  }
  const engine = openEngine(dir, { pdf: pdf ?? undefined, readOnly: true });
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
          groupBy: groupBy(values),
          model: v.model,
          basis: v.basis,
          compare: v.compare ? { kind: v.compare } : undefined,
        });
        if (!parsed.success) throw new CliError(`${fromZod(parsed.error).message} / invalid report options`);
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
    if (!input.success) throw new CliError(`${fromZod(input.error).message} / invalid export options`);
    const doc = buildDoc({ ws, now }, input.data.what);
    let path = input.data.path;
    if (toFolder) {
      path = join(path, exportFileName(doc.name, doc.from, doc.to, format!));
      checkOutFile(path, { workspace: dir, format: format!, force });
    }
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
