// Issue 17: a drill-down page computed in SQL (count + ORDER BY … LIMIT) lists the same
// conversions, in the same order, with the same weights and total as the scan of every conversion
// of the period (dealHits), for every model, sort, basis and several rows of the small demo.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DealsQuerySchema, type DealsQuery } from '../../src-shared/contract';
import { MODELS } from '../../src-shared/metrics';
import { addDays } from '../../src-shared/time';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { dayString } from '../../src-main/engine/attribution/tuples';
import { dealHits, listDeals } from '../../src-main/engine/reports/drill';
import type { Workspace } from '../../src-main/engine/workspace';

const NOW = Date.parse('2026-11-30T12:00:00Z');
let ws: Workspace;
let root: string;
let anchor: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-drill-page-'));
  ({ ws } = await createDemoWorkspace(join(root, 'ws'), { name: 'Демо', size: 'small', seed: 9, now: NOW }));
  anchor = dayString((ws.db.prepare('SELECT max(day) AS n FROM conv').get() as { n: number }).n);
}, 60_000);

afterAll(() => {
  ws?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The page as the scan of every conversion gives it. */
function reference(q: DealsQuery): { total: number; page: [number, number][] } {
  const { hits, order } = dealHits(ws, q, q.row);
  const page: [number, number][] = [];
  for (let k = q.offset; k < Math.min(order.length, q.offset + q.limit); k++) page.push([hits.id[order[k]!]!, hits.weight[order[k]!]!]);
  return { total: hits.n, page };
}

describe('drill-down pages in SQL', () => {
  it('equal the full scan for every model, sort and basis', () => {
    const rows: DealsQuery['row'][] = [
      { dims: { source: 'yandex' }, unattributed: false },
      { dims: { source: 'google', medium: 'cpc' }, unattributed: false },
      { dims: { channel: 'Прямые заходы' }, unattributed: false },
      { dims: {}, unattributed: false },
      { dims: {}, unattributed: true },
    ];
    let nonEmpty = 0;
    for (const model of MODELS) {
      for (const sort of ['created', 'won', 'revenue', 'weight'] as const) {
        for (const basis of ['event', 'cohort'] as const) {
          for (const [i, row] of rows.entries()) {
            for (const kind of i === 0 ? (['deal', 'lead'] as const) : (['deal'] as const)) {
              for (const offset of [0, 7]) {
                const q = DealsQuerySchema.parse({ from: addDays(anchor, -364), to: anchor, row, model, sort, basis, kind, offset, limit: 40 });
                const want = reference(q);
                const got = listDeals(ws, q);
                const at = `${model} ${sort} ${basis} ${kind} ${JSON.stringify(row)} +${offset}`;
                expect(got.total, at).toBe(want.total);
                expect(got.items.map((x) => x.id), at).toEqual(want.page.map(([id]) => id));
                got.items.forEach((x, k) => expect(x.weight, at).toBeCloseTo(want.page[k]![1], 12));
                if (want.total > 0) nonEmpty++;
              }
            }
          }
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(300);
  }, 120_000);
});
