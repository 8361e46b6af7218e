// The period bar and the dashboard against a real engine with the SMALL demo workspace: presets,
// anchor, comparison, model, basis and filters change what the dashboard asks, and what it shows
// is exactly what `reports:query` / `reports:series` return (Russian text parsed back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Compare, ReportFilters, ReportResult, WorkspaceSummary } from '@shared/contract';
import type { Basis, Model } from '@shared/metrics';
import { anchorDate, comparePeriod, presetRange, todayIn, type Preset } from '@shared/periods';
import { modelHint, modelName } from '../../src-renderer/lib/i18n';
import { startDemo, type Harness } from './harness';
import { TABLE_METRICS, displayTolerance, readKpis, screenshot, type ScreenMetric } from './screen';

const NOW = Date.parse('2026-11-21T09:00:00Z');
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;
let timeZone: string;

async function open(route = 'dashboard'): Promise<void> {
  await h.open(page, route);
}

function period(preset: Preset, anchor: 'data' | 'today' = 'data'): { from: string; to: string } {
  return presetRange(preset, { anchor: anchorDate(ws.dataTo, todayIn(timeZone, NOW), anchor), dataFrom: ws.dataFrom });
}

function close(metric: ScreenMetric, shown: number | null, expected: number | null): boolean {
  if (shown === null || expected === null) return shown === expected || (shown === null && expected === 0 && (metric === 'cpl'));
  return Math.abs(shown - expected) <= displayTolerance(metric, true);
}

interface Setup {
  from: string;
  to: string;
  model?: Model;
  basis?: Basis;
  filters?: ReportFilters;
  compare?: Compare;
}

async function engineReport(s: Setup): Promise<ReportResult> {
  return h.call('reports:query', { ...s, groupBy: ['source'] });
}

