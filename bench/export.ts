// Export of the LARGE workspace's full-year deal list (issue 8): wall time and peak RSS of
// streaming it to XLSX and to CSV, each in its own process so the peaks do not mix.
//   npx tsx bench/export.ts [--workspace /tmp/skvoz-large-export] [--from … --to …]
// Bounds: time against one reports:deals call over the same period (the first page of the deal
// list on screen, measured in the same run); RSS against 512 MB (the list must not sit in memory).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Workspace } from '../src-main/engine/workspace';
import { ensureAttribution } from '../src-main/engine/attribution/materialise';
import { listDeals } from '../src-main/engine/reports/drill';
import { buildDoc } from '../src-main/engine/export/doc';
import { writeDoc } from '../src-main/engine/export/write';
import { DealsQuerySchema } from '@shared/contract';

const { values } = parseArgs({ options: { workspace: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, child: { type: 'string' } } });
const dir = resolve(values.workspace ?? '/tmp/skvoz-large-export');
const RSS_BOUND_MB = 512;
const mb = (kb: number) => kb / 1024;

/** A full year ending on the last day with data (or --from/--to). */
function period(ws: Workspace): { from: string; to: string } {
  const to = values.to ?? ws.summary().dataTo!;
  const d = new Date(`${to}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() - 1);
  d.setUTCDate(d.getUTCDate() + 1);
  return { from: values.from ?? d.toISOString().slice(0, 10), to };
}

async function child(kind: 'xlsx' | 'csv' | 'scan'): Promise<void> {
  const ws = Workspace.open(dir);
  const p = period(ws);
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  if (kind === 'scan') {
    // what the deal list on screen does for its first page: reports:deals over the same period
    const page = listDeals(ws, DealsQuerySchema.parse({ ...p, row: { dims: {} }, limit: 200 }));
    rows = page.items.length;
  } else {
    const out = mkdtempSync(join(tmpdir(), 'skvoz-bench-export-'));
    const path = join(out, `deals.${kind}`);
    const doc = buildDoc({ ws, now: Date.now() }, { kind: 'deals', query: { ...p, basis: 'event', filters: {}, kind: 'deal', sort: 'created' } });
    const r = await writeDoc(doc, { format: kind, path, csv: { delimiter: ';', decimalComma: false } }, { now: Date.now(), progress: () => {} });
    rows = r.rows;
    bytes = statSync(path).size;
    rmSync(out, { recursive: true, force: true });
  }
  const ms = performance.now() - t0;
  ws.close();
  process.stdout.write(JSON.stringify({ kind, ms, rows, bytes, maxRssKb: process.resourceUsage().maxRSS, ...p }));
}

async function main(): Promise<void> {
  if (values.child) return child(values.child as 'xlsx' | 'csv' | 'scan');
  if (!existsSync(join(dir, 'workspace.json'))) throw new Error(`no workspace in ${dir} (make one with: skvoz demo --size large --workspace ${dir})`);
  // attribution first, untimed (an export of a freshly generated workspace would include it)
  const ws = Workspace.open(dir);
  const t = performance.now();
  const stats = ensureAttribution(ws.db, ws.settings);
  if (stats) console.error(`attribution materialised first: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  ws.close();
  const self = fileURLToPath(import.meta.url);
  const run = (kind: string) =>
    JSON.parse(execFileSync(process.execPath, [...process.execArgv, self, '--workspace', dir, '--child', kind, ...(values.from ? ['--from', values.from] : []), ...(values.to ? ['--to', values.to] : [])], { maxBuffer: 1 << 20 }).toString()) as {
      ms: number;
      rows: number;
      bytes: number;
      maxRssKb: number;
      from: string;
      to: string;
    };
  const scan = run('scan');
  console.log(`# large workspace, deals ${scan.from} … ${scan.to}: ${scan.rows} attributed deals; one reports:deals page ${(scan.ms / 1000).toFixed(1)} s, peak RSS ${mb(scan.maxRssKb).toFixed(0)} MB`);
  for (const kind of ['xlsx', 'csv'] as const) {
    const r = run(kind);
    console.log(`export-deals-${kind}-time: ${(r.ms / 1000).toFixed(1)} s for ${r.rows} rows, ${(r.bytes / 1048576).toFixed(1)} MB (ratio ${(r.ms / scan.ms).toFixed(2)} vs one reports:deals page ${(scan.ms / 1000).toFixed(1)} s)`);
    console.log(`export-deals-${kind}-peak-rss: ${mb(r.maxRssKb).toFixed(0)} MB (ratio ${(mb(r.maxRssKb) / RSS_BOUND_MB).toFixed(2)} vs ${RSS_BOUND_MB} MB)`);
  }
}

await main();
