// CSV cells (RFC 4180, `;` for Russian Excel) with the formula-injection guard; the report's CSV
// is written by export/csv.ts (exports) and cli/report-output.ts (`skvoz report --format csv`).

const DANGEROUS = /^[=+\-@\t\r]/;

/** Quotes a cell per RFC 4180 and neutralises spreadsheet formulas in text cells. */
export function csvCell(value: string | number | null | undefined, delimiter = ';'): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = value;
  if (DANGEROUS.test(s)) s = `'${s}`;
  return /["\r\n]/.test(s) || s.includes(delimiter) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s;
}
