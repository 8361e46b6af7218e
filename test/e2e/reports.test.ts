// «Отчёты» against a real engine with the SMALL demo workspace: the tree's numbers at every level
// equal reports:query (with the parent path as filters), the last level lists reports:deals, a
// deal opens its touch chain (reports:explain); totals do not depend on the model; the column
// chooser; the model comparison equals reports:models; saved views reopen exactly; the table keeps
// only visible rows in the DOM and answers the keyboard.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { ReportRow, SavedView, WorkspaceSummary } from '@shared/contract';
import { METRICS, MODELS, type Dimension, type Metric, type Metrics } from '@shared/metrics';
import { anchorDate, presetRange, todayIn, type Preset } from '@shared/periods';
import { viewQuery, viewRange } from '@shared/views-schema';
import { parseRuNumber } from '../../src-renderer/lib/format';
import { displayValue } from '../../src-renderer/lib/report';
import { startDemo, type Harness } from './harness';
import { screenshot } from './screen';
import { DEMO_VIEWS } from '../../src-main/engine/demo/views';
import { setLevels, settleTree } from './tree';

/** The bits of the DOM the page callbacks use (this file is type-checked without the DOM lib). */
interface DomEl {
  getAttribute(name: string): string | null;
  closest(selector: string): DomEl | null;
}
interface Dom {
  querySelector(selector: string): DomEl | null;
  getElementById(id: string): DomEl | null;
  activeElement: DomEl | null;
}

