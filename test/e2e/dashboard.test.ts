// The dashboard and reports against a real engine with the SMALL demo workspace: what the screen
// shows must be exactly what `reports:query` returns (parsed back from the Russian format).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ReportResult, ReportRow, WorkspaceSummary } from '@shared/contract';
import type { Dimension } from '@shared/metrics';
import { addDays } from '@shared/time';
import { formatDate, formatRange } from '../../src-renderer/lib/format';
import { displayValue } from '../../src-renderer/lib/report';
import { anchorDate, presetRange, todayIn, type Preset } from '@shared/periods';
import { startDemo, type Harness } from './harness';
import { TABLE_METRICS, displayTolerance, readKpis, readTable, type ScreenMetric, type ScreenRow } from './screen';

const NOW = Date.parse('2026-11-21T09:00:00Z');
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;

async function open(route: string): Promise<void> {
  await h.open(page, route);
}

async function expectedPeriod(preset: Preset): Promise<{ from: string; to: string }> {
  const settings = await h.call('settings:get');
  return presetRange(preset, { anchor: anchorDate(ws.dataTo, todayIn(settings.timeZone, Date.now())), dataFrom: ws.dataFrom });
}

function close(metric: ScreenMetric, shown: number | null, expected: number | null, kpi = false): boolean {
  if (shown === null || expected === null) return shown === expected;
  return Math.abs(shown - expected) <= displayTolerance(metric, kpi);
}

function sameRow(screen: ScreenRow, row: ReportRow, groupBy: Dimension[]): boolean {
  if (screen.unattributed || row.unattributed) return screen.unattributed === row.unattributed;
  return JSON.stringify(screen.dims) === JSON.stringify(groupBy.map((d) => row[d] ?? null));
}

/** Every row, every metric column and the totals on screen equal the engine's result. */
function assertTableEquals(screen: Awaited<ReturnType<typeof readTable>>, expected: ReportResult): void {
  expect(screen.groupBy).toBe(expected.groupBy.join(','));
  expect(screen.rows).toHaveLength(expected.rows.length);
  for (const row of expected.rows) {
    const shown = screen.rows.find((s) => sameRow(s, row, expected.groupBy));
    expect(shown, `row ${JSON.stringify(expected.groupBy.map((d) => row[d]))} is on screen`).toBeDefined();
    for (const m of TABLE_METRICS) {
      // CPL, CPO, ДРР of a row without cost are «—» on screen (docs/REPORTS.md)
      expect(close(m, shown!.values[m], displayValue(m, row)), `${m} of ${JSON.stringify(shown!.dims)}: ${shown!.values[m]} vs ${row[m]}`).toBe(true);
    }
  }
  for (const m of TABLE_METRICS) {
    expect(close(m, screen.totals[m], displayValue(m, expected.totals)), `total ${m}: ${screen.totals[m]} vs ${expected.totals[m]}`).toBe(true);
  }
}

beforeAll(async () => {
  ({ h, ws, page } = await startDemo('small', NOW));
});

afterAll(async () => {
  await h?.close();
});

describe('dashboard on the small demo', () => {
  it('shows the demo badge and the data freshness', async () => {
    await open('dashboard');
    expect(ws.isDemo).toBe(true);
    expect(ws.dataTo).not.toBeNull();
    await page.getByTestId('demo-badge').getByText('Демо-данные').waitFor();
    expect(await page.getByTestId('freshness').textContent()).toContain(`Данные до ${formatDate(ws.dataTo)}`);
  });

  it('shows exactly the numbers of reports:query: KPI cards, every channel and source row, the totals', async () => {
    await open('dashboard');
    await page.getByTestId('report-table').waitFor();
    const screen = await readTable(page);
    const period = await expectedPeriod('last30');
    expect({ from: screen.from, to: screen.to }).toEqual(period);
    expect((await page.getByTestId('period-range').textContent())?.trim()).toBe(formatRange(period.from, period.to));

    const expected = await h.call('reports:query', { ...period, groupBy: ['channel', 'source'] });
    expect(expected.totals.leads).toBeGreaterThan(0);
    assertTableEquals(screen, expected);
    if (expected.rows.some((r) => r.unattributed)) {
      expect(await page.locator('[data-unattributed="true"]').textContent()).toContain('Без атрибуции');
    }

    const kpis = await readKpis(page);
    for (const m of TABLE_METRICS) {
      expect(close(m, kpis[m], displayValue(m, expected.totals), true), `KPI ${m}: ${kpis[m]} vs ${expected.totals[m]}`).toBe(true);
    }
    // the chart draws the channels (top ones, the rest summed): no CRM source beside yandex
    const labels = JSON.parse((await page.getByTestId('bar-chart').getAttribute('data-labels')) ?? '[]') as (string | string[])[];
    expect(labels.length).toBeGreaterThan(0);
    const flat = labels.map((l) => (Array.isArray(l) ? l.join(' ') : l));
    expect(flat).toContain('CRM без метки');
    expect(flat).not.toContain('Звонок');
  });

  it('adds the medium column on the toggle, still equal to the engine', async () => {
    await open('dashboard');
    await page.getByTestId('toggle-medium').check();
    await page.locator('[data-testid="report-table"][data-group-by="channel,source,medium"]').waitFor();
    const screen = await readTable(page);
    const expected = await h.call('reports:query', { from: screen.from, to: screen.to, groupBy: ['channel', 'source', 'medium'] });
    assertTableEquals(screen, expected);
    expect(await page.locator('thead').textContent()).toContain('Канал');
    expect(await page.locator('thead').textContent()).toContain('Тип трафика');
  });

  it('follows the period presets and a custom period', async () => {
    await open('dashboard');
    await page.getByTestId('period-preset').selectOption('last90');
    const p90 = await expectedPeriod('last90');
    await page.locator(`[data-testid="report-table"][data-from="${p90.from}"][data-to="${p90.to}"]`).waitFor();
    assertTableEquals(await readTable(page), await h.call('reports:query', { ...p90, groupBy: ['channel', 'source'] }));

    await page.getByTestId('period-preset').selectOption('custom');
    const custom = { from: addDays(p90.to, -13), to: p90.to };
    await page.getByTestId('period-from').fill(custom.from);
    await page.getByTestId('period-to').fill(custom.to);
    await page.getByRole('button', { name: 'Применить' }).click();
    await page.locator(`[data-testid="report-table"][data-from="${custom.from}"][data-to="${custom.to}"]`).waitFor();

    await page.getByTestId('period-from').fill(custom.to);
    await page.getByTestId('period-to').fill(custom.from);
    await page.getByRole('button', { name: 'Применить' }).click();
    await page.getByText('Начало периода позже конца').waitFor();
    // the last valid period stays on screen
    expect(await page.getByTestId('report-table').getAttribute('data-from')).toBe(custom.from);
  });

  // screenshots of every screen, light and dark, ru and en: test/e2e/screens.test.ts
  it('made no request outside its origin and logged no errors', () => {
    expect(h.problems).toEqual([]);
  });
});
