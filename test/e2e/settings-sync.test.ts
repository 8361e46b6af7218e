// Settings, sync and data health in Chromium against a real engine and the loopback fakes of
// Bitrix24 and Calltouch: connect both in «Настройки» (with connection tests), sync with progress
// and cancel, the toast, the offline indicator when the fake is down, «Качество данных» equal to
// the engine, and a costs CSV import that makes CPL appear on the dashboard.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { HealthSummary } from '@shared/contract';
import { generateDemo } from '../../src-main/engine/demo';
import { createBitrix24Source } from '../../src-main/engine/sources/bitrix24/sync';
import { createBitrix24Tester } from '../../src-main/engine/sources/bitrix24/test-connection';
import { calltouchSource } from '../../src-main/engine/sources/calltouch/sync';
import { calltouchTester } from '../../src-main/engine/sources/calltouch/test-connection';
import { formatNumber, formatPercent } from '../../src-renderer/lib/format';
import { FakeBitrix24, PortalData } from '../fakes/bitrix24';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { FAST } from '../bitrix24/helpers';
import { fastTuning } from '../calltouch/helpers';
import { SCREENSHOT_DIR, startHarness, type Harness } from './harness';
import { displayTolerance, readKpis, readTable, screenshot } from './screen';

const NOW = Date.parse('2026-04-05T09:00:00Z');
const SITE = 43769;
const TOKEN = 'ct-token-e2e';
/** the unit tests' fast retries, with a timeout that survives a busy machine */
const B24_CLIENT = { ...FAST.client, timeoutMs: 15_000 };

let h: Harness;
let page: Page;
let b24: FakeBitrix24;
let ct: FakeCalltouch;

async function open(route: string): Promise<void> {
  await h.open(page, route);
}

beforeAll(async () => {
  const gen = () => generateDemo({ size: 'small', seed: 3, now: NOW });
  b24 = await new FakeBitrix24(PortalData.fromDemo(gen(), { leads: 100_000, deals: 100_000 })).start();
  const data = new MemoryDataset();
  seedFromDemo(data, gen(), SITE, '2026-01-01');
  ct = await startFakeCalltouch({ sites: [{ siteId: SITE, token: TOKEN }], data, rps: null });
  h = await startHarness({
    demo: null,
    now: NOW,
    overrides: { calltouchBaseUrl: ct.url },
    sources: [createBitrix24Source({ ...FAST, client: B24_CLIENT }), calltouchSource({ tuning: { ...fastTuning(), timeoutMs: 15_000 } })],
    testers: { bitrix24: createBitrix24Tester(B24_CLIENT), calltouch: calltouchTester({ tuning: { ...fastTuning(), timeoutMs: 15_000 }, now: () => NOW }) },
  });
  page = await h.newPage();
});

afterAll(async () => {
  await h?.close();
  await b24?.close();
  await ct?.close();
});

