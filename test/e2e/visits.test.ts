// Offline visits in Chromium against a real engine on the small demo workspace, with the fake
// Calltouch lead-service on 127.0.0.1: the form normalises phones and shows the match preview
// before saving; a saved visit is in the list (queued) and in the report totals at once; invalid
// input saves nothing; a queued visit can be cancelled; sending shows the Calltouch id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Settings, VisitPreview } from '@shared/contract';
import { addDays } from '@shared/time';
import { todayIn } from '@shared/periods';
import { formatDateTime, formatPhone, parseRuNumber } from '../../src-renderer/lib/format';
import { localToIso, visitTimeZone } from '../../src-renderer/lib/visits';
import { startCalltouchOrdersFake, type CalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { startHarness, type Harness } from './harness';
import { screenshot } from './screen';

const TOKEN = 'e2e-visits-token';
let h: Harness;
let fake: CalltouchOrdersFake;
const tokens: Record<number, string> = {};
let settings: Settings;
let siteId: number;
/** a phone (E.164) with a call in the demo data within the last 60 days */
let knownPhone: string;

/** Intl puts no-break spaces; compare with plain ones. */
const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ');

/** "+79161234567" → "8 (916) 123-45-67", as people type it */
function typed(e164: string): string {
  const d = e164.slice(2);
  return `8 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
}

async function open(page: Page, route = 'visits'): Promise<void> {
  await h.open(page, route);
  if (route === 'visits') await page.getByTestId('visit-form').waitFor();
}

async function totals(): Promise<{ visits: number; visitRevenue: number; total: number }> {
  const today = todayIn(settings.timeZone);
  const r = await h.call('reports:query', { from: addDays(today, -2), to: addDays(today, 1), groupBy: ['source'] });
  const list = await h.call('visits:list', { limit: 1 });
  return { visits: r.totals.visits, visitRevenue: r.totals.visitRevenue, total: list.total };
}

async function expectedPreview(page: Page, phones: string[]): Promise<VisitPreview> {
  const local = (await page.getByTestId('visit-at').getAttribute('data-value')) ?? '';
  const at = localToIso(local, visitTimeZone(settings, siteId));
  if (!at) throw new Error(`bad date ${local}`);
  return h.call('visits:preview', { phones, emails: [], at, siteId });
}

async function rowOf(page: Page, orderNumber: string) {
  const row = page.locator(`[data-testid="visit-row"][data-order="${orderNumber}"]`);
  await row.waitFor();
  return row;
}

beforeAll(async () => {
  fake = await startCalltouchOrdersFake({ tokens });
  h = await startHarness({ demo: 'small', overrides: { calltouchBaseUrl: fake.url } });
  settings = await h.call('settings:get');
  const site = settings.calltouch.sites[0];
  if (!site) throw new Error('the demo has no Calltouch site');
  siteId = site.siteId;
  tokens[siteId] = TOKEN;
  const row = h.engine.workspace.db
    .prepare(
      `SELECT i.value AS phone FROM ct_call c JOIN ident i ON i.owner = 'call' AND i.owner_id = c.id AND i.kind = 'phone'
       WHERE c.site_id = ? AND c.at >= ? AND i.value LIKE '+79%' ORDER BY c.at DESC LIMIT 1`,
    )
    .get(siteId, Date.now() - 60 * 86_400_000) as { phone: string } | undefined;
  if (!row) throw new Error('no recent call with a phone in the demo');
  knownPhone = row.phone;
});

afterAll(async () => {
  await h?.close();
  await fake?.stop();
});

describe('offline visits screen', () => {
  it('starts empty, with the form ready: now in the site’s zone, «Визит», the site chosen', async () => {
    const page = await h.newPage();
    await open(page);
    await page.getByTestId('visits-empty').waitFor();
    expect(await page.getByTestId('visit-status').inputValue()).toBe('Визит');
    expect(Number(await page.getByTestId('visit-site').inputValue())).toBe(siteId);
    const at = localToIso((await page.getByTestId('visit-at').getAttribute('data-value')) ?? '', visitTimeZone(settings, siteId));
    // the app's own date and time fields: dd.mm.yyyy and 24 hours, whatever the OS locale
    expect(await page.getByTestId('visit-at-date').inputValue()).toMatch(/^\d\d\.\d\d\.\d{4}$/);
    expect(await page.getByTestId('visit-at-time').inputValue()).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    expect(await page.locator('input[type="date"], input[type="time"], input[type="datetime-local"]').count()).toBe(0);
    expect(Math.abs(Date.parse(at ?? '') - Date.now())).toBeLessThan(5 * 60_000);
    expect(await page.getByTestId('visit-b24').isChecked()).toBe(settings.visits.createInBitrix24);
    expect(await page.getByTestId('visit-preview').getAttribute('data-state')).toBe('idle');
    expect(await page.getByTestId('nav-visits-badge').count()).toBe(0);
  });

  it('shows a typed phone back in E.164 and the match preview before saving; the saved visit is queued and in the totals at once', async () => {
    const page = await h.newPage();
    await open(page);
    const phone = page.getByTestId('visit-phones-input').first();
    await phone.fill('8 (916) 123-45-67');
    // one phone format on every screen: the one of the visit list
    await expect.poll(async () => plain(await page.getByTestId('visit-phones-echo').first().textContent())).toContain('+7 916 123-45-67');

    // a client without calls: «будет записан как офлайн-визит»
    const none = await expectedPreview(page, ['+79161234567']);
    const preview = page.getByTestId('visit-preview');
    if (none.match === null) {
      await page.locator('[data-testid="visit-preview"][data-state="none"]').waitFor();
      expect(await preview.textContent()).toContain('будет записан как офлайн-визит');
    }

    // a client who called: the call and its source / medium / campaign
    await phone.fill(typed(knownPhone));
    await expect.poll(async () => plain(await page.getByTestId('visit-phones-echo').first().textContent())).toContain(plain(formatPhone(knownPhone)));
    const expected = await expectedPreview(page, [knownPhone]);
    expect(expected.match?.kind).toBe('call');
    await page.locator('[data-testid="visit-preview"][data-state="match"][data-loading="false"]').waitFor();
    const text = await page.getByTestId('visit-preview-text').textContent();
    expect(text).toContain(formatDateTime(expected.match!.at, visitTimeZone(settings, siteId)));
    expect(await page.getByTestId('visit-preview-source').textContent()).toBe(expected.match!.source || '(не задано)');
    expect(await page.getByTestId('visit-preview-medium').textContent()).toBe(expected.match!.medium || '(не задано)');
    expect(await page.getByTestId('visit-preview-campaign').textContent()).toBe(expected.match!.campaign || '(не задано)');

    await page.getByTestId('visit-add-phones').click();
    await page.getByTestId('visit-phones-input').nth(1).fill('+7 (903) 000-11-22');
    await page.getByTestId('visit-emails-input').first().fill('Client@Example.RU');
    await page.getByTestId('visit-name').fill('Ирина Петрова');
    await page.getByTestId('visit-revenue').fill('12 500,50');
    expect(plain(await page.getByTestId('visit-form').textContent())).toContain('Будет учтено: 12 500,50 ₽');
    await page.getByTestId('visit-tags').fill('шоурум, повторный');
    await page.getByTestId('visit-comment').fill('Пришла по звонку, купила диван');
    await screenshot(page, 'visits-form-preview-light');

    const before = await totals();
    await page.getByTestId('visit-save').click();
    await page.getByTestId('visit-notice').getByText('Визит сохранён').waitFor();
    const list = await h.call('visits:list', {});
    const saved = list.items[0]!;
    expect(saved.phones).toEqual([knownPhone, '+79030001122']);
    expect(saved.emails).toEqual(['client@example.ru']);
    expect(saved.revenue).toBe('12500.50');
    expect(saved.tags).toEqual(['шоурум', 'повторный']);
    expect(saved.siteId).toBe(siteId);
    const row = await rowOf(page, saved.orderNumber);
    expect(await row.getAttribute('data-state')).toBe('queued');
    expect(await row.getByTestId('visit-state').textContent()).toBe('В очереди');
    expect(plain(await row.getByTestId('visit-revenue-cell').textContent())).toBe('12 500,50 ₽');

    // in the reports before it is even sent
    const after = await totals();
    expect(after.visits).toBeCloseTo(before.visits + 1, 6);
    expect(after.visitRevenue).toBeCloseTo(before.visitRevenue + 12500.5, 2);
    // …and on the report screen: a saved view with the visits columns, opened from the sidebar
    const today = todayIn(settings.timeZone);
    const period = { from: addDays(today, -2), to: addDays(today, 1) };
    const view = await h.call('views:save', {
      name: 'Визиты за последние дни',
      spec: { period: { kind: 'custom', ...period }, groupBy: ['source'], columns: ['leads', 'visits', 'visitRevenue'] },
    });
    await open(page, 'reports');
    await page.locator(`[data-view-id="${view.id}"] [data-testid="view-open"]`).click();
    const cell = (m: string) => page.locator(`[data-testid$="-totals"] [data-metric="${m}"]`).first();
    await expect.poll(async () => parseRuNumber((await cell('visits').textContent()) ?? '')).toBe(after.visits);
    // report money is in whole roubles (docs/REPORTS.md «Display formats»)
    expect(Math.abs(parseRuNumber((await cell('visitRevenue').textContent()) ?? '')! - after.visitRevenue)).toBeLessThanOrEqual(0.5);
    await open(page);

    // the navigation badge counts it; the form is ready for the next one
    await expect.poll(() => page.getByTestId('nav-visits-badge').textContent()).toBe('1');
    expect(await page.getByTestId('visit-phones-input').first().inputValue()).toBe('');
    expect(h.problems).toEqual([]);
  });

  it('shows the field messages for invalid input and saves nothing', async () => {
    const page = await h.newPage();
    await open(page);
    const before = await totals();
    await page.getByTestId('visit-phones-input').first().fill('12');
    await page.getByTestId('visit-emails-input').first().fill('ivan@');
    await page.getByTestId('visit-revenue').fill('-5');
    await page.getByTestId('visit-status').fill('');
    await page.getByTestId('visit-at-date').fill('01.01.2031');
    await page.getByTestId('visit-at-time').fill('10:00');
    await page.getByTestId('visit-save').click();
    const msg = (field: string) => page.locator(`[data-testid="visit-field-error"][data-field="${field}"]`).textContent();
    expect(await msg('phones.0')).toBe('Не похоже на телефон: «12»');
    expect(await msg('emails.0')).toBe('Не похоже на e-mail: «ivan@»');
    expect(await msg('revenue')).toBe('Выручка — число не меньше нуля, до копеек');
    expect(await msg('status')).toBe('Укажите статус');
    expect(await msg('at')).toBe('Дата визита не может быть позже завтрашнего дня');
    expect(await page.getByTestId('visit-form-error').textContent()).toContain('Исправьте поля');
    // the first invalid field has the focus
    type Doc = { document: { activeElement: { getAttribute(name: string): string | null } | null } };
    expect(await page.evaluate(() => (globalThis as unknown as Doc).document.activeElement?.getAttribute('data-testid'))).toBe('visit-phones-input');

    await page.getByTestId('visit-phones-input').first().fill('');
    await page.getByTestId('visit-emails-input').first().fill('');
    expect(await msg('phones')).toBe('Укажите хотя бы один телефон или e-mail');
    await screenshot(page, 'visits-form-errors-light');
    expect(await totals()).toEqual(before);

    // the engine's field messages land next to the same fields
    h.intercept = (channel) =>
      channel === 'visits:create'
        ? { ok: false, error: { code: 'invalid_input', message: 'Проверьте поля визита', fields: { 'phones.0': 'Номер не обслуживается' } } }
        : undefined;
    try {
      await page.getByTestId('visit-phones-input').first().fill('+7 916 000-00-01');
      await page.getByTestId('visit-revenue').fill('100');
      await page.getByTestId('visit-status').fill('Визит');
      await page.getByTestId('visit-at-date').fill('15.01.2026');
      await page.getByTestId('visit-at-time').fill('10:00');
      await page.getByTestId('visit-save').click();
      await page.locator('[data-testid="visit-field-error"][data-field="phones.0"]').getByText('Номер не обслуживается').waitFor();
      expect(await page.getByTestId('visit-form-error').textContent()).toBe('Проверьте поля визита');
    } finally {
      h.intercept = null;
    }
    expect(await totals()).toEqual(before);
  });

  it('cancels a queued visit after confirmation: it leaves the reports and the badge', async () => {
    const page = await h.newPage();
    await open(page);
    const before = await totals();
    const v = await h.call('visits:create', { phones: ['+79035550011'], at: new Date(Date.now() - 3_600_000).toISOString(), revenue: '700' });
    // live: created elsewhere, it appears without reloading
    const row = await rowOf(page, v.orderNumber);
    expect((await totals()).visits).toBeCloseTo(before.visits + 1, 6);
    await row.getByTestId('visit-cancel').click();
    const dialog = page.getByTestId('visit-cancel-dialog');
    await dialog.getByText('Визит ещё не отправлен').waitFor();
    await dialog.getByTestId('visit-cancel-confirm').click();
    await page.locator(`[data-testid="visit-row"][data-order="${v.orderNumber}"][data-state="cancelled"]`).waitFor();
    expect(await row.getByTestId('visit-cancel').count()).toBe(0);
    const after = await totals();
    expect(after.visits).toBeCloseTo(before.visits, 6);
    expect(fake.counters.requests).toBe(0);
  });

  it('sends the queue: without a token the row says what to do; with it, the Calltouch id', async () => {
    const page = await h.newPage();
    await open(page);
    await page.getByTestId('visit-send-now').click();
    const first = (await h.call('visits:list', { states: ['queued'] })).items[0]!;
    const row = await rowOf(page, first.orderNumber);
    await row.getByTestId('visit-error').getByText('Нет токена Calltouch').waitFor();
    // a queued visit that cannot go is counted «с ошибками», not «в очереди»
    const list = await h.call('visits:list', { limit: 1 });
    const erred = (list.counts.withErrors ?? 0);
    expect(erred).toBeGreaterThan(0);
    await expect.poll(async () => plain(await page.getByTestId('visit-summary').textContent())).toContain(`с ошибками: ${erred}`);
    expect(await row.getByTestId('visit-go-settings').getAttribute('href')).toBe('#/settings');
    await screenshot(page, 'visits-list-no-token-light');

    await h.call('secrets:set', { kind: 'calltouch_token', siteId, value: TOKEN });
    await row.getByTestId('visit-retry').click();
    await page.getByTestId('visit-send-now').click();
    await page.locator(`[data-testid="visit-row"][data-order="${first.orderNumber}"][data-state="sent"]`).waitFor();
    const stored = fake.allOrders().find((o) => o.orderNumber === first.orderNumber);
    expect(stored).toBeDefined();
    expect(await row.getByTestId('visit-calltouch-id').textContent()).toContain(String(stored!.calltouchOrderId));
    expect(await row.getByTestId('visit-cancel').count()).toBe(0);

    // a sent visit: contacts are locked, the status can change (goes out as an update)
    await row.getByTestId('visit-edit').click();
    const dialog = page.getByTestId('visit-edit-dialog');
    await dialog.getByTestId('visit-locked').waitFor();
    expect(await dialog.getByTestId('visit-phones-input').first().isDisabled()).toBe(true);
    await screenshot(page, 'visits-edit-dialog-light');
    await dialog.getByTestId('visit-status').fill('Покупка');
    await dialog.getByTestId('visit-update').click();
    await page.getByTestId('visit-notice').getByText('Изменения сохранены').waitFor();
    await row.getByText('Покупка').waitFor();
    expect((await h.call('visits:list', {})).items.find((x) => x.id === first.id)?.status).toBe('Покупка');
    // the change waits in the queue (the Calltouch id stays shown) and goes out as an update
    await page.locator(`[data-testid="visit-row"][data-order="${first.orderNumber}"][data-state="queued"]`).waitFor();
    expect(await row.getByTestId('visit-calltouch-id').count()).toBe(1);
    await expect.poll(() => page.getByTestId('nav-visits-badge').textContent()).toBe('1');
    await page.getByTestId('visit-send-now').click();
    await page.locator(`[data-testid="visit-row"][data-order="${first.orderNumber}"][data-state="sent"]`).waitFor();
    expect(fake.allOrders().find((o) => o.orderNumber === first.orderNumber)?.status).toBe('Покупка');
    await expect.poll(() => page.getByTestId('nav-visits-badge').count()).toBe(0);
    await screenshot(page, 'visits-list-light');
  });

  it('filters by state and searches', async () => {
    const page = await h.newPage();
    await open(page);
    await page.getByTestId('visit-filter-cancelled').click();
    await expect.poll(() => page.getByTestId('visit-row').count()).toBe(1);
    expect(await page.getByTestId('visit-row').getAttribute('data-state')).toBe('cancelled');
    await page.getByTestId('visit-filter-all').click();
    await page.getByTestId('visit-search').fill('петрова');
    await expect.poll(() => page.getByTestId('visit-row').count()).toBe(1);
    expect(await page.getByTestId('visit-row').textContent()).toContain('Ирина Петрова');
    await page.getByTestId('visit-search').fill('нет такого');
    await page.getByTestId('visits-nothing').waitFor();
  });

  it('pages through a long outbox', async () => {
    const at = new Date(Date.now() - 86_400_000).toISOString();
    for (let i = 0; i < 30; i++) await h.call('visits:create', { phones: [`+7916700${String(i).padStart(4, '0')}`], at, revenue: String(100 + i) });
    const total = (await h.call('visits:list', { limit: 1 })).total;
    expect(total).toBeGreaterThan(30);
    const page = await h.newPage();
    await open(page);
    await expect.poll(() => page.getByTestId('visit-range').textContent()).toBe(`1–25 из ${total}`);
    expect(await page.getByTestId('visit-row').count()).toBe(25);
    await page.getByTestId('visit-next').click();
    await expect.poll(() => page.getByTestId('visit-range').textContent()).toBe(`26–${total} из ${total}`);
    expect(await page.getByTestId('visit-row').count()).toBe(total - 25);
    expect(await page.getByTestId('visit-next').isDisabled()).toBe(true);
    await expect.poll(() => page.getByTestId('nav-visits-badge').textContent()).toBe('30');
  });
});
