// Every screen at 1366×768 — the usual marketer laptop — in Russian on the light theme and in
// English on the dark one, on the small demo over periods long enough for eight-digit sums:
// a screenshot of each into test-results/screenshots/screens-<lang>-<screen>.png (look at them)
// and the overflow check on each (no number and no header clipped, test/e2e/overflow.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHarness, type Harness } from './harness';
import { expectNothingClipped } from './overflow';
import { screenshot } from './screen';

const NOW = Date.parse('2026-12-05T09:00:00Z');
const LAPTOP = { width: 1366, height: 768 };
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ demo: 'small', now: NOW });
  // a few offline visits, one of them refused, so the outbox screen has rows of every kind
  const at = (days: number) => new Date(NOW - days * 86_400_000).toISOString();
  await h.call('visits:create', { phones: ['+79035550011'], at: at(1), revenue: '125000.50', status: 'Визит' });
  await h.call('visits:create', { phones: ['+79161234567'], emails: ['anna@example.ru'], at: at(2), revenue: '7000' });
  await h.call('visits:create', { phones: ['+79267654321'], at: at(3), revenue: '0' });
});

afterAll(async () => {
  await h?.close();
});

/** The overflow check at 1366×768, then a full-height screenshot. */
async function look(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await expectNothingClipped(page, name);
  await screenshot(page, name);
}

async function idle(page: Page): Promise<void> {
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 15_000 }).catch(() => undefined);
}

for (const v of [
  { lang: 'ru', scheme: 'light' },
  { lang: 'en', scheme: 'dark' },
] as const) {
  describe(`every screen at 1366×768, ${v.lang} ${v.scheme}`, () => {
    let page: Page;
    const name = (s: string) => `screens-${v.lang}-${v.scheme}-${s}`;

    beforeAll(async () => {
      await h.call('settings:update', { language: v.lang });
      page = await h.newPage({ colorScheme: v.scheme, viewport: LAPTOP });
    });

    it('dashboard: a quarter against the one before, ROMI and the cost chart there', async () => {
      await h.open(page, 'dashboard');
      await page.getByTestId('report-table').waitFor();
      // the period bar is one line at 1366 (the table starts higher); no OS-locale date or time fields anywhere
      expect((await page.getByTestId('period-bar').boundingBox())!.height).toBeLessThan(52);
      expect(await page.locator('input[type="date"], input[type="time"], input[type="datetime-local"]').count()).toBe(0);
      await page.getByTestId('period-preset').selectOption('last90');
      await page.getByTestId('compare-picker').selectOption('previous');
      await page.locator('[data-testid="report-table"] [data-delta]').first().waitFor();
      await page.getByTestId('cost-revenue-chart').waitFor();
      await idle(page);
      await look(page, name('dashboard'));
    });

    it('reports: the tree over all time, opened down to the deals, and a deal', async () => {
      await h.open(page, 'reports', { keepSetup: true });
      await page.getByTestId('period-preset').selectOption('all');
      await page.getByTestId('compare-picker').selectOption('none');
      const rows = page.locator('[data-testid="report-tree"] [data-testid="tree-row"]');
      await rows.first().waitFor();
      await look(page, name('reports'));
      await rows.locator('xpath=self::*[@data-depth="0"]').first().click();
      await rows.locator('xpath=self::*[@data-depth="1"]').first().click();
      await rows.locator('xpath=self::*[@data-depth="2"]').first().click();
      await page.getByTestId('tree-deals-head').waitFor();
      await look(page, name('reports-deals'));
      await rows.locator('xpath=self::*[@data-type="deal"]').first().click();
      await page.getByTestId('deal-drawer').getByTestId('drawer-stage').waitFor();
      await look(page, name('deal'));
      await page.getByTestId('drawer-close').click();
    });

    it('reports: the comparison on at 1366 wide keeps ROMI in view', async () => {
      await page.getByTestId('period-preset').selectOption('last90');
      await page.getByTestId('compare-picker').selectOption('previous');
      await page.locator('[data-testid="report-tree"] [data-delta]').first().waitFor();
      await idle(page);
      const romi = page.locator('[data-testid="report-tree"] [role="columnheader"][data-col="romi"]');
      const box = await romi.boundingBox();
      expect(box, 'the ROMI header is on screen').not.toBeNull();
      expect(box!.x + box!.width).toBeLessThanOrEqual(LAPTOP.width);
      await look(page, name('reports-compare'));
      await page.getByTestId('compare-picker').selectOption('none');
    });

    it('reports: the model comparison', async () => {
      await page.getByTestId('mode-models').click();
      await page.locator('[data-testid="models-tree"] [data-testid="tree-row"]').first().waitFor();
      await idle(page);
      await look(page, name('models'));
      await page.getByTestId('mode-report').click();
    });

    it('offline visits', async () => {
      await h.open(page, 'visits', { keepSetup: true });
      await page.getByTestId('visit-form').waitFor();
      await page.locator('[data-testid="visit-row"]').first().waitFor();
      expect(await page.locator('input[type="date"], input[type="time"], input[type="datetime-local"]').count()).toBe(0);
      await look(page, name('visits'));
    });

    it('data health and its records', async () => {
      await h.open(page, 'health', { keepSetup: true });
      await page.getByTestId('health-checks').waitFor();
      await look(page, name('health'));
      await page.getByTestId('health-checks').getByRole('button').first().click();
      await page.getByTestId('health-records').locator('tbody tr').first().waitFor();
      await look(page, name('health-records'));
    });

    it('settings with a cost file previewed', async () => {
      await h.open(page, 'settings', { keepSetup: true });
      await page.getByTestId('costs-file').setInputFiles({
        name: 'expenses.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('Date,UTMSource,UTMMedium,UTMCampaign,Expenses\n2026-11-01,yandex,cpc,divany,12345678.90\n2026-11-02,vk,cpc,,1500\n', 'utf8'),
      });
      await page.getByTestId('costs-preview').waitFor();
      // the app's own file button, in the app's language (the native one says «Choose File»)
      const native = await page.getByTestId('costs-file').boundingBox();
      expect(native!.width).toBeLessThanOrEqual(1);
      expect(await page.getByTestId('costs-file-button').textContent()).toContain(v.lang === 'ru' ? 'Выбрать файл…' : 'Choose a file…');
      expect(await page.getByTestId('costs-file-name').textContent()).toBe('expenses.csv');
      // plural forms: two lines are «Первые 2 строки»
      if (v.lang === 'ru') await page.getByTestId('costs-preview').getByText('Первые 2 строки').waitFor();
      await look(page, name('settings'));
    });
  });
}
