// Channels in Chromium against a real engine on the small demo (issue 14): the report opens by
// channel; editing a rule in «Настройки → Каналы» (with its live preview) moves numbers from one
// channel to another after the recompute, and the totals stay equal; the dashboard's channel mix
// is by channel; one click merges near-duplicate spellings.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ReportResult, WorkspaceSummary } from '@shared/contract';
import { anchorDate, presetRange, todayIn } from '@shared/periods';
import { parseRuNumber } from '../../src-renderer/lib/format';
import { startHarness, type Harness } from './harness';
import { screenshot } from './screen';
import { settleTree } from './tree';

const NOW = Date.parse('2026-11-21T09:00:00Z');
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;

beforeAll(async () => {
  h = await startHarness({ demo: 'small', now: NOW });
  ws = (await h.call('workspaces:current'))!;
  page = await h.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
});

afterAll(async () => {
  await h?.close();
});

const tree = () => page.getByTestId('report-tree');

/** Leads and revenue of the top-level rows as shown, by their key. */
async function shownTop(): Promise<Map<string, { leads: number | null; revenue: number | null }>> {
  const out = new Map<string, { leads: number | null; revenue: number | null }>();
  for (const r of await tree().locator('[data-testid="tree-row"][data-depth="0"]').all()) {
    const v = async (m: string) => parseRuNumber((await r.locator(`[data-metric="${m}"] .v`).first().textContent()) ?? '');
    out.set((await r.getAttribute('data-key')) ?? '', { leads: await v('leads'), revenue: await v('revenue') });
  }
  return out;
}

async function shownTotals(): Promise<{ leads: number | null; revenue: number | null }> {
  const t = page.getByTestId('report-tree-totals');
  const v = async (m: string) => {
    const cell = t.locator(`[data-metric="${m}"]`);
    const inner = cell.locator('.v');
    return parseRuNumber(((await inner.count()) ? await inner.first().textContent() : await cell.textContent()) ?? '');
  };
  return { leads: await v('leads'), revenue: await v('revenue') };
}

async function last90(): Promise<{ from: string; to: string }> {
  const settings = await h.call('settings:get');
  return presetRange('last90', { anchor: anchorDate(ws.dataTo, todayIn(settings.timeZone, Date.now())), dataFrom: ws.dataFrom });
}

