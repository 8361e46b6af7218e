#!/usr/bin/env node
// Look at exports the way a user would (not run in CI): export a report (XLSX, CSV, PDF) and a deal
// list from a workspace with the CLI, convert the XLSX/CSV with LibreOffice to PDF, and every PDF
// with pdftoppm to PNGs in test-results/exports/ — then open the PNGs.
//   node scripts/look-at-exports.mjs [--workspace DIR] [--from 2026-06-01 --to 2026-08-31]
// Needs: libreoffice (apt-get install -y libreoffice-calc), pdftoppm (poppler-utils), Chromium for PDF.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { workspace: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } });
const out = join(root, 'test-results', 'exports');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const ws = values.workspace ? resolve(values.workspace) : join(out, 'ws');
const skvoz = (...args) => execFileSync(process.execPath, [join(root, 'bin', 'skvoz.mjs'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] }).toString().trim();
if (!existsSync(join(ws, 'workspace.json'))) skvoz('demo', '--workspace', ws, '--size', 'small');
const from = values.from ?? '2026-06-01';
const to = values.to ?? '2026-08-31';
const period = ['--from', from, '--to', to];

const files = [
  skvoz('export', '--workspace', ws, ...period, '--group', 'source,medium', '--levels', '--models', '--format', 'xlsx', '--out', join(out, 'report.xlsx')),
  skvoz('export', '--workspace', ws, ...period, '--group', 'source,medium,campaign', '--format', 'csv', '--decimal-comma', '--out', join(out, 'report-csv.csv')),
  skvoz('export', '--workspace', ws, ...period, '--what', 'deals', '--format', 'xlsx', '--out', join(out, 'deals.xlsx')),
  skvoz('export', '--workspace', ws, ...period, '--what', 'dashboard', '--format', 'pdf', '--out', join(out, 'dashboard.pdf')),
  skvoz('export', '--workspace', ws, ...period, '--group', 'source,medium', '--format', 'pdf', '--out', join(out, 'report.pdf')),
];
for (const f of files) {
  if (f.endsWith('.pdf')) continue;
  // LibreOffice prints every sheet of the workbook into one PDF
  execFileSync('libreoffice', ['--headless', '--convert-to', 'pdf', '--outdir', join(out, 'lo'), f], { stdio: 'inherit' });
}
for (const pdf of [...files.filter((f) => f.endsWith('.pdf')), ...readdirSync(join(out, 'lo')).map((f) => join(out, 'lo', f))]) {
  const base = pdf.replace(/\.pdf$/, '').replace(`${out}/`, '').replaceAll('/', '-');
  execFileSync('pdftoppm', ['-png', '-r', '70', '-l', '4', pdf, join(out, base)], { stdio: 'inherit' });
}
console.log(readdirSync(out).filter((f) => f.endsWith('.png')).map((f) => join(out, f)).join('\n'));