/** Waits until every KPI card shows the engine's total for this setup; returns the engine's answer. */
async function expectKpis(s: Setup): Promise<ReportResult> {
  const expected = await engineReport(s);
  await page.locator(`[data-testid="period-range"][data-from="${s.from}"][data-to="${s.to}"], [data-testid="period-from"]`).first().waitFor();
  let last = '';
  await expect
    .poll(
      async () => {
        if ((await page.getByTestId('kpis').getAttribute('aria-busy')) === 'true') return false;
        const kpis = await readKpis(page);
        const bad = TABLE_METRICS.filter((m) => !close(m, kpis[m], expected.totals[m]));
        last = bad.map((m) => `${m}: ${kpis[m]} vs ${expected.totals[m]}`).join('; ');
        return bad.length === 0;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  expect(last).toBe('');
  return expected;
}

beforeAll(async () => {
  ({ h, ws, page } = await startDemo('small', NOW));
  timeZone = (await h.call('settings:get')).timeZone;
  // the page's clock is the engine's: "today" is the same day on both sides, whatever day the tests run
  await page.clock.setFixedTime(NOW);
});

afterAll(async () => {
  await h?.close();
});

describe('period bar and dashboard on the small demo', () => {
  it('changes the preset and shows the engine’s numbers for each period; the series adds up to them', async () => {
    await open();
    const p30 = period('last30');
    const r30 = await expectKpis(p30);
    expect(r30.totals.leads).toBeGreaterThan(0);

    const seen = new Map<Preset, number>();
    for (const preset of ['last7', 'lastMonth', 'last90', 'yesterday'] as const) {
      await page.getByTestId('period-preset').selectOption(preset);
      const p = period(preset);
      await page.locator(`[data-testid="period-range"][data-from="${p.from}"][data-to="${p.to}"]`).waitFor();
      const r = await expectKpis(p);
      seen.set(preset, r.totals.leads);
    }
    // the periods really differ (a dashboard stuck on one period would fail here)
    expect(new Set([r30.totals.leads, ...seen.values()]).size).toBeGreaterThan(2);
    expect(seen.get('last90')!).toBeGreaterThan(seen.get('last7')!);

    // the time series of the last period (90 days → weekly) sums to the KPI totals
    await page.getByTestId('period-preset').selectOption('last90');
    const p90 = period('last90');
    await expectKpis(p90);
    const series = await h.call('reports:series', { ...p90, grain: 'week' });
    await expect
      .poll(async () => JSON.parse((await page.getByTestId('line-chart').getAttribute('data-labels')) ?? '[]').length)
      .toBe(series.points.length);
    const drawn = JSON.parse((await page.getByTestId('line-chart').getAttribute('data-series')) ?? '[]') as (number | null)[][];
    const total90 = (await engineReport(p90)).totals.leads;
    expect(drawn[0]!.reduce<number>((a, v) => a + (v ?? 0), 0)).toBeCloseTo(total90, 1);
  });

  it('anchors presets to today on request', async () => {
    await open();
    await page.getByTestId('period-preset').selectOption('last7');
    await page.getByTestId('period-anchor').selectOption('today');
    const p = period('last7', 'today');
    expect(p.to).toBe(todayIn(timeZone, NOW));
    await page.locator(`[data-testid="period-range"][data-from="${p.from}"][data-to="${p.to}"]`).waitFor();
    await expectKpis(p);
    await page.getByTestId('period-anchor').selectOption('data');
    await page.getByTestId('period-preset').selectOption('last30');
  });

  it('switches the model: totals of leads, deals, won deals, revenue and cost stay as they are (REPORTS.md: weights sum to 1)', async () => {
    await open();
    const p = period('last90');
    await page.getByTestId('period-preset').selectOption('last90');
    const base = await expectKpis(p);
    for (const model of ['first', 'linear', 'markov'] as const) {
      await page.getByTestId('model-picker').selectOption(model);
      expect(await page.getByTestId('model-hint').textContent()).toBe(modelHint(model));
      await page.getByTestId('dashboard-model').getByText(modelName(model)).waitFor();
      const r = await expectKpis({ ...p, model });
      expect(r.model).toBe(model);
      for (const m of ['leads', 'deals', 'wonDeals', 'revenue', 'cost'] as const) {
        expect(r.totals[m], `${model} ${m}`).toBeCloseTo(base.totals[m], 6);
      }
    }
    await page.getByTestId('model-picker').selectOption(base.model);
  });

  it('shows comparison deltas equal to the engine’s current − previous, coloured by meaning', async () => {
    await open();
    await page.getByTestId('period-preset').selectOption('last30');
    const p = period('last30');
    for (const [choice, compare] of [
      ['previous', { kind: 'previous' }],
      ['weekdays4', { kind: 'weekdays', weeks: 4 }],
      ['year', { kind: 'year' }],
    ] as const) {
      await page.getByTestId('compare-picker').selectOption(choice);
      const cp = comparePeriod(p.from, p.to, compare);
      await page.locator(`[data-testid="compare-range"][data-from="${cp.from}"][data-to="${cp.to}"]`).waitFor();
      const r = await expectKpis({ ...p, compare });
      expect(r.compare).toBeDefined();
      expect({ from: r.compare!.from, to: r.compare!.to }).toEqual(cp);
      await expect.poll(() => page.getByTestId('kpi-delta').count()).toBe(TABLE_METRICS.length);
      if (r.compare!.empty) {
        // a year back is before the demo's first record: no change to show, and the screen says so
        await expect.poll(async () => (await page.getByTestId('kpi-delta').allTextContents()).every((x) => x.trim() === '—')).toBe(true);
        await page.locator('[data-testid="compare-note"][data-empty="true"]').waitFor();
        continue;
      }
      for (const m of TABLE_METRICS) {
        const card = page.locator(`[data-kpi="${m}"] [data-testid="kpi-delta"]`);
        const cur = r.totals[m];
        const prev = r.compare!.totals[m];
        const abs = await card.getAttribute('data-abs');
        if (cur === null || prev === null) {
          expect(abs, `${choice} ${m}`).toBe('');
          continue;
        }
        expect(Number(abs), `${choice} ${m} abs`).toBeCloseTo(cur - prev, 6);
        const pct = await card.getAttribute('data-pct');
        if (m !== 'romi' && prev !== 0) expect(Number(pct), `${choice} ${m} pct`).toBeCloseTo((cur - prev) / Math.abs(prev), 6);
        const tone = await card.getAttribute('data-tone');
        const diff = cur - prev;
        const lowerBetter = m === 'cost' || m === 'cpl';
        const expectedTone = Math.abs(diff) < 1e-9 ? 'neutral' : diff > 0 !== lowerBetter ? 'good' : 'bad';
        expect(tone, `${choice} ${m} tone`).toBe(expectedTone);
      }
    }
    // the comparison line is drawn too (when the comparison has data)
    await page.getByTestId('compare-picker').selectOption('previous');
    await expect.poll(async () => (JSON.parse((await page.getByTestId('line-chart').getAttribute('data-series')) ?? '[]') as unknown[]).length).toBe(2);
  });

  it('compares with a custom period typed by the user, and refuses a reversed one', async () => {
    await open();
    await page.getByTestId('period-preset').selectOption('last30');
    const p = period('last30');
    await page.getByTestId('compare-picker').selectOption('custom');
    // starts as the previous period, editable
    const prev = comparePeriod(p.from, p.to, { kind: 'previous' });
    expect(await page.getByTestId('compare-from').getAttribute('data-value')).toBe(prev.from);
    // the app's own date field, dd.mm.yyyy whatever the OS locale
    expect(await page.getByTestId('compare-from').inputValue()).toBe(`${prev.from.slice(8)}.${prev.from.slice(5, 7)}.${prev.from.slice(0, 4)}`);
    const custom = comparePeriod(p.from, p.to, { kind: 'weekdays', weeks: 4 });
    await page.getByTestId('compare-from').fill(custom.from);
    await page.getByTestId('compare-to').fill(custom.to);
    await page.getByTestId('period-bar').getByRole('button', { name: 'Применить' }).click();
    const r = await expectKpis({ ...p, compare: { kind: 'custom', ...custom } });
    await expect.poll(async () => Number(await page.locator('[data-kpi="leads"] [data-testid="kpi-delta"]').getAttribute('data-abs'))).toBeCloseTo(r.totals.leads - r.compare!.totals.leads, 6);

    await page.getByTestId('compare-from').fill(custom.to);
    await page.getByTestId('compare-to').fill(custom.from);
    await page.getByTestId('period-bar').getByRole('button', { name: 'Применить' }).click();
    await page.getByTestId('period-bar').getByText('Начало периода позже конца').waitFor();
    await page.getByTestId('compare-picker').selectOption('none');
    await expect.poll(() => page.getByTestId('kpi-delta').count()).toBe(0);
  });

  it('filters by the values the period has, and by the date basis', async () => {
    await open();
    await page.getByTestId('period-preset').selectOption('last90');
    const p = period('last90');
    await expectKpis(p);
    const options = await h.call('reports:options', p);
    expect(options.dimensions.source.length).toBeGreaterThan(1);
    const source = options.dimensions.source[0]!.id;

    await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-source').getByRole('button').first().click();
    await page.getByTestId('filter-source').locator(`li[data-value='${JSON.stringify(source)}'] input`).check();
    const filtered = await expectKpis({ ...p, filters: { dimensions: { source: [source] } } });
    const all = await engineReport(p);
    expect(filtered.totals.leads).toBeLessThan(all.totals.leads);
    await expect.poll(() => page.getByTestId('filters-toggle').textContent()).toContain('Фильтры: 1');

    if (options.pipelines.length > 0) {
      await page.keyboard.press('Escape');
      await page.getByTestId('filter-pipelines').getByRole('button').first().click();
      await page.getByTestId('filter-pipelines').getByRole('checkbox').first().check();
      await expectKpis({ ...p, filters: { dimensions: { source: [source] }, pipelines: [options.pipelines[0]!.id] } });
      await page.keyboard.press('Escape');
    }
    await screenshot(page, 'dashboard-filters-light');

    await page.getByTestId('filters-reset').click();
    await expectKpis(p);

    await page.getByTestId('basis-picker').selectOption('cohort');
    await expectKpis({ ...p, basis: 'cohort' });
    await page.getByTestId('basis-picker').selectOption('event');
    await expectKpis(p);
  });

  it('shows the unattributed share, never hides it', async () => {
    await open();
    await page.getByTestId('period-preset').selectOption('last90');
    const p = period('last90');
    const r = await expectKpis(p);
    const un = r.rows.filter((x) => x.unattributed).reduce((a, x) => a + x.leads, 0);
    const share = await page.getByTestId('unattributed-share').getAttribute('data-share');
    expect(Number(share)).toBeCloseTo(un / r.totals.leads, 6);
    if (un > 0) {
      expect(await page.getByTestId('unattributed-share').textContent()).toContain('Без атрибуции');
      // a grey slice in the channel mix too
      await page.getByTestId('mix-legend').locator('[data-slice-unattributed="true"]').waitFor();
    }
  });

  it('remembers the setup across a restart of the app, per workspace', async () => {
    await open();
    await page.getByTestId('period-preset').selectOption('last90');
    await page.getByTestId('compare-picker').selectOption('previous');
    await page.getByTestId('model-picker').selectOption('first');
    await page.getByTestId('dashboard-model').getByText(modelName('first')).waitFor();
    expect(await page.evaluate('Object.keys(localStorage)')).toEqual([`skvoz.setup.${ws.id}`]);
    // closing and starting the app again: a new page load, nothing kept in memory
    await h.open(page, 'dashboard', { keepSetup: true });
    expect(await page.getByTestId('period-preset').inputValue()).toBe('last90');
    expect(await page.getByTestId('compare-picker').inputValue()).toBe('previous');
    expect(await page.getByTestId('model-picker').inputValue()).toBe('first');
    await expectKpis({ ...period('last90'), model: 'first', compare: { kind: 'previous' } });
    // a fresh start (the harness forgets the setup) is back to the defaults
    await open();
    expect(await page.getByTestId('period-preset').inputValue()).toBe('last30');
    expect(await page.getByTestId('compare-picker').inputValue()).toBe('none');
  });

  it('made no request outside its origin and logged no errors', () => {
    expect(h.problems).toEqual([]);
  });
});
