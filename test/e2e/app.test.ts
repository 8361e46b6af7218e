// The app shell against a real engine with one EMPTY workspace: navigation, empty and error
// states, sync errors, settings and workspaces. Needs no demo data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { emitToPage, failure, startHarness, type Harness } from './harness';
import { screenshot } from './screen';

let h: Harness;
let page: Page;

/** A fresh load of the app at `route`. */
async function open(route: string): Promise<void> {
  await h.open(page, route);
}

beforeAll(async () => {
  h = await startHarness({ demo: null });
  page = await h.newPage();
});

afterAll(async () => {
  await h?.close();
});

describe('app shell (empty workspace)', () => {
  it('navigates with aria-current, by mouse and by keyboard', async () => {
    await open('dashboard');
    expect(await page.getByTestId('nav-dashboard').getAttribute('aria-current')).toBe('page');
    await page.getByTestId('nav-reports').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Отчёты' }).waitFor();
    expect(await page.getByTestId('nav-reports').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('nav-dashboard').getAttribute('aria-current')).toBeNull();
    await page.getByTestId('nav-settings').click();
    await page.getByRole('heading', { level: 1, name: 'Настройки' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
  });

  it('says honestly that there is nothing yet, on every screen', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await open('dashboard');
      await page.getByTestId('empty-workspace-data').waitFor();
      expect(await page.getByTestId('freshness').textContent()).toContain('Данных пока нет');
      await screenshot(page, `empty-dashboard-${scheme}`);
      await open('reports');
      await page.getByTestId('empty-workspace-data').waitFor();
      await open('visits');
      expect(await page.getByTestId('visits-empty').textContent()).toContain('Здесь появятся');
      await screenshot(page, `visits-${scheme}`);
      await open('health');
      expect(await page.getByTestId('health-empty').textContent()).toContain('Здесь появится');
      await screenshot(page, `health-${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows the engine error of sync:start in Russian', async () => {
    const direct = await h.dispatch('sync:start', {});
    expect(direct.ok).toBe(false);
    if (direct.ok) return;
    await open('dashboard');
    await page.getByTestId('sync-start').click();
    const banner = page.getByTestId('sync-error');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(direct.error.message);
    await screenshot(page, 'sync-error-light');
    await banner.getByRole('button', { name: 'Скрыть' }).click();
    await banner.waitFor({ state: 'detached' });
  });

  it('follows sync:progress and sync:finished events in the header', async () => {
    await open('dashboard');
    const runId = 'run-test';
    await emitToPage(page, 'sync:progress', {
      runId,
      source: 'bitrix24',
      entity: 'leads',
      done: 1200,
      total: 5000,
      ratePerSec: 40,
      requests: 25,
    });
    const sync = page.getByTestId('sync');
    await sync.getByText(/Bitrix24: лиды — 1\s200 из 5\s000/).waitFor();
    await sync.getByRole('button', { name: 'Отменить' }).waitFor();
    await emitToPage(page, 'sync:finished', {
      runId,
      ok: false,
      error: { code: 'auth_failed', message: 'Bitrix24 отклонил вебхук: проверьте адрес.' },
      rows: {},
    });
    await page.getByTestId('sync-error').getByText('Bitrix24 отклонил вебхук: проверьте адрес.').waitFor();
    await page.getByTestId('sync-start').waitFor();
    await page.getByTestId('sync-error').getByRole('button', { name: 'Скрыть' }).click();
  });

  it('during the first sync: «идёт первая загрузка» on the screens, no bar at 30 % beside «0 из 0»', async () => {
    await open('dashboard');
    await page.getByTestId('empty-workspace-data').waitFor();
    const runId = 'run-first';
    await emitToPage(page, 'sync:progress', { runId, source: 'bitrix24', entity: 'leads', done: 0, total: 0, ratePerSec: 0, requests: 1 });
    await page.getByTestId('empty-first-sync').waitFor();
    expect(await page.getByTestId('empty-first-sync').textContent()).toContain('Идёт первая загрузка');
    expect(await page.getByTestId('empty-workspace-data').count()).toBe(0);
    const source = page.locator('[data-testid="sync-source"][data-source="bitrix24"]');
    await source.waitFor();
    expect(await source.getByTestId('sync-rows').textContent()).toBe('считаем, сколько загружать…');
    expect(await source.getByTestId('sync-rows').textContent()).not.toContain('0 из 0');
    // no known total: the bar is a moving stripe over its whole width, not a 30 % block
    expect(await source.locator('.fill').evaluate((el) => (el as unknown as { style: { width: string } }).style.width)).toBe('100%');
    expect(await page.getByTestId('sync').textContent()).not.toContain('0 из 0');
    await open('reports');
    await emitToPage(page, 'sync:progress', { runId, source: 'bitrix24', entity: 'leads', done: 50, total: 400, ratePerSec: 20, requests: 2 });
    await page.getByTestId('empty-first-sync').waitFor();
    await emitToPage(page, 'sync:finished', { runId, ok: true, error: null, rows: { bitrix24: 0 } });
    await page.getByTestId('empty-workspace-data').waitFor();
  });

  it('says in the header while the engine recomputes attribution, and stops saying it when done', async () => {
    await open('dashboard');
    const line = page.getByTestId('recompute');
    await emitToPage(page, 'attribution:progress', { done: 0, total: 0, finished: false });
    await line.getByText('Пересчёт атрибуции…').waitFor();
    await emitToPage(page, 'attribution:progress', { done: 450_000, total: 1_000_000, finished: false });
    await line.getByText(/Пересчёт атрибуции: 45\s?%/).waitFor();
    expect(await line.getAttribute('role')).toBe('status');
    await emitToPage(page, 'attribution:progress', { done: 1_000_000, total: 1_000_000, finished: true });
    await line.waitFor({ state: 'detached' });
  });

  it('shows an error state with the message and code, and «Повторить» recovers', async () => {
    let fail = true;
    h.intercept = (channel) => (channel === 'reports:query' && fail ? failure('network', 'Тестовый сбой: движок не ответил.') : undefined);
    try {
      await open('dashboard');
      const err = page.getByTestId('error-state');
      await err.waitFor();
      expect(await err.getAttribute('data-code')).toBe('network');
      expect(await err.textContent()).toContain('Тестовый сбой: движок не ответил.');
      // the code in words, not `network`
      expect(await err.textContent()).toContain('нет связи с сервисом');
      expect(await err.textContent()).not.toContain('network');
      await screenshot(page, 'error-state-light');
      fail = false;
      await err.getByRole('button', { name: 'Повторить' }).click();
      await page.getByTestId('empty-workspace-data').waitFor();
    } finally {
      h.intercept = null;
    }
  });

  it('validates settings with the contract schema and saves them through the engine', async () => {
    await open('settings');
    const form = page.getByTestId('settings-form');
    await page.getByTestId('field-lookbackDays').fill('500');
    await page.getByTestId('settings-save').click();
    await form.getByText('Окно атрибуции — не больше 180 дней').waitFor();
    expect(await page.getByTestId('field-lookbackDays').getAttribute('aria-invalid')).toBe('true');
    expect((await h.call('settings:get')).lookbackDays).toBe(90);
    await screenshot(page, 'settings-field-error-light');

    await page.getByTestId('field-lookbackDays').fill('60');
    await page.getByTestId('field-timeZone').fill('Asia/Yekaterinburg');
    await page.getByTestId('settings-save').click();
    await form.getByText('Сохранено').waitFor();
    const saved = await h.call('settings:get');
    expect(saved.lookbackDays).toBe(60);
    expect(saved.timeZone).toBe('Asia/Yekaterinburg');
  });

  it('switches the interface language from the settings', async () => {
    await open('settings');
    await page.getByTestId('field-language').selectOption('en');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('nav-dashboard').getByText('Dashboard').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'settings-en-light');
    await page.getByTestId('field-language').selectOption('ru');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('nav-dashboard').getByText('Дашборд').waitFor();
  });

  it('renames, creates and deletes workspaces (deleting asks for the name)', async () => {
    await open('settings');
    const panel = page.getByTestId('workspaces-panel');
    await panel.getByRole('button', { name: 'Переименовать' }).first().click();
    await page.getByTestId('rename-input').fill('Агентство «Север»');
    await panel.getByRole('button', { name: 'Сохранить' }).click();
    await panel.locator('[data-name="Агентство «Север»"]').waitFor();
    expect((await h.call('workspaces:current'))?.name).toBe('Агентство «Север»');
    expect(await page.locator('#ws-switch option:checked').textContent()).toBe('Агентство «Север»');

    await page.getByTestId('create-name').fill('Второй клиент');
    await panel.getByRole('button', { name: 'Создать пустое' }).click();
    await expect.poll(async () => (await h.call('workspaces:current'))?.name).toBe('Второй клиент');
    await expect.poll(() => page.locator('#ws-switch option:checked').textContent()).toBe('Второй клиент');

    const item = panel.locator('[data-name="Второй клиент"]');
    await item.getByRole('button', { name: 'Удалить' }).click();
    const confirm = item.getByRole('button', { name: 'Удалить навсегда' });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('delete-confirm').fill('Второй');
    expect(await confirm.isDisabled()).toBe(true);
    await screenshot(page, 'settings-delete-confirm-light');
    await page.getByTestId('delete-confirm').fill('Второй клиент');
    await confirm.click();
    await expect
      .poll(async () => (await h.call('workspaces:list')).map((w) => w.name), { timeout: 5000 })
      .toEqual(['Агентство «Север»']);
    await item.waitFor({ state: 'detached' });
    expect(await h.call('workspaces:current')).toBeNull();

    // nothing is open now: the dashboard offers a way out; the header switcher reopens
    await open('dashboard');
    await page.getByTestId('no-workspace').waitFor();
    await screenshot(page, 'no-workspace-light');
    await page.getByTestId('workspace-switcher').selectOption({ label: 'Агентство «Север»' });
    await page.getByTestId('empty-workspace-data').waitFor();
    expect((await h.call('workspaces:current'))?.name).toBe('Агентство «Север»');
  });

  it('made no request outside its origin and logged no errors', () => {
    expect(h.problems).toEqual([]);
  });
});
