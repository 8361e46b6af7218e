// The export menu in Chromium against a real engine (small demo): XLSX with progress to the file
// the save dialog picked (numbers equal reports:query), PDF through the print view, chart PNG,
// CSV from the data-health screen; screenshots of the menu and the notices in both themes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ReportResult } from '@shared/contract';
import { startHarness, type Harness } from './harness';
import { screenshot } from './screen';
import { readXlsx } from '../export/helpers';

const NOW = Date.parse('2026-11-21T09:00:00Z');
let h: Harness;
let page: Page;

async function open(route: string, colorScheme: 'light' | 'dark' = 'light'): Promise<void> {
  page = await h.newPage({ colorScheme });
  await page.goto(h.url(`#/${route}`));
  await page.locator('[data-testid="app"][data-booted="true"]').waitFor();
}

beforeAll(async () => {
  h = await startHarness({ demo: 'small', now: NOW });
});
afterAll(async () => {
  await h?.close();
});

describe('export menu', () => {
  it('exports the dashboard to XLSX with the numbers on screen, then to PDF and PNG', async () => {
    await open('dashboard');
    await page.locator('canvas').first().waitFor();
    await page.getByTestId('export-button').click();
    await expect.poll(() => page.getByRole('menu').isVisible()).toBe(true);
    await screenshot(page, 'export-menu-dashboard');

    await page.getByTestId('export-xlsx').click();
    const notice = page.getByTestId('export-notice');
    await notice.waitFor({ timeout: 60_000 });
    const text = await notice.innerText();
    expect(text).toMatch(/^Сохранено: Skvoz_Дашборд_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.xlsx/);
    const file = join(h.exports.dialog.dir, text.split('Сохранено: ')[1]!.split('\n')[0]!.trim());
    expect(existsSync(file)).toBe(true);
    const [, from, to] = /_(\d{4}-\d\d-\d\d)_(\d{4}-\d\d-\d\d)\.xlsx$/.exec(file)!;
    const want = (await h.call('reports:query', { from: from!, to: to!, groupBy: ['channel', 'source'] })) as ReportResult;
    const sheet = (await readXlsx(file)).getWorksheet('Отчёт')!;
    const total = sheet.getRow(sheet.rowCount);
    expect(total.getCell(1).value).toBe('Итого');
    // the channel and source columns, then calls … leads
    expect(total.getCell(7).value as number).toBeCloseTo(want.totals.leads, 9);
    await screenshot(page, 'export-saved-dashboard');
    // the file can be opened, or shown in its folder, right from the notice
    await notice.getByTestId('export-open').click();
    await notice.getByTestId('export-reveal').click();
    await expect.poll(() => h.exports.opened.slice()).toEqual([`open ${file}`, `reveal ${file}`]);

    await page.getByTestId('export-button').click();
    await page.getByTestId('export-pdf').click();
    await expect.poll(async () => (await notice.innerText()).includes('.pdf'), { timeout: 60_000 }).toBe(true);
    const pdf = join(h.exports.dialog.dir, file.split('/').pop()!.replace('.xlsx', '.pdf'));
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    await page.getByTestId('export-button').click();
    await page.getByTestId('export-png').click();
    await expect.poll(async () => (await notice.innerText()).includes('.png'), { timeout: 30_000 }).toBe(true);
    const png = pdf.replace('.pdf', '.png');
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(h.problems).toEqual([]);
  });

  it('exports the data-health table to CSV; the menu works in the dark theme too', async () => {
    await open('health', 'dark');
    // keyboard: Enter opens with the first item focused, Esc closes and returns focus
    await page.getByTestId('export-button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-testid'))).toBe('export-xlsx');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-testid'))).toBe('export-csv');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('menu').count()).toBe(0);
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } } }).document.activeElement.getAttribute('data-testid'))).toBe('export-button');
    await page.getByTestId('export-button').click();
    await screenshot(page, 'export-menu-health-dark');
    await page.getByTestId('export-csv').click();
    const notice = page.getByTestId('export-notice');
    await notice.waitFor({ timeout: 60_000 });
    const name = (await notice.innerText()).split('Сохранено: ')[1]!.split('\n')[0]!.trim();
    expect(name).toBe('Skvoz_Качество_данных.csv');
    const csv = readFileSync(join(h.exports.dialog.dir, name), 'utf8');
    expect(csv.startsWith('\uFEFFПараметр;Значение')).toBe(true);
    expect(csv).toContain('Лиды без UTM-меток;');
    await screenshot(page, 'export-saved-health-dark');
  });

  it('schedules a saved view: folder from the dialog, weekly at a time; the engine keeps it', async () => {
    await h.call('views:save', { name: 'Неделя по источникам', spec: { period: { kind: 'preset', preset: 'last7', anchor: 'today' } } });
    await open('reports');
    await page.getByTestId('view-open').filter({ hasText: 'Неделя по источникам' }).click();
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-schedule').click();
    const dialog = page.getByTestId('export-schedule-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('schedule-save').isDisabled()).toBe(true);
    await dialog.getByTestId('schedule-folder').click();
    await dialog.getByText(h.exports.dialog.dir).waitFor();
    await dialog.getByLabel('Как часто').selectOption('weekly');
    await dialog.getByLabel('День недели').selectOption('5');
    await dialog.getByLabel('Время').fill('07:30');
    await screenshot(page, 'export-schedule-dialog');
    await dialog.getByTestId('schedule-save').click();
    await page.getByTestId('export-notice').filter({ hasText: 'Расписание сохранено' }).waitFor();
    const list = await h.call('schedules:list');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ folder: h.exports.dialog.dir, frequency: 'weekly', weekday: 5, time: '07:30', format: 'xlsx', enabled: true });
  });

  it('offers to save the report when a schedule is asked for an unsaved one, then sets the schedule', async () => {
    await open('reports');
    await page.getByTestId('report-tree').waitFor();
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-schedule').click();
    const dialog = page.getByTestId('export-schedule-dialog');
    await dialog.getByTestId('schedule-save-view').waitFor();
    await dialog.getByTestId('schedule-view-name').fill('Отчёт для расписания');
    await dialog.getByTestId('schedule-view-save').click();
    await dialog.getByTestId('schedule-folder').waitFor();
    expect((await h.call('views:list')).map((v) => v.name)).toContain('Отчёт для расписания');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows a clear message when the save dialog is refused by the shell', async () => {
    await open('reports');
    h.intercept = (channel) => (channel === 'files:chooseSave' ? { ok: false, error: { code: 'internal', message: 'Выгрузка в файл недоступна в этом окне.' } } : undefined);
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-xlsx').click();
    const alert = page.getByRole('alert').filter({ hasText: 'Не удалось выгрузить' });
    await alert.waitFor();
    await screenshot(page, 'export-error-reports');
    h.intercept = null;
  });
});