const NOW = Date.parse('2026-11-21T09:00:00Z');
/** the views the demo workspace starts with */
const DEMO_NAMES = DEMO_VIEWS.map((v) => v.name);
const DEFAULT_COLUMNS: Metric[] = ['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'cpl', 'romi'];
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;

async function open(route: string): Promise<void> {
  await h.open(page, route);
}

async function period(preset: Preset): Promise<{ from: string; to: string }> {
  const settings = await h.call('settings:get');
  return presetRange(preset, { anchor: anchorDate(ws.dataTo, todayIn(settings.timeZone, Date.now())), dataFrom: ws.dataFrom });
}

/** Money is shown in whole roubles, counts with up to 2 decimals, percents with 1: the display rounding. */
function tolerance(metric: Metric): number {
  if (['romi', 'drr', 'crLeadToDeal', 'crDealToWon'].includes(metric)) return 0.0005 + 1e-9;
  if (['revenue', 'visitRevenue', 'cost', 'avgCheck', 'cpl', 'cpo'].includes(metric)) return 0.5 + 1e-9;
  return 0.005 + 1e-9;
}

function near(metric: Metric, shown: number | null, expected: number | null | undefined): boolean {
  if (shown === null || expected === null || expected === undefined) return shown === (expected ?? null);
  return Math.abs(shown - expected) <= tolerance(metric);
}

/** What a cell shows for an engine row: CPL, CPO and ДРР without cost are «—» (docs/REPORTS.md). */
function shownOf(metric: Metric, row: Partial<Metrics> | undefined): number | null {
  return row ? displayValue(metric, row) : null;
}

interface ShownRow {
  key: string;
  depth: number;
  type: string;
  unattributed: boolean;
  values: Record<string, number | null>;
}

/** The bits of a row the page callback reads (no DOM lib in this file's types). */
interface RowEl {
  getAttribute(name: string): string | null;
  querySelector(selector: string): RowEl | null;
  querySelectorAll(selector: string): ArrayLike<RowEl>;
  textContent: string | null;
}

interface RawRow {
  key: string;
  depth: string | null;
  type: string;
  unattributed: boolean;
  cells: [string, string][];
}

/** One round trip for many rows: their attributes and every metric cell's number text (runs in the page). */
const rawRows = (els: unknown[]): RawRow[] =>
  els.map((el) => {
    const e = el as RowEl;
    return {
      key: e.getAttribute('data-key') ?? '',
      depth: e.getAttribute('data-depth'),
      type: e.getAttribute('data-type') ?? '',
      unattributed: e.getAttribute('data-unattributed') === 'true',
      cells: Array.from(e.querySelectorAll('[data-metric]')).map((c): [string, string] => [c.getAttribute('data-metric') ?? '', (c.querySelector('.v') ?? c).textContent ?? '']),
    };
  });

function shownRow(r: RawRow): ShownRow {
  return {
    key: r.key,
    depth: Number(r.depth),
    type: r.type,
    unattributed: r.unattributed,
    values: Object.fromEntries(r.cells.map(([k, text]) => [k, parseRuNumber(text)])),
  };
}

async function readRow(row: Locator): Promise<ShownRow> {
  return shownRow((await row.locator("xpath=.").evaluateAll(rawRows))[0]!);
}

const tree = () => page.getByTestId('report-tree');
const groupRows = (depth: number) => tree().locator(`[data-testid="tree-row"][data-type="group"][data-depth="${depth}"]`);

async function readLevel(depth: number): Promise<ShownRow[]> {
  return (await groupRows(depth).evaluateAll(rawRows)).map(shownRow);
}

function keyOf(row: { unattributed: boolean } & Partial<Record<Dimension, string | null>>, groupBy: Dimension[]): string {
  return row.unattributed ? '\u0000unattributed' : JSON.stringify(groupBy.map((d) => row[d] ?? null));
}

/** Every expected row is on screen with the same numbers in every shown column. */
function expectRows(shown: ShownRow[], expected: ReportRow[], groupBy: Dimension[], columns: Metric[]): void {
  expect(shown.length).toBe(expected.length);
  for (const row of expected) {
    const s = shown.find((x) => x.key === keyOf(row, groupBy));
    expect(s, `row ${keyOf(row, groupBy)} on screen`).toBeDefined();
    for (const m of columns) expect(near(m, s!.values[m]!, shownOf(m, row)), `${m} of ${s!.key}: ${s!.values[m]} vs ${row[m]}`).toBe(true);
  }
}

beforeAll(async () => {
  ({ h, ws, page } = await startDemo('small', NOW));
  page.on('pageerror', (e) => console.log('PAGEERROR', expect.getState().currentTestName, e.stack));
});

afterAll(async () => {
  await h?.close();
});

describe('reports on the small demo', () => {
  it('shows the top level as reports:query: every row, the unattributed row and the totals', async () => {
    await open('reports');
    await tree().waitFor();
    await settleTree(page);
    const p = await period('last30');
    expect(await tree().getAttribute('data-from')).toBe(p.from);
    // the channel first (issue 14), then source → medium → campaign
    expect(await tree().getAttribute('data-group-by')).toBe('channel,source,medium,campaign');
    const expected = await h.call('reports:query', { ...p, groupBy: ['channel'] });
    expectRows(await readLevel(0), expected.rows, ['channel'], DEFAULT_COLUMNS);
    expect(expected.rows.some((r) => r.unattributed)).toBe(true);
    const un = tree().locator('[data-unattributed="true"]');
    expect(await un.textContent()).toContain('Без атрибуции');
    // the unattributed row is the last one whatever the sort
    await tree().locator('[data-col="leads"] button').click();
    expect(await groupRows(0).last().getAttribute('data-unattributed')).toBe('true');
    const totals = await readRow(page.getByTestId('report-tree-totals'));
    for (const m of DEFAULT_COLUMNS) expect(near(m, totals.values[m]!, shownOf(m, expected.totals)), `total ${m}`).toBe(true);
    await screenshot(page, 'reports-tree-light');
  });

  it('drills down source → medium → campaign → deals and opens a deal’s touch chain', async () => {
    await open('reports');
    await setLevels(page, ['source', 'medium', 'campaign']);
    await page.getByTestId('period-preset').selectOption('last90');
    const p = await period('last90');
    await page.locator(`[data-testid="report-tree"][data-from="${p.from}"]`).waitFor();
    await settleTree(page);
    const top = await h.call('reports:query', { ...p, groupBy: ['source'] });
    const source = top.rows.find((r) => !r.unattributed && r.deals >= 3)!;
    await tree().locator(`[data-key='${JSON.stringify([source.source ?? null])}']`).click();
    await settleTree(page);
    const mediums = await h.call('reports:query', { ...p, groupBy: ['source', 'medium'], filters: { dimensions: { source: [source.source ?? null] } } });
    expectRows(await readLevel(1), mediums.rows, ['source', 'medium'], DEFAULT_COLUMNS);

    const medium = mediums.rows.find((r) => r.deals > 0)!;
    await tree().locator(`[data-key='${JSON.stringify([source.source ?? null, medium.medium ?? null])}']`).click();
    await settleTree(page);
    const filters = { dimensions: { source: [source.source ?? null], medium: [medium.medium ?? null] } };
    const campaigns = await h.call('reports:query', { ...p, groupBy: ['source', 'medium', 'campaign'], filters });
    expectRows(await readLevel(2), campaigns.rows, ['source', 'medium', 'campaign'], DEFAULT_COLUMNS);

    const campaign = campaigns.rows.find((r) => r.deals > 0)!;
    const path = [source.source ?? null, medium.medium ?? null, campaign.campaign ?? null];
    await tree().locator(`[data-key='${JSON.stringify(path)}']`).click();
    await settleTree(page);
    const deals = await h.call('reports:deals', {
      ...p,
      row: { dims: { source: path[0], medium: path[1], campaign: path[2] } },
      sort: 'weight',
      limit: 500,
    });
    const shownDeals = tree().locator('[data-testid="tree-row"][data-type="deal"]');
    // the deal list sits under its own caption row; the rows in view are the engine's first deals
    await tree().getByTestId('tree-deals-head').waitFor();
    await expect.poll(() => shownDeals.count()).toBeGreaterThanOrEqual(Math.min(deals.total!, 15));
    const ids = await shownDeals.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-deal-id'))));
    expect(ids).toEqual(deals.items.slice(0, ids.length).map((d) => d.id));
    const groups = top.rows.length + mediums.rows.filter((r) => !r.unattributed).length + campaigns.rows.filter((r) => !r.unattributed).length;
    expect(Number(await tree().getAttribute('data-rows'))).toBe(groups + 1 + Math.min(deals.total!, 500) + (deals.total! > 500 ? 1 : 0));
    await screenshot(page, 'reports-drilldown-light');

    // the deal opens its touch chain; Esc closes it and the focus is back on the table
    const deal = deals.items[0]!;
    await shownDeals.first().click();
    const drawer = page.getByTestId('deal-drawer');
    await drawer.waitFor();
    const explained = await h.call('reports:explain', { kind: 'deal', id: deal.id });
    await expect.poll(() => drawer.getByTestId('touch').count()).toBe(explained.touches.length);
    expect(await page.evaluate(() => (globalThis as unknown as { document: Dom }).document.activeElement?.getAttribute('data-testid'))).toBe('drawer-close');
    const first = drawer.getByTestId('touch').first();
    for (const m of MODELS.filter((x) => x !== 'markov')) {
      const w = Number(await first.locator(`tr[data-model="${m}"] td[data-weight]`).getAttribute('data-weight'));
      expect(w).toBeCloseTo(explained.touches[0]!.weights[m] ?? 0, 9);
    }
    // weights sum to 1 under each model
    for (const m of MODELS.filter((x) => x !== 'markov')) {
      const sum = explained.touches.reduce((s, x) => s + (x.weights[m] ?? 0), 0);
      if (explained.touches.length > 0) expect(sum).toBeCloseTo(1, 9);
    }
    // Tab stays inside the drawer
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => Boolean((globalThis as unknown as { document: Dom }).document.activeElement?.closest('[data-testid="deal-drawer"]')))).toBe(true);
    await screenshot(page, 'reports-drawer-light');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => (globalThis as unknown as { document: Dom }).document.activeElement?.getAttribute('data-testid'))).toBe('report-tree');
  });

  it('moves with the keyboard: arrows, → expands, ← collapses, Enter opens a deal', async () => {
    await open('reports');
    await setLevels(page, ['source']);
    await settleTree(page);
    await tree().focus();
    await page.keyboard.press('Home');
    const activeRow = async () =>
      page.evaluate(() => {
        const grid = (globalThis as unknown as { document: Dom }).document.querySelector('[data-testid="report-tree"]')!;
        const id = grid.getAttribute('aria-activedescendant');
        const row = id ? (globalThis as unknown as { document: Dom }).document.getElementById(id) : null;
        return row ? { key: row.getAttribute('data-key'), expanded: row.getAttribute('aria-expanded'), type: row.getAttribute('data-type') } : null;
      });
    const firstKey = (await activeRow())!.key;
    await page.keyboard.press('ArrowDown');
    expect((await activeRow())!.key).not.toBe(firstKey);
    await page.keyboard.press('ArrowUp');
    expect((await activeRow())!.key).toBe(firstKey);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await activeRow())!.expanded).toBe('true');
    await settleTree(page);
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await activeRow())!.type).toBe('deal');
    await page.keyboard.press('Enter');
    await page.getByTestId('deal-drawer').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('deal-drawer').waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowLeft');
    expect((await activeRow())!.key).toBe(firstKey);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await activeRow())!.expanded).toBe('false');
  });

  it('keeps only the visible rows in the DOM for a long deal list, without layout jumps', async () => {
    await open('reports');
    await setLevels(page, ['source']);
    await page.getByTestId('period-preset').selectOption('all');
    await page.locator('[data-testid="report-tree"]').waitFor();
    await settleTree(page);
    const p = await period('all');
    const top = await h.call('reports:query', { ...p, groupBy: ['source'] });
    const big = [...top.rows].filter((r) => !r.unattributed).sort((a, b) => b.deals - a.deals)[0]!;
    // sorted by weight the engine reads the whole list and counts it (the tree's newest-first pages do not)
    const deals = await h.call('reports:deals', { ...p, row: { dims: { source: big.source ?? null } }, sort: 'weight', limit: 1 });
    expect(deals.total).toBeGreaterThan(150);
    const dealsTotal = deals.total!;
    await tree().locator(`[data-key='${JSON.stringify([big.source ?? null])}']`).click();
    await settleTree(page);
    const total = Number(await tree().getAttribute('data-rows'));
    // the source rows, the deal list's caption row, its deals (and «more» past 500)
    expect(total).toBe(top.rows.length + 1 + Math.min(dealsTotal, 500) + (dealsTotal > 500 ? 1 : 0));
    const inDom = await tree().locator('[data-testid="tree-row"]').count();
    expect(inDom).toBeLessThan(60);
    const before = await tree().evaluate((el) => el.scrollHeight);
    await page.keyboard.press('End');
    await tree().focus();
    await page.keyboard.press('End');
    await expect.poll(() => tree().evaluate((el) => el.scrollTop)).toBeGreaterThan(1000);
    // the last row is rendered and the content height did not change
    expect(await tree().evaluate((el) => el.scrollHeight)).toBe(before);
    expect(await tree().locator('[data-testid="tree-row"]').count()).toBeLessThan(60);
  });

  it('keeps lead and deal totals when the model changes, each equal to reports:query', async () => {
    await open('reports');
    await settleTree(page);
    const p = await period('last30');
    let leads: number | null = null;
    for (const model of MODELS) {
      await page.getByTestId('model-picker').selectOption(model);
      await page.locator(`[data-testid="report-tree"][data-model="${model}"]`).waitFor();
      await settleTree(page);
      const expected = await h.call('reports:query', { ...p, groupBy: ['channel'], model });
      const totals = await readRow(page.getByTestId('report-tree-totals'));
      for (const m of ['leads', 'deals', 'wonDeals', 'revenue'] as Metric[]) {
        expect(near(m, totals.values[m]!, expected.totals[m]), `${model} ${m}: ${totals.values[m]} vs ${expected.totals[m]}`).toBe(true);
      }
      leads ??= totals.values.leads!;
      expect(totals.values.leads).toBe(leads);
      expectRows(await readLevel(0), expected.rows, ['channel'], ['leads', 'deals', 'revenue']);
    }
  });

  it('column chooser: adds and removes metric columns, numbers from the engine', async () => {
    await open('reports');
    await settleTree(page);
    await page.getByTestId('columns-button').click();
    const chooser = page.getByTestId('column-chooser');
    await chooser.waitFor();
    for (const m of METRICS) expect(await chooser.getByTestId(`column-${m}`).count()).toBe(1);
    await chooser.getByTestId('column-calls').check();
    await chooser.getByTestId('column-drr').check();
    await chooser.getByTestId('column-cost').uncheck();
    await page.keyboard.press('Escape');
    await chooser.waitFor({ state: 'detached' });
    await tree().locator('[data-col="calls"]').waitFor();
    expect(await tree().locator('[data-col="cost"]').count()).toBe(0);
    const cols = await tree().locator('[role="columnheader"][data-col]').evaluateAll((els) => els.map((e) => e.getAttribute('data-col')));
    expect(cols).toEqual(['calls', 'leads', 'deals', 'wonDeals', 'revenue', 'cpl', 'romi', 'drr']);
    const p = await period('last30');
    const expected = await h.call('reports:query', { ...p, groupBy: ['channel'] });
    expectRows(await readLevel(0), expected.rows, ['channel'], ['calls', 'drr', 'leads']);
    await page.getByTestId('columns-button').click();
    await page.getByTestId('columns-reset').click();
    await page.keyboard.press('Escape');
    await expect.poll(() => tree().locator('[role="columnheader"][data-col]').count()).toBe(DEFAULT_COLUMNS.length);
  });

  it('model comparison: a column group per model, numbers equal reports:models', async () => {
    await open('reports');
    await settleTree(page);
    await page.getByTestId('mode-models').click();
    const grid = page.getByTestId('models-tree');
    await grid.waitFor();
    await page.locator('[data-testid="models-tree"][aria-busy="false"]').waitFor();
    const p = await period('last30');
    // by default the workspace's model, first and linear touch, with cost, CPL and ROMI (issue 13)
    const DEFAULT_MODELS = ['last_non_direct', 'first', 'linear'] as const;
    const expected = await h.call('reports:models', { ...p, groupBy: ['channel'], models: [...DEFAULT_MODELS] });
    const groups = await grid.locator('[data-model]').evaluateAll((els) => els.map((e) => e.getAttribute('data-model')));
    expect(groups).toEqual(['', ...DEFAULT_MODELS]);
    const rows = grid.locator('[data-testid="tree-row"][data-depth="0"]');
    // every row is there (the ones out of view are not in the DOM); each one in view equals the engine's
    expect(Number(await grid.getAttribute('data-rows'))).toBe(expected.rows.length);
    expect(await rows.count()).toBeGreaterThan(10);
    for (const r of await rows.all()) {
      const shown = await readRow(r);
      const row = expected.rows.find((x) => keyOf(x, ['channel']) === shown.key)!;
      expect(row, shown.key).toBeDefined();
      expect(near('cost', shown.values.cost!, row.byModel.last_non_direct?.cost), `${shown.key} cost`).toBe(true);
      for (const model of DEFAULT_MODELS) {
        for (const m of ['leads', 'revenue', 'cpl', 'romi'] as Metric[]) {
          expect(near(m, shown.values[`${model}.${m}`]!, shownOf(m, row.byModel[model])), `${shown.key} ${model} ${m}`).toBe(true);
        }
      }
    }
    const totals = await readRow(page.getByTestId('models-tree-totals'));
    for (const model of DEFAULT_MODELS) {
      expect(near('leads', totals.values[`${model}.leads`]!, expected.totals[model]!.leads)).toBe(true);
      expect(totals.values[`${model}.leads`]).toBe(totals.values['last_non_direct.leads']);
    }
    await screenshot(page, 'reports-models-light');

    // leave a model out, add another: the column groups follow; the choice outlives a restart of the app
    await page.getByTestId('compare-model-first').uncheck();
    await page.getByTestId('compare-model-markov').check();
    const chosen = ['last_non_direct', 'linear', 'markov'];
    const shownGroups = () => grid.locator('[data-model]:not([data-model=""])').evaluateAll((els) => els.map((e) => e.getAttribute('data-model')));
    await expect.poll(shownGroups).toEqual(chosen);
    await h.open(page, 'reports', { keepSetup: true });
    await page.locator('[data-testid="models-tree"][aria-busy="false"]').waitFor();
    expect(await shownGroups()).toEqual(chosen);
    expect(await page.getByTestId('compare-model-first').isChecked()).toBe(false);
    await page.getByTestId('compare-model-first').check();
    await expect.poll(shownGroups).toEqual(['last_non_direct', 'first', 'linear', 'markov']);

    await page.getByTestId('mode-report').click();
    await tree().waitFor();
  });

  it('saves a view, lists it in the sidebar, reopens it exactly, renames and deletes it', async () => {
    // every source row of the quarter on screen at once (the table renders only the rows in view)
    await page.setViewportSize({ width: 1360, height: 1400 });
    await open('reports');
    await page.getByTestId('period-preset').selectOption('last90');
    await page.getByTestId('model-picker').selectOption('first');
    await setLevels(page, ['source', 'campaign']);
    await page.getByTestId('columns-button').click();
    await page.getByTestId('column-calls').check();
    await page.keyboard.press('Escape');
    await settleTree(page);

    await page.getByTestId('view-save').click();
    const dialog = page.getByTestId('save-view-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('view-save-submit').click();
    await dialog.getByText('Введите название отчёта').waitFor();
    await dialog.getByTestId('view-name').fill('Кампании за квартал');
    await dialog.getByTestId('view-save-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const item = page.getByTestId('saved-view').filter({ hasText: 'Кампании за квартал' });
    await item.waitFor();
    const saved = (await h.call('views:list')).find((v) => v.name === 'Кампании за квартал') as SavedView;
    expect(saved.spec.period).toEqual({ kind: 'preset', preset: 'last90', anchor: 'data' });
    expect(saved.spec.model).toBe('first');
    expect(saved.spec.groupBy).toEqual(['source', 'campaign']);
    expect(saved.spec.columns).toEqual(['calls', ...DEFAULT_COLUMNS]);
    expect(saved.spec.mode).toBe('report');
    await screenshot(page, 'reports-saved-view-light');

    // change everything, then open the view from the sidebar
    await page.getByTestId('period-preset').selectOption('last7');
    await page.getByTestId('model-picker').selectOption('linear');
    await setLevels(page, ['medium']);
    await page.getByTestId('opened-view').getByText('изменён').waitFor();
    await open('dashboard');
    await item.getByTestId('view-open').click();
    await page.getByRole('heading', { level: 1, name: 'Отчёты' }).waitFor();
    await page.locator('[data-testid="report-tree"][data-group-by="source,campaign"][data-model="first"]').waitFor();
    await settleTree(page);
    expect(await page.getByTestId('period-preset').inputValue()).toBe('last90');
    expect(await page.getByTestId('opened-view').textContent()).not.toContain('изменён');
    const settings = await h.call('settings:get');
    const range = viewRange(saved.spec.period, { today: todayIn(settings.timeZone, Date.now()), dataFrom: ws.dataFrom, dataTo: ws.dataTo });
    const q = viewQuery(saved.spec, range);
    const expected = await h.call('reports:query', { ...q, groupBy: [q.groupBy![0]!] });
    expect(await tree().getAttribute('data-from')).toBe(range.from);
    expectRows(await readLevel(0), expected.rows, ['source'], ['calls', 'leads', 'deals', 'revenue']);
    const totals = await readRow(page.getByTestId('report-tree-totals'));
    for (const m of ['calls', 'leads', 'deals', 'revenue'] as Metric[]) expect(near(m, totals.values[m]!, expected.totals[m]), `total ${m}`).toBe(true);

    // rename, then delete with confirmation
    await item.hover();
    await item.getByTestId('view-rename').click();
    const rename = page.getByTestId('save-view-dialog');
    await rename.getByTestId('view-name').fill('Кампании, 90 дней');
    await rename.getByTestId('view-save-submit').click();
    await page.getByTestId('saved-view').filter({ hasText: 'Кампании, 90 дней' }).waitFor();
    expect((await h.call('views:list')).map((v) => v.name)).toEqual([...DEMO_NAMES, 'Кампании, 90 дней']);
    const renamed = page.getByTestId('saved-view').filter({ hasText: 'Кампании, 90 дней' });
    await renamed.hover();
    await renamed.getByTestId('view-delete').click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.getByText('Удалить отчёт «Кампании, 90 дней»?').waitFor();
    await confirm.getByRole('button', { name: 'Отмена' }).click();
    expect(await h.call('views:list')).toHaveLength(DEMO_NAMES.length + 1);
    await renamed.hover();
    await renamed.getByTestId('view-delete').click();
    await page.getByTestId('confirm-yes').click();
    await renamed.waitFor({ state: 'detached' });
    expect((await h.call('views:list')).map((v) => v.name)).toEqual(DEMO_NAMES);
    await page.setViewportSize({ width: 1360, height: 880 });
  });

  it('shows comparison deltas when a comparison is chosen', async () => {
    await open('reports');
    await setLevels(page, ['source']);
    await page.getByTestId('period-preset').selectOption('last30');
    await page.getByTestId('compare-picker').selectOption('previous');
    await page.locator('[data-testid="report-tree"]:not([data-compare=""])').waitFor();
    await settleTree(page);
    expect(await page.getByTestId('report-tree-totals').locator('[data-delta]').first().textContent()).toMatch(/[+−]?\d/);
    await screenshot(page, 'reports-compare-light');
    await page.getByTestId('compare-picker').selectOption('none');
  });

  it('made no request outside its origin and logged no errors', () => {
    expect(h.problems).toEqual([]);
  });
});
