// The print view of an export (PDF): one self-contained HTML page — no scripts, no network, the
// charts drawn as inline SVG — laid out for A4 landscape. Electron's printToPDF renders it in a
// hidden window with JavaScript off; the CLI and the tests render the same page in Chromium.
import type { Cell, Column, ExportDoc, Table, TableRow } from './doc';
import { METRIC_LABEL, formatNumber, currencySign } from './labels';
import { compactRu, svgBars, svgLines } from './svg';

export const PRINT_ROW_LIMIT = 2000;

/** Options shared by Electron's printToPDF and Playwright's page.pdf (page numbers in the footer). */
export const PDF_FOOTER =
  '<div style="width:100%;font:8px Arial,sans-serif;color:#6b7280;padding:0 10mm;display:flex;justify-content:space-between">' +
  '<span class="title"></span><span>стр. <span class="pageNumber"></span> из <span class="totalPages"></span></span></div>';
export const PDF_HEADER = '<div></div>';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Columns the print view keeps (a sheet with every metric does not fit A4). */
const PRINT_METRICS = new Set<string>(
  (['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'crLeadToDeal', 'cpl', 'cpo', 'romi', 'drr'] as const).map((m) => METRIC_LABEL[m]),
);

function keep(columns: Column[]): number[] {
  const idx = columns.map((_, i) => i);
  const metricCount = columns.filter((c) => c.kind !== 'text' && c.kind !== 'date' && c.kind !== 'datetime').length;
  if (columns.length <= 12 || metricCount <= 8) return idx;
  const isText = (c: Column) => c.kind === 'text' || c.kind === 'date' || c.kind === 'datetime';
  const picked = idx.filter((i) => isText(columns[i]!) || PRINT_METRICS.has(columns[i]!.header));
  if (picked.some((i) => !isText(columns[i]!))) return picked.slice(0, 14);
  // the model comparison («Лиды · модель», …): leads and revenue under every model
  const lead = METRIC_LABEL.leads;
  const rev = METRIC_LABEL.revenue;
  return idx.filter((i) => isText(columns[i]!) || columns[i]!.header.startsWith(`${lead} ·`) || columns[i]!.header.startsWith(`${rev} ·`)).slice(0, 16);
}

function cellHtml(v: Cell, c: Column, currency: string): string {
  if (v === null) return '<td class="n">—</td>';
  if (v instanceof Date) {
    const p = (n: number) => String(n).padStart(2, '0');
    const d = `${p(v.getUTCDate())}.${p(v.getUTCMonth() + 1)}.${v.getUTCFullYear()}`;
    return `<td class="n">${c.kind === 'datetime' ? `${d} ${p(v.getUTCHours())}:${p(v.getUTCMinutes())}` : d}</td>`;
  }
  if (typeof v === 'number') return `<td class="n">${esc(formatNumber(v, c.kind === 'text' ? 'num' : c.kind, currency))}</td>`;
  return `<td>${esc(v)}</td>`;
}

async function tableHtml(t: Table, currency: string, signal?: AbortSignal): Promise<string> {
  const cols = keep(t.columns);
  const rows: TableRow[] = [];
  let more = 0;
  for await (const batch of t.rows(signal)) {
    for (const r of batch) {
      if (rows.length < PRINT_ROW_LIMIT || r.style === 'total') rows.push(r);
      else more++;
    }
  }
  const head = cols.map((i) => `<th class="${t.columns[i]!.kind === 'text' ? '' : 'n'}">${esc(t.columns[i]!.header)}</th>`).join('');
  const body = rows
    .map((r) => `<tr class="${r.style ?? ''}">${cols.map((i) => cellHtml(r.cells[i] ?? null, t.columns[i]!, currency)).join('')}</tr>`)
    .join('\n');
  const note = more ? `<p class="note">Показаны первые ${PRINT_ROW_LIMIT.toLocaleString('ru-RU')} строк; ещё ${more.toLocaleString('ru-RU')} — в выгрузке XLSX или CSV.</p>` : '';
  const hidden = t.columns.length - cols.length;
  const hint = hidden > 0 ? `<p class="note">Для печати оставлены основные показатели; все ${t.columns.length} столбцов — в XLSX.</p>` : '';
  return `<section class="table"><h2>${esc(t.title)}</h2><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${note}${hint}</section>`;
}

function kpis(doc: ExportDoc): string {
  const t = doc.report?.totals;
  if (!t) return '';
  const cards: [string, string][] = [
    ['Лиды', formatNumber(t.leads, 'num', doc.currency)],
    ['Сделки', formatNumber(t.deals, 'num', doc.currency)],
    ['Продажи', formatNumber(t.wonDeals, 'num', doc.currency)],
    ['Выручка', formatNumber(t.revenue, 'money', doc.currency)],
    ['Расходы', formatNumber(t.cost, 'money', doc.currency)],
    ['CPL', formatNumber(t.cpl, 'money', doc.currency)],
    ['ROMI', formatNumber(t.romi, 'pct', doc.currency)],
  ];
  return `<section class="kpis">${cards.map(([k, v]) => `<div class="kpi"><div class="k">${k}</div><div class="v">${esc(v)}</div></div>`).join('')}</section>`;
}

function charts(doc: ExportDoc): string {
  const out: string[] = [];
  const pts = doc.series?.points ?? [];
  if (pts.length > 1) {
    const labels = pts.map((p) => `${p.from.slice(8, 10)}.${p.from.slice(5, 7)}`);
    out.push(
      `<figure><figcaption>Лиды и сделки</figcaption>${svgLines(labels, [
        { name: 'Лиды', color: '#2563eb', values: pts.map((p) => p.metrics.leads) },
        { name: 'Сделки', color: '#16a34a', values: pts.map((p) => p.metrics.deals) },
      ], (v) => formatNumber(v, 'num', doc.currency))}</figure>`,
    );
    out.push(
      `<figure><figcaption>Выручка и расходы, ${esc(currencySign(doc.currency))}</figcaption>${svgLines(labels, [
        { name: 'Выручка', color: '#7c3aed', values: pts.map((p) => p.metrics.revenue) },
        { name: 'Расходы', color: '#dc2626', values: pts.map((p) => p.metrics.cost) },
      ], compactRu)}</figure>`,
    );
  }
  const rows = doc.report?.rows.filter((r) => !r.unattributed).slice(0, 10) ?? [];
  if (rows.length > 1 && doc.report) {
    const g = doc.report.groupBy;
    out.push(
      `<figure class="wide"><figcaption>Лиды по строкам отчёта (первые ${rows.length})</figcaption>${svgBars(
        rows.map((r) => g.map((d) => r[d] ?? '(не задано)').join(' / ')),
        rows.map((r) => r.leads),
        (v) => formatNumber(v, 'num', doc.currency),
      )}</figure>`,
    );
  }
  return out.length ? `<section class="charts">${out.join('')}</section>` : '';
}

const CSS = `
@page { size: A4 landscape; margin: 12mm 10mm 14mm 10mm; }
* { box-sizing: border-box; }
body { font: 9.5pt/1.35 "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #111827; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
section.table { break-inside: auto; }
.params { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 0.5mm 4mm; font-size: 8.5pt; color: #374151; margin-bottom: 3mm; }
.params b { font-weight: 600; color: #111827; }
.kpis { display: flex; gap: 3mm; margin: 2mm 0 3mm; }
.kpi { flex: 1; border: 0.3mm solid #d1d5db; border-radius: 2mm; padding: 2mm 3mm; }
.kpi .k { font-size: 8pt; color: #6b7280; } .kpi .v { font-size: 12.5pt; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; break-inside: avoid; }
figure { margin: 0; border: 0.3mm solid #e5e7eb; border-radius: 2mm; padding: 2mm; break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-size: 8.5pt; font-weight: 600; margin-bottom: 1mm; }
svg { width: 100%; height: auto; display: block; }
table { width: 100%; border-collapse: collapse; font-size: 8pt; }
thead { display: table-header-group; }
th { background: #e8eef7; text-align: left; font-weight: 600; padding: 1.2mm 1.5mm; border-bottom: 0.3mm solid #9ca3af; vertical-align: bottom; }
td { padding: 0.9mm 1.5mm; border-bottom: 0.2mm solid #e5e7eb; overflow-wrap: anywhere; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.n { white-space: normal; }
td:first-child { min-width: 30mm; overflow-wrap: normal; }
tr { break-inside: avoid; }
tr.unattributed td { font-style: italic; color: #6b7280; }
tr.total td { font-weight: 700; background: #f3f4f6; border-top: 0.3mm solid #9ca3af; }
.note { font-size: 8pt; color: #6b7280; margin: 1mm 0; }
section.table { break-before: auto; }
`;

export async function printHtml(doc: ExportDoc, signal?: AbortSignal): Promise<string> {
  const params = doc.params.map(([k, v]) => `<b>${esc(k)}</b><span>${esc(v)}</span>`).join('');
  const tables: string[] = [];
  for (const t of doc.tables) {
    if (t.sheet === 'Для сводной') continue;
    tables.push(await tableHtml(t, doc.currency, signal));
  }
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Skvoz · ${esc(doc.name)}</title><style>${CSS}</style></head>
<body><header><h1>Skvoz · ${esc(doc.name)}</h1><div class="params">${params}</div></header>
${kpis(doc)}${charts(doc)}${tables.join('\n')}</body></html>`;
}
