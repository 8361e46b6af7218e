// Reading the rendered screen back as numbers, and screenshots, for the renderer-tier tests.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parseRuNumber } from '../../src-renderer/lib/format';
import { SCREENSHOT_DIR } from './harness';

export const TABLE_METRICS = ['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'cpl', 'romi'] as const;
export type ScreenMetric = (typeof TABLE_METRICS)[number];

export interface ScreenRow {
  unattributed: boolean;
  dims: (string | null)[];
  values: Record<ScreenMetric, number | null>;
}

/** The bits of a table row the page callback reads (no DOM lib in this file's types). */
interface CellEl {
  getAttribute(name: string): string | null;
  querySelector(selector: string): CellEl | null;
  textContent: string | null;
}

interface RawRow {
  unattributed: boolean;
  dims: string;
  /** metric → the number's text (`.v` when the cell also holds a change and the previous value) */
  texts: Record<string, string>;
}

/** Every row in one round trip (runs in the page). */
const rawRows = (els: unknown[], metrics: readonly string[]): RawRow[] =>
  els.map((el) => {
    const e = el as CellEl;
    const texts: Record<string, string> = {};
    for (const m of metrics) {
      const cell = e.querySelector(`[data-metric="${m}"]`);
      texts[m] = (cell?.querySelector('.v') ?? cell)?.textContent ?? '';
    }
    return { unattributed: e.getAttribute('data-unattributed') === 'true', dims: e.getAttribute('data-dims') ?? '[]', texts };
  });

function numbers(texts: Record<string, string>): Record<ScreenMetric, number | null> {
  const out = {} as Record<ScreenMetric, number | null>;
  for (const m of TABLE_METRICS) out[m] = parseRuNumber(texts[m] ?? '');
  return out;
}

/** The report table as numbers (RU text parsed back). */
export async function readTable(page: Page): Promise<{ from: string; to: string; groupBy: string; rows: ScreenRow[]; totals: Record<ScreenMetric, number | null> }> {
  const table = page.getByTestId('report-table');
  const rows = (await table.getByTestId('report-row').evaluateAll(rawRows, TABLE_METRICS)).map(
    (r): ScreenRow => ({ unattributed: r.unattributed, dims: r.unattributed ? [] : (JSON.parse(r.dims || '[]') as (string | null)[]), values: numbers(r.texts) }),
  );
  const [totals] = await table.getByTestId('report-totals').evaluateAll(rawRows, TABLE_METRICS);
  return {
    from: (await table.getAttribute('data-from')) ?? '',
    to: (await table.getAttribute('data-to')) ?? '',
    groupBy: (await table.getAttribute('data-group-by')) ?? '',
    rows,
    totals: numbers(totals!.texts),
  };
}

/** KPI cards as numbers. */
export async function readKpis(page: Page): Promise<Record<ScreenMetric, number | null>> {
  const out = {} as Record<ScreenMetric, number | null>;
  for (const m of TABLE_METRICS) {
    out[m] = parseRuNumber((await page.locator(`[data-kpi="${m}"] [data-testid="kpi-value"]`).textContent()) ?? '');
  }
  return out;
}

/** How far a displayed number may be from the engine's (its display rounding: money in whole roubles). */
export function displayTolerance(metric: ScreenMetric, _kpi = false): number {
  if (metric === 'romi') return 0.0005 + 1e-9;
  if (metric === 'revenue' || metric === 'cost' || metric === 'cpl') return 0.5 + 1e-9;
  return 0.005 + 1e-9;
}

/** A screenshot into test-results/screenshots/<name>.png, the whole scrolling main area visible. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize() ?? { width: 1360, height: 880 };
  const main = page.locator('main');
  const contentHeight = (await main.evaluate((el) => (el as unknown as { scrollHeight: number }).scrollHeight).catch(() => 0)) + 80;
  if (contentHeight > size.height) await page.setViewportSize({ width: size.width, height: Math.min(contentHeight, 4000) });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  await page.setViewportSize(size);
  return file;
}
