// Numbers a marketer can trust (issue 13), in Chromium against a real engine on the small demo:
// comparison periods per preset, printed beside the period; an empty comparison says so; dates in
// the workspace zone whatever the browser's zone; CPL/CPO/ДРР «—» without cost and a link to the
// import; the deal drawer's stage and Bitrix24 link; deal rows under their own captions; the
// dashboard's table and bars with the comparison; the model comparison's defaults; one number
// format per column; negative ROMI marked; partial weeks marked; one phone format.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { WorkspaceSummary } from '@shared/contract';
import { anchorDate, compareFor, comparePeriod, presetRange, todayIn, type Preset } from '@shared/periods';
import { zonedToInstant } from '@shared/time';
import { formatRange, parseRuNumber } from '../../src-renderer/lib/format';
import { displayValue } from '../../src-renderer/lib/report';
import { startHarness, type Harness } from './harness';

const NOW = Date.parse('2026-12-05T09:00:00Z');
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;

beforeAll(async () => {
  h = await startHarness({ demo: 'small', now: NOW });
  ws = (await h.call('workspaces:current'))!;
  // the browser sits in New York: nothing on screen may follow the OS zone
  page = await h.newPage({ viewport: { width: 1366, height: 768 }, timezoneId: 'America/New_York' });
});

afterAll(async () => {
  await h?.close();
});

async function rangeOf(preset: Preset): Promise<{ from: string; to: string }> {
  const s = await h.call('settings:get');
  return presetRange(preset, { anchor: anchorDate(ws.dataTo, todayIn(s.timeZone, Date.now())), dataFrom: ws.dataFrom });
}

const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();

describe('comparison periods (docs/REPORTS.md)', () => {
  it('every preset compares with its own previous unit, printed beside the period', async () => {
    await h.open(page, 'dashboard');
    await page.getByTestId('compare-picker').selectOption('previous');
    for (const preset of ['lastMonth', 'thisMonth', 'thisWeek', 'lastWeek', 'quarter', 'year', 'last30', 'last7', 'today', 'yesterday'] as Preset[]) {
      await page.getByTestId('period-preset').selectOption(preset);
      const p = await rangeOf(preset);
      const want = comparePeriod(p.from, p.to, compareFor({ kind: 'previous' }, { kind: 'preset', preset })!);
      const shown = page.locator(`[data-testid="compare-range"][data-from="${want.from}"][data-to="${want.to}"]`);
      await shown.waitFor({ timeout: 5000 });
      expect(plain(await shown.textContent()), preset).toBe(formatRange(want.from, want.to));
    }
    // «Прошлый месяц» keeps the 1st of the month before: November → 1–31 October
    await page.getByTestId('period-preset').selectOption('lastMonth');
    await page.locator('[data-testid="compare-range"][data-from="2026-10-01"][data-to="2026-10-31"]').waitFor();
    // the engine compares the same dates as the bar says
    const t = page.getByTestId('report-table');
    await page.locator('[data-testid="report-table"][data-from="2026-11-01"] [data-delta]').first().waitFor();
    expect(await t.getAttribute('data-from')).toBe('2026-11-01');
    // a month ago and a year ago are offered explicitly
    await page.getByTestId('compare-picker').selectOption('month');
    await page.locator('[data-testid="compare-range"][data-from="2026-10-01"][data-to="2026-10-31"]').waitFor();
    await page.getByTestId('period-preset').selectOption('thisMonth');
    await page.locator('[data-testid="compare-range"][data-from="2026-11-01"][data-to="2026-11-05"]').waitFor();
    await page.getByTestId('compare-picker').selectOption('year');
    await page.locator('[data-testid="compare-range"][data-from="2025-12-01"][data-to="2025-12-05"]').waitFor();
  });

  it('says so when the comparison period has no data, and shows «—» instead of changes', async () => {
    await h.open(page, 'dashboard');
    await page.getByTestId('period-preset').selectOption('all');
    await page.getByTestId('compare-picker').selectOption('previous');
    const note = page.getByTestId('compare-note');
    await note.waitFor();
    expect(await note.getAttribute('data-empty')).toBe('true');
    expect(plain(await note.textContent())).toMatch(/данных нет — они начинаются с \d\d\.\d\d\.\d{4}/);
    const deltas = await page.getByTestId('kpi-delta').allTextContents();
    expect(deltas.length).toBe(7);
    expect(deltas.every((d) => d.trim() === '—')).toBe(true);
    const tableDeltas = await page.locator('[data-testid="report-table"] [data-delta]').allTextContents();
    expect(tableDeltas.every((d) => d.trim() === '—')).toBe(true);
    await page.getByTestId('compare-picker').selectOption('none');
  });
});

