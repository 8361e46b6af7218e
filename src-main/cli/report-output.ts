// `skvoz report` output. JSON: the shape of docs/REPORTS.md, numbers rounded as files carry them
// (money to kopecks, the rest to 6 decimals). CSV: the report table as the export writes it —
// Russian headers, «Не атрибутировано», «(не задано)», «Итого», `;`, UTF-8 with BOM, the
// formula guard — and, with a comparison, a first column «Период» and the comparison period's
// rows under the main ones.
import { METRICS, type Metrics, type ReportResult, type ReportRow } from '@shared/contract';
import { csvField } from '../engine/export/csv';
import { reportRows } from '../engine/export/tables';
import { DIM_LABEL, METRIC_KIND, METRIC_LABEL, roundFor } from '../engine/export/labels';
import { ruPeriod } from '../engine/export/doc';

function roundMetrics<T extends Metrics>(m: T): T {
  const out: Record<string, unknown> = { ...m };
  for (const k of METRICS) {
    const v = m[k];
    if (typeof v === 'number') out[k] = roundFor(METRIC_KIND[k], v);
  }
  return out as T;
}

/** The report with every metric rounded (rows, totals, the comparison's rows and totals). */
export function roundReport(r: ReportResult): ReportResult {
  const rows = (list: ReportRow[]) => list.map((row) => roundMetrics(row));
  return {
    ...r,
    rows: rows(r.rows),
    totals: roundMetrics(r.totals),
    ...(r.compare ? { compare: { ...r.compare, rows: rows(r.compare.rows), totals: roundMetrics(r.compare.totals) } } : {}),
  };
}

export function reportJson(r: ReportResult): string {
  return `${JSON.stringify(roundReport(r), null, 2)}\n`;
}

export function reportCsv(r: ReportResult, delimiter: ';' | ',' = ';'): string {
  const opts = { delimiter, decimalComma: false };
  const kinds = [...r.groupBy.map(() => 'text'), ...METRICS.map((m) => METRIC_KIND[m])];
  const period = r.compare ? ['Период'] : [];
  const lines = [[...period, ...r.groupBy.map((g) => DIM_LABEL[g]), ...METRICS.map((m) => METRIC_LABEL[m])].map((h) => csvField(h, opts)).join(delimiter)];
  const add = (part: Pick<ReportResult, 'rows' | 'totals' | 'groupBy'>, label: string | null) => {
    for (const row of reportRows(part, [...METRICS])) {
      const cells = row.cells.map((c, i) => csvField(c, opts, kinds[i]));
      lines.push([...(label === null ? [] : [csvField(label, opts)]), ...cells].join(delimiter));
    }
  };
  add(r, r.compare ? ruPeriod(r.from, r.to) : null);
  if (r.compare) add({ ...r.compare, groupBy: r.groupBy }, ruPeriod(r.compare.from, r.compare.to));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
