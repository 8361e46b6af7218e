// «Настройки» → «Резервные копии» and the data-health block in Chromium against a real engine: make
// a backup, restore it (a visit made after it is gone), check the file, and restore a workspace
// whose database file went missing from the workspace list. Screenshots at 1366×768, RU and EN.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { screenshot } from './screen';

let h: Harness;
let page: Page;
const csv = Buffer.from('Date,UTMSource,UTMMedium,UTMCampaign,Expenses\n2026-03-01,yandex,cpc,весна,1200\n').toString('base64');

beforeAll(async () => {
  h = await startHarness({ demo: null, now: Date.parse('2026-04-05T09:00:00Z') });
  await h.call('costs:import', { fileName: 'costs.csv', contentBase64: csv });
  page = await h.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
});

afterAll(async () => {
  await h?.close();
});

describe('backups in the settings', () => {
  it('makes a backup, restores it, and checks the file', async () => {
    await h.open(page, 'settings');
    const panel = page.locator('[data-testid="backups-panel"][data-workspace=""]');
    await panel.scrollIntoViewIfNeeded();
    await expect.poll(() => panel.getByTestId('backups-none').isVisible()).toBe(true);
    await panel.getByTestId('backup-now').click();
    await expect.poll(() => panel.getByTestId('backup-item').count()).toBe(1);
    expect(await panel.getByTestId('backups-message').textContent()).toContain('Копия сохранена');

    // work after the backup, then restore it
    await h.call('visits:create', { phones: ['+79161234567'], at: '2026-04-01T10:00:00Z', revenue: 5000 });
    expect((await h.call('visits:list', {})).total).toBe(1);
    await panel.getByTestId('backup-restore').click();
    const dialog = page.getByTestId('confirm-dialog');
    expect(await dialog.textContent()).toMatch(/Восстановить копию от .*Изменения после .* пропадут/s);
    await screenshot(page, 'backups-restore-confirm-ru');
    await dialog.getByTestId('confirm-yes').click();
    await expect.poll(() => panel.getByTestId('backups-message').textContent(), { timeout: 20_000 }).toMatch(/Восстановлено: копия от/);
    expect((await h.call('visits:list', {})).total).toBe(0);
    expect((await h.call('costs:list', undefined)).length).toBe(1);

    await panel.getByTestId('integrity-check').click();
    await expect.poll(() => panel.getByTestId('integrity-state').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    expect(await panel.getByTestId('integrity-state').textContent()).toMatch(/Файл базы в порядке \(проверен \d\d\.\d\d\.\d{4}/);
    await expect.poll(() => panel.getByTestId('integrity-check').isEnabled()).toBe(true);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'backups-settings-ru');

    // how a damaged file looks (the state as the engine reports it after a failed check)
    const real = await h.call('storage:status', {});
    const problems = ['*** in database main ***', 'Tree 14 page 2031: btreeInitPage() returns error code 11'];
    h.intercept = (channel) =>
      channel === 'storage:status' ? { ok: true, value: { ...real, integrity: { state: 'damaged', checkedAt: real.integrity.checkedAt, problems, uncleanAt: null } } } : undefined;
    await h.open(page, 'settings');
    await panel.scrollIntoViewIfNeeded();
    await expect.poll(() => panel.getByTestId('integrity-state').getAttribute('data-state')).toBe('damaged');
    expect(await panel.getByTestId('backup-now').isDisabled()).toBe(true);
    await screenshot(page, 'backups-damaged-ru');
    h.intercept = null;

    await h.open(page, 'health');
    const block = page.getByTestId('health-storage');
    await expect.poll(() => block.getAttribute('data-state')).toBe('ok');
    expect(await block.textContent()).toMatch(/Последняя копия: \d\d\.\d\d\.\d{4}/);
    await screenshot(page, 'backups-health-ru');
    expect(h.problems).toEqual([]);
  });

  it('restores a workspace whose database file went missing, from the workspace list', async () => {
    const first = await h.call('workspaces:current', undefined);
    const second = await h.call('workspaces:create', { name: 'Агентство «Север»' });
    await h.call('costs:import', { fileName: 'costs.csv', contentBase64: csv });
    await h.call('storage:backup', undefined);
    await h.call('workspaces:open', { id: first!.id });
    const dir = join(dirname(h.engine.workspace.dir), second.id);
    for (const f of ['skvoz.db', 'skvoz.db-wal', 'skvoz.db-shm']) rmSync(join(dir, f), { force: true });

    await h.open(page, 'settings');
    const item = page.locator(`[data-testid="workspace-item"][data-name="Агентство «Север»"]`);
    await expect.poll(() => item.getByTestId('workspace-problem').isVisible()).toBe(true);
    await item.getByTestId('workspace-restore').click();
    const inline = item.locator(`[data-testid="backups-panel"][data-workspace="${second.id}"]`);
    await expect.poll(() => inline.getByTestId('backups-problem').textContent()).toMatch(/пропал из папки/);
    await expect.poll(() => inline.getByTestId('backup-item').count()).toBe(1);
    await screenshot(page, 'backups-missing-ru');
    await inline.getByTestId('backup-restore').click();
    await page.getByTestId('confirm-dialog').getByTestId('confirm-yes').click();
    await expect.poll(async () => (await h.call('workspaces:current', undefined))?.id, { timeout: 20_000 }).toBe(second.id);
    expect((await h.call('costs:list', undefined)).length).toBe(1);

    // the same screen in English
    await h.call('settings:update', { language: 'en' });
    await h.open(page, 'settings');
    const panel = page.locator('[data-testid="backups-panel"][data-workspace=""]');
    await panel.scrollIntoViewIfNeeded();
    await expect.poll(() => panel.getByTestId('backup-item').count()).toBe(1);
    expect(await panel.textContent()).toContain('Back up now');
    await screenshot(page, 'backups-settings-en');
    await h.call('settings:update', { language: 'ru' });
    expect(h.problems).toEqual([]);
  });
});
