// CSV exports parsed back (RFC 4180) equal the report table; the formula-injection guard
// neutralises hostile values that come from CRM data (UTM campaigns, sources) while numbers —
// negative ones included — stay numbers. XLSX keeps those values as text cells, never formulas.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, type ReportResult } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { csvField } from '../../src-main/engine/export/csv';
import { METRIC_KIND, METRIC_LABEL, roundFor } from '../../src-main/engine/export/labels';
import { HOSTILE, exportFile, hostileFixture, ok, outDir, parseCsv, readXlsx } from './helpers';

const out = outDir();
let engine: Engine;
const Q = { from: '2026-03-01', to: '2026-03-31', groupBy: ['source', 'medium', 'campaign'] as ('source' | 'medium' | 'campaign')[] };

beforeAll(() => {
  const f = hostileFixture();
  engine = new Engine({ workspaceDir: f.ws.dir, secrets: new MemorySecrets(), now: () => Date.parse('2026-04-01T09:00:00Z') });
});
afterAll(async () => {
  await engine?.close();
});

/** The table part of an exported CSV: after the parameter block and its empty line. */
function csvTable(text: string, d: string): { params: string[][]; header: string[]; rows: string[][] } {
  expect(text.startsWith('\uFEFF')).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  const all = parseCsv(text.slice(1), d);
  const blank = all.findIndex((r) => r.length === 1 && r[0] === '');
  return { params: all.slice(1, blank), header: all[blank + 1]!, rows: all.slice(blank + 2) };
}

const num = (s: string, decimalComma: boolean) => (s === '' ? null : Number(decimalComma ? s.replace(',', '.') : s));

describe('CSV export', () => {
  for (const opts of [
    { delimiter: ';' as const, decimalComma: false },
    { delimiter: ';' as const, decimalComma: true },
    { delimiter: ',' as const, decimalComma: true },
    { delimiter: ',' as const, decimalComma: false },
  ]) {
    it(`parsed back equals reports:query (delimiter «${opts.delimiter}», decimal ${opts.decimalComma ? 'comma' : 'point'})`, async () => {
      const path = join(out, `r-${opts.delimiter === ';' ? 'semi' : 'comma'}-${opts.decimalComma}.csv`);
      const fin = await exportFile(engine, { what: { kind: 'report', query: Q, sheets: {} }, format: 'csv', path, csv: opts });
      expect(fin.ok).toBe(true);
      const want = await ok<ReportResult>(engine.dispatch('reports:query', Q));
      const t = csvTable(readFileSync(path, 'utf8'), opts.delimiter);
      expect(Object.fromEntries(t.params)).toMatchObject({ Период: '01.03.2026 – 31.03.2026', Валюта: 'RUB', 'Часовой пояс': 'Europe/Moscow' });
      expect(t.header).toEqual(['Источник', 'Тип трафика', 'Кампания', ...METRICS.map((m) => METRIC_LABEL[m])]);
      expect(t.rows).toHaveLength(want.rows.length + 1);
      want.rows.forEach((row, i) => {
        const got = t.rows[i]!;
        METRICS.forEach((m, j) => {
          const v = num(got[3 + j]!, opts.decimalComma);
          // money to kopecks, everything else to 6 decimals (labels.ts roundFor)
          if (row[m] === null) expect(v).toBeNull();
          else expect(v).toBe(roundFor(METRIC_KIND[m], row[m]));
        });
      });
      METRICS.forEach((m, j) => {
        const v = num(t.rows.at(-1)![3 + j]!, opts.decimalComma);
        if (want.totals[m] === null) expect(v).toBeNull();
        else expect(v).toBe(roundFor(METRIC_KIND[m], want.totals[m]));
      });
      expect(t.rows.at(-1)![0]).toBe('Итого');
      // negative ROMI stays a plain number, not a neutralised text
      const romi = t.rows.map((r) => r[3 + METRICS.indexOf('romi')]!).filter((s) => s.startsWith('-'));
      expect(romi.length).toBeGreaterThan(0);
      for (const s of romi) expect(Number.isFinite(num(s, opts.decimalComma))).toBe(true);
    });
  }

  it('neutralises every hostile CRM value: no text field starts with = + - @ tab or CR', async () => {
    const path = join(out, 'hostile.csv');
    await exportFile(engine, { what: { kind: 'report', query: Q, sheets: {} }, format: 'csv', path });
    const t = csvTable(readFileSync(path, 'utf8'), ';');
    const campaigns = t.rows.map((r) => r[2]);
    for (const h of HOSTILE) expect(campaigns).toContain(`'${h}`);
    const sources = t.rows.map((r) => r[0]);
    expect(sources).toContain("'@evil");
    expect(t.rows.map((r) => r[1])).toContain("'+medium");
    for (const row of t.rows) {
      for (const field of row) {
        if (/^[=+\-@\t\r]/.test(field)) expect(Number.isFinite(Number(field)), field).toBe(true);
      }
    }
  });

  it('guards single fields: text is neutralised and quoted when needed, numbers are not', () => {
    const o = { delimiter: ';' as const, decimalComma: false };
    expect(csvField('=1+1', o)).toBe("'=1+1");
    expect(csvField('\tcmd', o)).toBe("'\tcmd");
    expect(csvField('a;b', o)).toBe('"a;b"');
    expect(csvField('say "hi"', o)).toBe('"say ""hi"""');
    expect(csvField(-2.5, o)).toBe('-2.5');
    expect(csvField(-2.5, { delimiter: ';', decimalComma: true })).toBe('-2,5');
    expect(csvField(1234.5, { delimiter: ',', decimalComma: true })).toBe('"1234,5"');
    expect(csvField(null, o)).toBe('');
  });

  it('keeps hostile values as text cells in XLSX (shown as written, never evaluated)', async () => {
    const path = join(out, 'hostile.xlsx');
    await exportFile(engine, { what: { kind: 'report', query: Q, sheets: {} }, format: 'xlsx', path });
    const ws = (await readXlsx(path)).getWorksheet('Отчёт')!;
    const cells = [...Array(ws.rowCount - 2).keys()].map((i) => ws.getRow(i + 3).getCell(3));
    for (const h of HOSTILE) {
      const c = cells.find((x) => x.value === h);
      expect(c, h).toBeTruthy();
      expect(c!.type).toBe(3); // ValueType.String
      expect(c!.formula).toBeUndefined();
    }
  });
});
