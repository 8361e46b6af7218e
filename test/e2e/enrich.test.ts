// Lead enrichment in the app (issue 19), against a real engine with the SMALL demo workspace: the
// report tree groups by city; a deal of the Moscow row opens its touch chain, and its touches show
// their city and landing page (a link) as reports:explain gives them, with the Direct ids copyable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { WorkspaceSummary } from '@shared/contract';
import { anchorDate, presetRange, todayIn } from '@shared/periods';
import { startDemo, type Harness } from './harness';
import { screenshot } from './screen';
import { setLevels, settleTree } from './tree';

const NOW = Date.parse('2026-11-21T09:00:00Z');
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;

const tree = () => page.getByTestId('report-tree');

beforeAll(async () => {
  ({ h, ws, page } = await startDemo('small', NOW));
});

afterAll(async () => {
  await h?.close();
});

describe('lead enrichment on the small demo', () => {
  it('a deal of the Moscow row shows the city and landing page of its touches', async () => {
    await h.open(page, 'reports');
    await setLevels(page, ['city']);
    await page.getByTestId('period-preset').selectOption('last90');
    const settings = await h.call('settings:get');
    const p = presetRange('last90', { anchor: anchorDate(ws.dataTo, todayIn(settings.timeZone, Date.now())), dataFrom: ws.dataFrom });
    await page.locator(`[data-testid="report-tree"][data-from="${p.from}"]`).waitFor();
    await settleTree(page);
    const cities = await h.call('reports:query', { ...p, groupBy: ['city'] });
    const moscow = cities.rows.find((r) => r.city === 'Москва');
    expect(moscow?.deals).toBeGreaterThan(0);
    expect(cities.rows.some((r) => r.city === 'Санкт-Петербург')).toBe(true);
    await tree().locator(`[data-key='${JSON.stringify(['Москва'])}']`).click();
    await settleTree(page);
    const deals = await h.call('reports:deals', { ...p, row: { dims: { city: 'Москва' } }, sort: 'weight', limit: 50 });
    // a deal whose Moscow touch carries a landing page
    let pick: { id: number; landing: string } | null = null;
    for (const d of deals.items) {
      const x = await h.call('reports:explain', { kind: 'deal', id: d.id });
      const t = x.touches.find((t) => t.details?.city === 'Москва' && t.details.landing);
      if (t) {
        pick = { id: d.id, landing: t.details!.landing! };
        break;
      }
    }
    expect(pick, 'a deal with a Moscow touch that has a landing page').not.toBeNull();
    const row = tree().locator(`[data-testid="tree-row"][data-type="deal"][data-deal-id="${pick!.id}"]`);
    await expect.poll(() => row.count()).toBe(1);
    await row.click();
    const drawer = page.getByTestId('deal-drawer');
    await drawer.waitFor();
    await drawer.getByTestId('touch-details').first().waitFor();
    expect(await drawer.getByTestId('touch-city').allTextContents()).toContain('Москва');
    const links = drawer.getByTestId('touch-landing').locator('a');
    expect(await links.evaluateAll((els) => els.map((e) => (e as unknown as { getAttribute(n: string): string | null }).getAttribute('href')))).toContain(pick!.landing);
    await screenshot(page, 'reports-drawer-enrichment-light');
    // the link opens in the browser through the shell, which reads the address from the record
    await drawer.locator(`[data-testid="touch-landing"] a[href="${pick!.landing}"]`).first().click();
    await expect.poll(() => h.exports.opened).toContain(`url ${new URL(pick!.landing).href}`);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('data health shows per source the share of touches with a city, a device and a landing page', async () => {
    await h.open(page, 'health');
    const table = page.getByTestId('health-fill');
    await table.waitFor();
    const summary = await h.call('health:summary');
    expect(summary.fill.length).toBeGreaterThan(1);
    const rows = table.getByTestId('health-fill-row');
    expect(await rows.count()).toBe(summary.fill.length);
    const top = summary.fill[0]!;
    const first = rows.first();
    expect(await first.getAttribute('data-source')).toBe(top.source ?? '');
    for (const f of ['city', 'device', 'landing'] as const) {
      const share = Number(await first.locator(`td[data-field="${f}"]`).getAttribute('data-share'));
      expect(share).toBeCloseTo(top[f] / top.touches, 9);
      // the demo leaves a few touches without the value, never all of them
      expect(share).toBeGreaterThan(0.5);
      expect(share).toBeLessThanOrEqual(1);
    }
    await screenshot(page, 'health-fill-light');
  });

  it('«Настройки»: switching the city/device/landing levels off takes them out of the report and says what it costs', async () => {
    await h.open(page, 'settings');
    const box = page.getByTestId('touch-details');
    await box.scrollIntoViewIfNeeded();
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByTestId('norm-save').click();
    await page.getByTestId('norm-saved').waitFor();
    expect((await h.call('settings:get')).normalisation.touchDetails).toBe(false);
    await box.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-touch-details-light');
    // the tree was grouped by city (the first test): it falls back to the default levels
    await h.open(page, 'reports');
    await page.locator('[data-testid="report-tree"][data-group-by="channel,source,medium,campaign"]').waitFor();
    await settleTree(page);
    for (const d of ['city', 'device', 'landing']) expect(await page.getByTestId(`level-${d}`).count(), d).toBe(0);
    expect(await page.getByTestId('error-state').count()).toBe(0);
    // and the engine refuses a report by city, saying how to turn it on
    await expect(h.call('reports:query', { from: '2026-09-01', to: '2026-11-20', groupBy: ['city'] })).rejects.toThrow(/Разрезы «Город» выключены/);
  });
});