describe('channels', () => {
  it('editing a rule moves numbers between channels; totals stay equal', async () => {
    const p = await last90();
    await h.open(page, 'reports');
    await page.getByTestId('period-preset').selectOption('last90');
    await page.locator(`[data-testid="report-tree"][data-from="${p.from}"][data-group-by="channel,source,medium,campaign"]`).waitFor();
    await settleTree(page);
    const before = await shownTop();
    const beforeTotals = await shownTotals();
    const engineBefore = (await h.call('reports:query', { ...p, groupBy: ['channel'] })) as ReportResult;
    const other = engineBefore.rows.find((r) => r.channel === 'Другое')!;
    expect(other.leads).toBeGreaterThan(0);
    expect(before.get(JSON.stringify(['Другое']))?.leads).toBeCloseTo(other.leads, 2);
    expect(beforeTotals.leads).toBeCloseTo(engineBefore.totals.leads, 2);
    await screenshot(page, 'channels-report-before');

    // «Настройки → Каналы»: the preview shows what lands in «Другое»; one click makes a rule for it
    await h.open(page, 'settings', { keepSetup: true });
    const panel = page.getByTestId('channels-panel');
    await panel.scrollIntoViewIfNeeded();
    const otherPreview = panel.getByTestId('channels-other');
    await otherPreview.waitFor();
    expect(Number(await otherPreview.getAttribute('data-records'))).toBeGreaterThan(0);
    await otherPreview.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/screenshots/channels-settings-other.png' });
    const avito = panel.getByTestId('channels-other-value').filter({ hasText: 'avito' }).first();
    await avito.getByRole('button').click();
    const rules = panel.getByTestId('channel-rule');
    const added = rules.last();
    await added.getByTestId('rule-channel').fill('Доски объявлений');
    // the condition is «source equals avito»; add the other spelling the demo has
    await added.getByTestId('cond-op').selectOption('contains');
    await added.getByTestId('cond-values').fill('avito');
    await expect.poll(async () => Number(await added.getAttribute('data-takes'))).toBeGreaterThan(0);
    await expect.poll(async () => Number(await otherPreview.getAttribute('data-records'))).toBe(0);
    await screenshot(page, 'channels-settings-edited');

    // a broken regex is refused with a message next to it, nothing saved
    await added.getByTestId('cond-op').selectOption('regex');
    await added.getByTestId('cond-values').fill('(avito');
    await panel.getByTestId('channels-save').click();
    await panel.getByText(/Ошибка в регулярном выражении/).waitFor();
    expect((await h.call('settings:get')).channels.rules.some((r) => r.channel === 'Доски объявлений')).toBe(false);
    await added.getByTestId('cond-values').fill('avito');
    await panel.getByTestId('channels-save').click();
    await panel.getByTestId('channels-message').getByText(/Сохранено/).waitFor();
    expect((await h.call('settings:get')).channels.rules.at(-1)).toEqual({
      channel: 'Доски объявлений',
      conditions: [{ field: 'source', op: 'regex', values: ['avito'] }],
    });

    // the report: «Доски объявлений» has what «Другое» had; the totals did not move
    await h.open(page, 'reports', { keepSetup: true });
    await page.locator(`[data-testid="report-tree"][data-from="${p.from}"]`).waitFor();
    await settleTree(page);
    await tree().locator(`[data-key='${JSON.stringify(['Доски объявлений'])}']`).waitFor();
    const after = await shownTop();
    expect(after.has(JSON.stringify(['Другое']))).toBe(false);
    expect(after.get(JSON.stringify(['Доски объявлений']))).toEqual(before.get(JSON.stringify(['Другое'])));
    expect(await shownTotals()).toEqual(beforeTotals);
    for (const [k, v] of before) if (k !== JSON.stringify(['Другое'])) expect(after.get(k), k).toEqual(v);
    await screenshot(page, 'channels-report-after');
  });

  it('the dashboard’s channel mix is by channel', async () => {
    await h.open(page, 'dashboard');
    const legend = page.getByTestId('mix-legend');
    await legend.waitFor();
    await legend.getByText('Контекстная реклама').waitFor();
    expect(await legend.textContent()).not.toContain('(crm)');
    await screenshot(page, 'channels-dashboard');
  });

  it('merges near-duplicate spellings with one click', async () => {
    await h.open(page, 'settings');
    const panel = page.getByTestId('normalisation-panel');
    await panel.scrollIntoViewIfNeeded();
    const vk = panel.locator('[data-testid="alias-suggestion"][data-target="vk"]');
    await vk.waitFor();
    expect(await vk.textContent()).toContain('vkontakte');
    await screenshot(page, 'channels-suggestions');
    await vk.getByTestId('alias-suggestion-merge').click();
    await panel.getByTestId('norm-saved').getByText(/Объединено/).waitFor();
    const aliases = (await h.call('settings:get')).normalisation.aliases;
    expect(aliases).toMatchObject({ vkontakte: 'vk', вконтакте: 'vk' });
    await vk.waitFor({ state: 'detached' });
    const p = await last90();
    const r = await h.call('reports:query', { ...p, groupBy: ['source'] });
    expect(r.rows.some((x) => x.source === 'vkontakte' || x.source === 'вконтакте')).toBe(false);
  });

  it('looks right in English too', async () => {
    await h.call('settings:update', { language: 'en' });
    await h.open(page, 'settings');
    await page.getByTestId('channels-panel').scrollIntoViewIfNeeded();
    await page.getByTestId('channels-other').waitFor();
    await screenshot(page, 'channels-settings-en');
    await h.call('settings:update', { language: 'ru' });
  });
});