describe('the 10-second question on the dashboard', () => {
  it('each channel with its previous value, the change, cost, CPL and ROMI; bars and a cost-vs-revenue chart', async () => {
    await h.open(page, 'dashboard');
    await page.getByTestId('period-preset').selectOption('last90');
    await page.getByTestId('compare-picker').selectOption('previous');
    const p = await rangeOf('last90');
    await page.locator(`[data-testid="report-table"][data-from="${p.from}"] [data-previous]`).first().waitFor();
    const r = await h.call('reports:query', { ...p, groupBy: ['source'], compare: { kind: 'previous' } });
    const prev = new Map(r.compare!.rows.map((x) => [x.unattributed ? '' : JSON.stringify([x.source ?? null]), x]));
    let checked = 0;
    for (const tr of await page.locator('[data-testid="report-table"] [data-testid="report-row"]').all()) {
      if ((await tr.getAttribute('data-unattributed')) === 'true') continue;
      const key = (await tr.getAttribute('data-dims'))!;
      const was = prev.get(key);
      for (const m of ['revenue', 'cost', 'cpl'] as const) {
        const shown = parseRuNumber((await tr.locator(`[data-metric="${m}"] [data-previous]`).textContent()) ?? '');
        const want = was ? displayValue(m, was) : m === 'cpl' ? null : 0;
        if (want === null) expect(shown).toBeNull();
        else expect(Math.abs(shown! - want), `${key} ${m} was ${shown} vs ${want}`).toBeLessThanOrEqual(0.5);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
    // the bars carry the comparison; cost against revenue per source
    expect(await page.getByTestId('bar-chart').getAttribute('data-labels')).toBeTruthy();
    const cost = JSON.parse((await page.getByTestId('cost-revenue-chart').getAttribute('data-labels'))!) as (string | string[])[];
    const withCost = r.rows.filter((x) => !x.unattributed && x.cost > 0).sort((a, b) => b.cost - a.cost);
    expect(cost[0]).toBe(withCost[0]!.source);
    // negative ROMI is marked
    const neg = page.locator('[data-testid="report-table"] [data-testid="report-row"] [data-metric="romi"] .v.neg');
    expect(await neg.count()).toBe(r.rows.filter((x) => !x.unattributed && x.romi !== null && x.romi < 0).length);
    // weeks the period cuts are marked on the weekly chart
    await page.getByTestId('series-grain').getByText('Недели').click();
    await page.getByTestId('series-partial').waitFor();
  });

  it('shows «—» for CPL, CPO and ДРР without cost, and links to the cost import when there is none', async () => {
    await h.open(page, 'reports');
    await page.getByTestId('period-preset').selectOption('last90');
    const p = await rangeOf('last90');
    const r = await h.call('reports:query', { ...p, groupBy: ['source'] });
    const free = r.rows.find((x) => !x.unattributed && x.cost === 0 && x.leads > 0)!;
    const row = page.locator(`[data-testid="report-tree"] [data-key='${JSON.stringify([free.source ?? null])}']`);
    await row.waitFor();
    expect(plain(await row.locator('[data-metric="cpl"] .v').textContent())).toBe('—');
    expect(plain(await row.locator('[data-metric="romi"] .v').textContent())).toBe('—');
    // no cost at all: the screens say so and take the marketer to the import
    const batches = await h.call('costs:list');
    for (const b of batches) await h.call('costs:delete', { id: b.id });
    await h.open(page, 'dashboard', { keepSetup: true });
    const hint = page.getByTestId('costs-hint').first();
    await hint.waitFor();
    expect(await hint.getAttribute('data-imported')).toBe('false');
    expect(plain(await hint.textContent())).toContain('Расходы не загружены');
    const kpi = plain(await page.locator('[data-kpi="cpl"] [data-testid="kpi-value"]').textContent());
    expect(kpi).toBe('—');
    await hint.getByTestId('costs-hint-link').click();
    await page.getByRole('heading', { level: 1, name: 'Настройки' }).waitFor();
    await page.getByTestId('costs-panel').waitFor();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('#/settings/costs-title');
  });
});

describe('reports: deals, dates and the model comparison', () => {
  it('lists deals under their own captions, dated in the workspace zone (events between 00:00 and 03:00 Moscow)', async () => {
    const p = await rangeOf('last90');
    const path = { source: 'yandex', medium: 'cpc' };
    const camps = await h.call('reports:query', { ...p, groupBy: ['source', 'medium', 'campaign'], filters: { dimensions: { source: ['yandex'], medium: ['cpc'] } } });
    // the smallest campaign with a won deal: its whole deal list is in view
    const campaign = camps.rows.filter((x) => !x.unattributed && x.wonDeals > 0).sort((a, b) => a.deals - b.deals)[0]!.campaign ?? null;
    const list = await h.call('reports:deals', { ...p, row: { dims: { ...path, campaign } }, sort: 'created', limit: 50 });
    const won = list.items.find((d) => d.wonAt)!;
    // created at 00:15 and won at 02:41 Moscow, on the days they already had: UTC is the day before
    const day = (iso: string) => new Date(Date.parse(iso) + 3 * 3_600_000).toISOString().slice(0, 10);
    const at = (d: string, hh: number, mm: number) => zonedToInstant(Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10)), hh, mm, 0, 'Europe/Moscow');
    const created = at(day(won.createdAt), 0, 15);
    const wonAt = at(day(won.wonAt!), 2, 41);
    h.engine.workspace.db.prepare('UPDATE b24_deal SET created_at = ?, won_at = ? WHERE id = ?').run(created, wonAt, won.id);
    const ru = (ms: number, tz: string) => new Intl.DateTimeFormat('ru-RU', { timeZone: tz, day: '2-digit', month: '2-digit', year: 'numeric' }).format(ms);
    expect(ru(created, 'UTC')).not.toBe(ru(created, 'Europe/Moscow'));

    await h.open(page, 'reports');
    await page.getByTestId('period-preset').selectOption('last90');
    const tree = page.getByTestId('report-tree');
    for (const key of [['yandex'], ['yandex', 'cpc'], ['yandex', 'cpc', campaign]]) {
      await tree.locator(`[data-key='${JSON.stringify(key)}']`).click();
    }
    const dealRow = tree.locator(`[data-type="deal"][data-deal-id="${won.id}"]`);
    await dealRow.waitFor();
    expect(plain(await dealRow.locator('[data-deal="created"]').textContent())).toBe(ru(created, 'Europe/Moscow'));
    expect(plain(await dealRow.locator('[data-deal="outcome"]').textContent())).toBe(`Выиграна ${ru(wonAt, 'Europe/Moscow')}`);

    // each value sits under its own caption, not under the metric columns
    const head = tree.getByTestId('tree-deals-head');
    const under = async (cell: Locator, caption: string) => {
      const c = (await cell.boundingBox())!;
      const hd = (await head.getByText(caption, { exact: true }).boundingBox())!;
      return c.x < hd.x + hd.width && hd.x < c.x + c.width;
    };
    expect(await under(dealRow.locator('[data-deal="amount"]'), 'Сумма сделки')).toBe(true);
    expect(await under(dealRow.locator('[data-deal="weight"]'), 'Доля в строке')).toBe(true);
    expect(await under(dealRow.locator('[data-deal="created"]'), 'Создана')).toBe(true);

    // the drawer: the same times, the stage and its outcome
    await dealRow.click();
    const drawer = page.getByTestId('deal-drawer');
    const stage = drawer.getByTestId('drawer-stage');
    await stage.waitFor();
    expect(await stage.getAttribute('data-outcome')).toBe('won');
    expect(plain(await stage.textContent())).toContain(`Выиграна ${ru(wonAt, 'Europe/Moscow')}, 02:41`);
    await drawer.getByTestId('drawer-close').click();
  });

  it('names a lost deal lost, not «not won yet», and opens it on the portal once Bitrix24 is connected', async () => {
    const p = await rangeOf('last90');
    // the smallest yandex/cpc campaign with a lost deal: its whole list is in view
    const camps = await h.call('reports:query', { ...p, groupBy: ['source', 'medium', 'campaign'], filters: { dimensions: { source: ['yandex'], medium: ['cpc'] } } });
    let lost: { id: number } | undefined;
    let campaign: string | null = null;
    for (const c of camps.rows.filter((x) => !x.unattributed && x.deals > 0).sort((a, b) => a.deals - b.deals)) {
      const list = await h.call('reports:deals', { ...p, row: { dims: { source: 'yandex', medium: 'cpc', campaign: c.campaign ?? null } }, limit: 50 });
      lost = list.items.find((d) => d.outcome === 'lost');
      campaign = c.campaign ?? null;
      if (lost) break;
    }
    expect(lost).toBeDefined();
    await h.open(page, 'reports');
    await page.getByTestId('period-preset').selectOption('last90');
    const tree = page.getByTestId('report-tree');
    for (const key of [['yandex'], ['yandex', 'cpc'], ['yandex', 'cpc', campaign]]) {
      await tree.locator(`[data-key='${JSON.stringify(key)}']`).click();
    }
    const row = tree.locator(`[data-type="deal"][data-deal-id="${lost!.id}"]`);
    await row.waitFor();
    expect(plain(await row.locator('[data-deal="outcome"]').textContent())).toBe('Проиграна');
    await row.click();
    const drawer = page.getByTestId('deal-drawer');
    await drawer.getByTestId('drawer-stage').waitFor();
    expect(await drawer.getByTestId('drawer-stage').getAttribute('data-outcome')).toBe('lost');
    expect(plain(await drawer.textContent())).not.toContain('Ещё не выиграна');
    await drawer.getByTestId('drawer-no-b24').waitFor();
    await drawer.getByTestId('drawer-close').click();

    await h.dispatch('secrets:set', { kind: 'bitrix24_webhook', value: 'https://divany.bitrix24.ru/rest/1/abcd1234efgh/' });
    await row.click();
    await drawer.getByTestId('drawer-open-b24').click();
    await expect.poll(() => h.exports.opened.slice()).toContain(`url https://divany.bitrix24.ru/crm/deal/details/${lost!.id}/`);
    await drawer.getByTestId('drawer-close').click();
  });

  it('compares the workspace model with first and linear touch, with cost, CPL and ROMI, and one format per column', async () => {
    await h.open(page, 'reports');
    await page.getByTestId('mode-models').click();
    const models = page.getByTestId('models-tree');
    await models.locator('[data-testid="tree-row"]').first().waitFor();
    expect(await models.getAttribute('data-models')).toBe('last_non_direct,first,linear');
    const cols = await models.locator('[role="columnheader"][data-col]').evaluateAll((els) => els.map((e) => e.getAttribute('data-col')));
    expect(cols).toEqual(['cost', ...['last_non_direct', 'first', 'linear'].flatMap((m) => ['leads', 'revenue', 'cpl', 'romi'].map((k) => `${m}.${k}`))]);
    // pickers that do nothing here are not shown
    expect(await page.getByTestId('compare-picker').count()).toBe(0);
    expect(await page.getByTestId('model-picker').count()).toBe(0);
    // linear leads are fractional: the whole column shows two decimals
    const leads = await models.locator('[data-testid="tree-row"] [data-metric="linear.leads"] .v').allTextContents();
    expect(leads.length).toBeGreaterThan(3);
    const decimals = new Set(leads.map((x) => (/,(\d+)$/.exec(plain(x))?.[1] ?? '').length));
    expect([...decimals]).toEqual([2]);
    await page.getByTestId('mode-report').click();
  });
});

describe('one phone format', () => {
  it('data health lists repeated phones as the visits screen writes them', async () => {
    await h.open(page, 'health');
    await page.locator('[data-testid="health-check"][data-check="duplicate_phones"] [data-testid="health-show"]').click();
    const cell = page.locator('[data-testid="health-records"] [data-phone]').first();
    await cell.waitFor();
    expect(plain(await cell.textContent())).toMatch(/^\+7 \d{3} \d{3}-\d\d-\d\d$/);
  });
});
