// Report → CSV (RFC 4180, `;` for Russian Excel, UTF-8 with BOM, formula-injection guard).
import type { ReportResult, ReportRow } from '@shared/contract';
import { METRICS } from '@shared/metrics';

const DANGEROUS = /^[=+\-@\t\r]/;

/** Quotes a cell per RFC 4180 and neutralises spreadsheet formulas in text cells. */
export function csvCell(value: string | number | null | undefined, delimiter = ';'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = value;
  if (DANGEROUS.test(s)) s = `'${s}`;
  return /["\r\n]/.test(s) || s.includes(delimiter) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}

export function reportToCsv(r: ReportResult, delimiter = ';'): string {
  const head = [...r.groupBy, 'unattributed', ...METRICS];
  const line = (row: ReportRow | (ReportResult['totals'] & { unattributed?: boolean }), label?: string) =>
    [
      ...r.groupBy.map((g, i) => (label && i === 0 ? label : ((row as ReportRow)[g] ?? null))),
      label ? '' : String((row as ReportRow).unattributed),
      ...METRICS.map((m) => row[m]),
    ]
      .map((v) => csvCell(v, delimiter))
      .join(delimiter);
  const lines = [head.join(delimiter), ...r.rows.map((row) => line(row)), line(r.totals, 'Итого')];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
