// `skvoz report` output (issue 18): CSV with the export's Russian headers and row labels and the
// comparison period kept; numbers in JSON and CSV rounded to kopecks (money) or 6 decimals,
// without binary noise.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, type ReportResult } from '@shared/contract';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { METRIC_KIND, METRIC_LABEL, roundFor } from '../../src-main/engine/export/labels';
import { ruPeriod } from '../../src-main/engine/export/doc';
import { parseCsv } from '../export/helpers';
import { cli } from './helpers';

let root: string;
let ws: string;
let want: ReportResult;
const Q = { from: '2026-03-01', to: '2026-03-31', groupBy: ['source' as const], compare: { kind: 'previous' as const } };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-cli-report-'));
  ws = join(root, 'ws');
  const demo = await createDemoWorkspace(ws, { name: 'Демо', size: 'small', seed: 6, now: Date.parse('2026-03-31T12:00:00Z') });
  demo.ws.close();
  const engine = new Engine({ workspaceDir: ws, secrets: new MemorySecrets() });
  const r = await engine.dispatch('reports:query', Q);
  await engine.close();
  if (!r.ok) throw new Error(r.error.message);
  want = r.value as ReportResult;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const decimals = (n: number) => (String(n).split('.')[1] ?? '').length;

describe('skvoz report', () => {
  it('CSV: Russian headers, the unattributed and total rows labelled as in the export, the comparison period kept', async () => {
    const r = await cli(['report', '--workspace', ws, '--from', Q.from, '--to', Q.to, '--group', 'source', '--compare', 'previous', '--format', 'csv']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(r.out.slice(1));
    expect(header).toEqual(['Период', 'Источник', ...METRICS.map((m) => METRIC_LABEL[m])]);
    const main = rows.filter((x) => x[0] === '01.03.2026 – 31.03.2026');
    expect(want.compare!.to).toBe('2026-02-28');
    const cmp = rows.filter((x) => x[0] === ruPeriod(want.compare!.from, want.compare!.to));
    expect(main).toHaveLength(want.rows.length + 1);
    expect(cmp).toHaveLength(want.compare!.rows.length + 1);
    expect(main.at(-1)![1]).toBe('Итого');
    expect(cmp.at(-1)![1]).toBe('Итого');
    const unattributed = want.rows.findIndex((x) => x.unattributed);
    expect(unattributed).toBeGreaterThanOrEqual(0);
    expect(main[unattributed]![1]).toBe('Не атрибутировано');
    expect(rows.some((x) => x.includes('true') || x.includes('false'))).toBe(false);
    METRICS.forEach((m, j) => {
      const v = want.totals[m];
      expect(main.at(-1)![2 + j]).toBe(v === null ? '' : String(roundFor(METRIC_KIND[m], v)));
      const c = want.compare!.totals[m];
      expect(cmp.at(-1)![2 + j]).toBe(c === null ? '' : String(roundFor(METRIC_KIND[m], c)));
    });
  });

  it('JSON: money to kopecks, other numbers to 6 decimals, the comparison too', async () => {
    const r = await cli(['report', '--workspace', ws, '--from', Q.from, '--to', Q.to, '--group', 'source', '--compare', 'previous']);
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out) as ReportResult;
    let noisy = 0;
    for (const [mine, raw] of [...got.rows.map((x, i) => [x, want.rows[i]!] as const), [got.totals, want.totals] as const, [got.compare!.totals, want.compare!.totals] as const]) {
      for (const m of METRICS) {
        const v = mine[m];
        const w = raw[m];
        if (w === null) {
          expect(v).toBeNull();
          continue;
        }
        expect(v).toBe(roundFor(METRIC_KIND[m], w));
        expect(decimals(v!)).toBeLessThanOrEqual(METRIC_KIND[m] === 'money' ? 2 : 6);
        if (decimals(w) > 6) noisy++;
      }
    }
    expect(noisy).toBeGreaterThan(0); // the raw numbers do carry more digits than the file
  });

  it('rounds without binary noise (unit)', () => {
    expect(roundFor('num', 0.1 + 0.2)).toBe(0.3);
    expect(roundFor('money', 350000.49999999994)).toBe(350000.5);
    expect(roundFor('money', 12.345000000000001)).toBe(12.35);
    expect(roundFor('pct', 0.123456789)).toBe(0.123457);
    expect(roundFor('num', -1e-9)).toBe(0);
    expect(Object.is(roundFor('num', -1e-9), -0)).toBe(false);
    expect(roundFor('money', 999_999_999_999.99)).toBe(999_999_999_999.99);
  });
});