describe('settings and sync against the fakes', () => {
  it('connects Bitrix24 and a Calltouch site in the settings, with field messages and connection tests', async () => {
    await open('settings');
    const conn = page.getByTestId('connections-panel');
    await conn.waitFor();

    // Bitrix24: a wrong address is explained, the real one is saved and tested
    await page.getByTestId('b24-webhook').fill('portal.bitrix24.ru/rest/1/abc');
    await page.getByTestId('b24-save').click();
    await page.getByTestId('b24-test-result').waitFor();
    expect(await page.getByTestId('b24-test-result').textContent()).toMatch(/ссылку|https/);
    await page.getByTestId('b24-webhook').fill(b24.webhook);
    await page.getByTestId('b24-save').click();
    await page.getByTestId('b24-test-result').getByText(/Подключение работает/).waitFor();
    await page.getByTestId('b24-configured').waitFor();
    // the renderer never gets the secret back
    expect(await page.getByTestId('b24-webhook').inputValue()).toBe('');
    expect(await conn.textContent()).not.toContain('fakecode');

    // Calltouch: the contract's messages next to the fields, then a working site
    await page.getByTestId('ct-add').click();
    await page.getByTestId('ct-save').click();
    await page.getByTestId('ct-site-form').getByText('Введите ID кабинета').waitFor();
    await page.getByTestId('ct-siteId').fill('43 769a');
    await page.getByTestId('ct-save').click();
    await page.getByTestId('ct-site-form').getByText('ID кабинета — число из цифр').waitFor();
    await page.getByTestId('ct-siteId').fill('-5');
    await page.getByTestId('ct-save').click();
    const form = page.getByTestId('ct-site-form');
    await form.getByText('ID кабинета — положительное число').waitFor();
    await form.getByText('Вставьте токен API').waitFor();
    expect(await page.getByTestId('ct-siteId').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('ct-siteId').fill(String(SITE));
    await page.getByTestId('ct-name').fill('Диваны Москва');
    await page.getByTestId('ct-historyStart').fill('2026-01-01');
    await page.getByTestId('ct-token').fill(TOKEN);
    await page.getByTestId('ct-save').click();
    await page.getByTestId('ct-test-result').getByText(/Подключение работает/).waitFor();
    const settings = await h.call('settings:get');
    expect(settings.calltouch.sites).toEqual([{ siteId: SITE, name: 'Диваны Москва', timeZone: 'Europe/Moscow', historyStart: '2026-01-01' }]);
    expect(h.secrets.provider.has({ kind: 'calltouch_token', siteId: SITE })).toBe(true);

    // the portal's plan sets the request pace
    await page.getByTestId('b24-plan').selectOption('enterprise');
    await expect.poll(async () => (await h.call('settings:get')).bitrix24.rateLimit).toBe('enterprise');
    await page.getByTestId('b24-plan').selectOption('standard');
    await expect.poll(async () => (await h.call('settings:get')).bitrix24.rateLimit).toBe('standard');

    // the schedule interval is a setting like the others
    await page.getByTestId('field-intervalMinutes').selectOption('60');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-form').getByText('Сохранено').waitFor();
    expect((await h.call('settings:get')).sync.intervalMinutes).toBe(60);

    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await screenshot(page, `settings-connected-${scheme}`);
    }
    // connected but never synced: the health screen says so and offers the sync
    await open('health');
    const b24Row = page.locator('[data-testid="health-source"][data-source="bitrix24"]');
    await expect.poll(() => b24Row.getAttribute('data-state')).toBe('never');
    expect(await b24Row.textContent()).toContain('Подключён, ещё не синхронизирован');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows per-source progress while syncing, stays usable, and cancels', async () => {
    ct.server.latencyMs = 250; // a slow Calltouch: the run lasts long enough to watch and cancel
    try {
      await open('dashboard');
      await page.getByTestId('sync-start').click();
      const panel = page.getByTestId('sync-panel');
      await panel.waitFor();
      const ctRow = panel.locator('[data-testid="sync-source"][data-source="calltouch"]');
      await ctRow.getByTestId('sync-rows').waitFor();
      expect(await ctRow.getByRole('progressbar').getAttribute('aria-label')).toBe('Синхронизация Calltouch');
      // the app is not blocked: another screen opens while the sync runs
      await page.getByTestId('nav-settings').click();
      await page.getByRole('heading', { level: 1, name: 'Настройки' }).waitFor();
      expect((await h.call('sync:status')).running).toBe(true);
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SCREENSHOT_DIR, `sync-panel-${scheme}.png`) });
      }
      await page.emulateMedia({ colorScheme: 'light' });

      await page.getByTestId('sync-cancel').click();
      const toast = page.locator('[data-testid="sync-error"][data-code="cancelled"]');
      await toast.waitFor({ timeout: 15_000 });
      expect(await toast.textContent()).toContain('Синхронизация отменена');
      expect(await toast.textContent()).toContain('Уже загруженные данные сохранены');
      await panel.waitFor({ state: 'detached' });
      const status = await h.call('sync:status');
      expect(status.running).toBe(false);
      expect(status.sources.calltouch.lastError?.code).toBe('cancelled');
      await toast.getByRole('button', { name: 'Скрыть' }).click();
    } finally {
      ct.server.latencyMs = 0;
    }
  });

  it('finishes a sync and says what changed in a toast', async () => {
    await open('dashboard');
    await page.getByTestId('sync-start').click();
    const toast = page.getByTestId('sync-done');
    await toast.waitFor({ timeout: 60_000 });
    const status = await h.call('sync:status');
    expect(status.sources.bitrix24.state).toBe('idle');
    expect(status.sources.calltouch.state).toBe('idle');
    const text = (await toast.textContent()) ?? '';
    expect(text).toContain('Синхронизация завершена');
    expect(text).toMatch(/Bitrix24: новых и изменённых записей — [\d\s\u00a0]+/);
    expect(text).toMatch(/Calltouch: новых и изменённых записей — [\d\s\u00a0]+/);
    const current = await h.call('workspaces:current');
    expect(current?.dataTo).not.toBeNull();
    await page.getByTestId('freshness').getByText('Синхронизировано').waitFor();
    await screenshot(page, 'sync-done-light');
  });

  it('«Качество данных» shows exactly the engine\'s numbers, and the records behind them', async () => {
    const summary: HealthSummary = await h.call('health:summary');
    expect(summary.checks.find((c) => c.key === 'leads_without_utm')!.total).toBeGreaterThan(100);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await open('health');
      await page.getByTestId('health-checks').waitFor();
      for (const c of summary.checks) {
        const row = page.locator(`[data-testid="health-check"][data-check="${c.key}"]`);
        expect(Number(await row.getAttribute('data-count'))).toBe(c.count);
        expect(Number(await row.getAttribute('data-total'))).toBe(c.total);
        expect((await row.getByTestId('health-count').textContent())?.trim()).toBe(formatNumber(c.count, 0));
        const share = c.total === 0 ? null : ['leads_without_utm', 'deals_unmatched'].includes(c.key) ? (c.total - c.count) / c.total : c.count / c.total;
        const shown = (await row.getByTestId('health-share').textContent())?.trim();
        expect(shown).toBe(c.key === 'duplicate_phones' ? formatNumber(c.count, 0) : formatPercent(share));
        for (const [reason, n] of Object.entries(c.reasons ?? {})) {
          const r = page.locator(`[data-testid="health-reason"][data-check="${c.key}"][data-reason="${reason}"]`);
          expect(Number(await r.getAttribute('data-count'))).toBe(n);
        }
      }
      const sources = page.getByTestId('health-source');
      expect(await sources.count()).toBe(4); // Bitrix24, Calltouch, Яндекс Директ, VK Реклама
      expect(await page.locator('[data-testid="health-source"][data-source="bitrix24"]').getAttribute('data-state')).toBe('idle');

      // the records of the first check that has any, paged like the engine pages them
      const c = summary.checks.find((x) => !x.reasons && x.count > 0)!;
      await page.locator(`[data-testid="health-check"][data-check="${c.key}"]`).getByTestId('health-show').click();
      const list = page.locator(`[data-testid="health-records"][data-check="${c.key}"]`);
      await list.getByTestId('health-record').first().waitFor();
      const engine = await h.call('health:records', { check: c.key, limit: 50 });
      const ids = await list.getByTestId('health-record').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      expect(ids).toEqual(engine.items.map((r) => String(r.id ?? r.title)));
      expect(await list.getByTestId('health-records-range').textContent()).toContain(formatNumber(c.count, 0));
      await screenshot(page, `health-data-${scheme}`);
    }
    // an unattributed lead opens in the deal drawer, which says why it has no source
    const reasons = summary.checks.find((x) => x.key === 'unattributed_leads')!.reasons!;
    const reason = (['no_match', 'no_contact', 'outside_window'] as const).find((r) => reasons[r] > 0)!;
    await page.locator(`[data-testid="health-reason"][data-check="unattributed_leads"][data-reason="${reason}"]`).getByTestId('health-show').click();
    const list = page.locator(`[data-testid="health-records"][data-check="unattributed_leads"][data-reason="${reason}"]`);
    await list.getByTestId('health-explain').first().click();
    const drawer = page.getByTestId('deal-drawer');
    await drawer.getByTestId('drawer-unattributed').waitFor();
    await screenshot(page, 'health-explain-dark');
    await drawer.getByTestId('drawer-close').click();
    await drawer.waitFor({ state: 'detached' });
    // a repeated phone lists its leads; each opens the same way
    const dup = await h.call('health:records', { check: 'duplicate_phones', limit: 1 });
    expect(dup.total).toBeGreaterThan(0);
    await page.locator('[data-testid="health-check"][data-check="duplicate_phones"]').getByTestId('health-show').click();
    const first = page.locator('[data-testid="health-records"][data-check="duplicate_phones"] [data-testid="health-record"]').first();
    expect(await first.getAttribute('data-id')).toBe(dup.items[0]!.title);
    await first.getByRole('button', { name: `№${dup.items[0]!.leadIds[0]}` }).click();
    await drawer.getByText(`Лид #${dup.items[0]!.leadIds[0]}`).waitFor();
    expect(await drawer.getAttribute('data-deal-id')).toBe(String(dup.items[0]!.leadIds[0]));
    await drawer.getByTestId('drawer-close').click();
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('previews which values an alias rule rewrites, and saves it', async () => {
    const { values } = await h.call('health:values', { limit: 1000 });
    const top = values.find((v) => v.dimension === 'source')!;
    const key = top.value.trim().toLowerCase();
    const expected = values.filter((v) => v.value.trim().toLowerCase() === key).reduce((n, v) => n + v.records, 0);
    await open('settings');
    const panel = page.getByTestId('normalisation-panel');
    await page.getByTestId('alias-add').click();
    await panel.getByTestId('alias-from').last().fill(` ${top.value.toUpperCase()} `);
    await panel.getByTestId('alias-to').last().fill('Единый источник');
    const preview = panel.getByTestId('alias-preview').last();
    await expect.poll(() => preview.getAttribute('data-records')).toBe(String(expected));
    await preview.getByText(top.value, { exact: true }).waitFor();
    // a rule without a replacement is refused next to its field
    await page.getByTestId('alias-add').click();
    await panel.getByTestId('alias-from').last().fill('google.com');
    await page.getByTestId('norm-save').click();
    await panel.getByText('Введите, на что заменить').waitFor();
    await panel.getByRole('button', { name: 'Удалить правило 2' }).click();
    await page.getByTestId('norm-save').click();
    await panel.getByText('Сохранено — отчёты пересчитаны по новым правилам').waitFor();
    expect((await h.call('settings:get')).normalisation.aliases).toEqual({ [top.value.toUpperCase()]: 'Единый источник' });
    await screenshot(page, 'settings-aliases-light');
    // back to no rules, so the report numbers below are the plain ones
    await h.call('settings:update', { normalisation: { aliases: {}, directSources: ['(direct)', 'direct'], directMediums: ['(none)'] } });
  });

  it('imports a costs CSV with a preview and line errors, and CPL appears on the dashboard', async () => {
    await open('dashboard');
    await page.getByTestId('report-table').waitFor();
    const before = await readKpis(page);
    // no costs yet: CPL is zero (or empty without leads)
    expect(before.cost === null || before.cost === 0).toBe(true);
    expect(before.cpl === null || before.cpl === 0).toBe(true);
    const table = await readTable(page);
    const from = table.from;
    const to = table.to;
    expect(from).not.toBe('');

    // one line per day of the dashboard's period, plus two bad lines
    const lines = ['Date,UTMSource,UTMMedium,UTMCampaign,Expenses'];
    for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) {
      lines.push(`${new Date(d).toISOString().slice(0, 10)},yandex,cpc,e2e,1000.50`);
    }
    lines.splice(2, 0, '2026-02-30,yandex,cpc,e2e,10'); // line 3: no such date
    lines.push(`${to},google,cpc,e2e,abc`); // last line: not a number
    const csv = Buffer.from(`${lines.join('\n')}\n`, 'utf8');

    await open('settings');
    await page.getByTestId('costs-file').setInputFiles({ name: 'expenses.csv', mimeType: 'text/csv', buffer: csv });
    const preview = page.getByTestId('costs-preview');
    await preview.waitFor();
    const errors = page.getByTestId('costs-errors');
    await errors.getByText('Строка 3:').waitFor();
    await errors.getByText(`Строка ${lines.length}:`).waitFor();
    expect(await page.getByTestId('costs-import').isDisabled()).toBe(true);
    expect(await h.call('costs:list')).toEqual([]); // the preview wrote nothing
    await screenshot(page, 'settings-costs-preview-light');
    await page.getByTestId('costs-skip').check();
    await page.getByTestId('costs-import').click();
    await page.getByTestId('costs-message').getByText(/Загружено из «expenses\.csv»/).waitFor();
    const batches = await h.call('costs:list');
    expect(batches).toHaveLength(1);
    expect(batches[0]!.rows).toBe(lines.length - 3);
    await page.locator(`[data-testid="costs-batch"][data-id="${batches[0]!.id}"]`).waitFor();

    await open('dashboard');
    await page.getByTestId('report-table').waitFor();
    const after = await readKpis(page);
    const engine = await h.call('reports:query', { from, to, groupBy: ['source'] });
    expect(engine.totals.cpl).not.toBeNull();
    expect(after.cpl).toBeGreaterThan(0);
    expect(Math.abs(after.cpl! - engine.totals.cpl!)).toBeLessThanOrEqual(displayTolerance('cpl', true));
    expect(Math.abs(after.cost! - engine.totals.cost)).toBeLessThanOrEqual(displayTolerance('cost', true));
    await screenshot(page, 'dashboard-with-costs-light');

    // deleting the batch takes the costs away again
    await open('settings');
    await page.getByTestId('costs-delete').click();
    await page.getByTestId('costs-delete-confirm').click();
    await page.getByTestId('costs-none').waitFor();
    expect((await h.call('reports:query', { from, to, groupBy: ['source'] })).totals.cost).toBe(0);
  });

  it('shows the offline indicator when the source is down, with a next step', async () => {
    await open('dashboard');
    expect(await page.getByTestId('offline-indicator').count()).toBe(0);
    await ct.close();
    await b24.close();
    await page.getByTestId('sync-start').click();
    const toast = page.locator('[data-testid="sync-error"][data-code="network"]');
    await toast.waitFor({ timeout: 60_000 });
    expect(await toast.textContent()).toContain('Проверьте подключение к интернету');
    await page.getByTestId('offline-indicator').getByText('Нет сети').waitFor();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(SCREENSHOT_DIR, `offline-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    // the data stays: the dashboard still answers from the local file
    await page.getByTestId('report-table').waitFor();
    // the health screen says which source failed and what to do
    await open('health');
    const err = page.locator('[data-testid="health-source"][data-source="calltouch"]').getByTestId('health-source-error');
    await err.waitFor();
    expect(await page.locator('[data-testid="health-source"][data-source="calltouch"]').getAttribute('data-state')).toBe('error');
  });

  it('creates a workspace filled with demo data from the settings and switches to it', async () => {
    await open('settings');
    const panel = page.getByTestId('workspaces-panel');
    await page.getByTestId('create-name').fill('Демо для обучения');
    await page.getByTestId('create-content').selectOption('small');
    await panel.getByRole('button', { name: 'Создать с демо-данными' }).click();
    await page.getByTestId('demo-badge').waitFor({ timeout: 90_000 });
    const current = await h.call('workspaces:current');
    expect(current).toMatchObject({ name: 'Демо для обучения', isDemo: true });
    expect(current?.dataTo).not.toBeNull();
    expect(await page.locator('#ws-switch option:checked').textContent()).toBe('Демо для обучения');
    await page.getByTestId('create-progress').waitFor({ state: 'detached' });
  });

  it('made no request outside its origin and logged no errors', () => {
    expect(h.problems).toEqual([]);
  });
});
