// Ad costs in Chromium (issues 14, 16): connect Yandex Direct and VK Ads in «Настройки» with
// «Проверить подключение» against the loopback fakes, preview a Direct statistics export with its
// column mapping, sync the costs, and see cost coverage in «Качество данных». Screenshots at
// 1366×768 land in test-results/screenshots/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { addDays, instantToDate } from '@shared/time';
import { yandexDirectSource } from '../../src-main/engine/sources/yandex-direct/sync';
import { vkAdsSource } from '../../src-main/engine/sources/vk-ads/sync';
import { vkAdsTester, yandexDirectTester } from '../../src-main/engine/sources/ads/test-connection';
import { AdDataset } from '../fakes/ads/data';
import { startFakeDirect, type FakeDirect } from '../fakes/yandex-direct';
import { startFakeVk, type FakeVk } from '../fakes/vk-ads';
import { DIRECT_TOKEN, VK_ID, VK_SECRET, fastAdTuning } from '../ads/helpers';
import { startHarness, type Harness } from './harness';
import { screenshot } from './screen';

const NOW = Date.parse('2026-04-05T09:00:00Z');
const TODAY = instantToDate(NOW, 'Europe/Moscow');

let h: Harness;
let page: Page;
let direct: FakeDirect;
let vk: FakeVk;

beforeAll(async () => {
  const hs = addDays(TODAY, -60);
  const ds = new AdDataset(['divany_poisk_msk', 'krovati_poisk_msk', 'rsya_retarget'].map((name, i) => ({ id: String(81_000_000 + i), name })), hs, 2);
  const dv = new AdDataset([{ id: '1001', name: 'vk_divany' }], hs, 3);
  direct = await startFakeDirect({ token: DIRECT_TOKEN, accounts: { '': ds }, offlinePolls: 1 });
  vk = await startFakeVk({ clientId: VK_ID, clientSecret: VK_SECRET, accounts: { '': dv } });
  const tuning = { ...fastAdTuning(), timeoutMs: 15_000 };
  h = await startHarness({
    demo: 'small',
    now: NOW,
    overrides: { yandexDirectBaseUrl: direct.url, vkAdsBaseUrl: vk.url },
    sources: [yandexDirectSource({ tuning }), vkAdsSource({ tuning })],
    testers: { yandex_direct: yandexDirectTester({ tuning, now: () => NOW }), vk_ads: vkAdsTester({ tuning, now: () => NOW }) },
  });
  page = await h.newPage();
  await page.setViewportSize({ width: 1366, height: 768 });
}, 120_000);

afterAll(async () => {
  await h?.close();
  await direct?.close();
  await vk?.close();
});

describe('ad costs in the app', () => {
  it('connects Yandex Direct and VK Ads with connection tests', async () => {
    await h.open(page, 'settings');
    const panel = page.getByTestId('ads-panel');
    await panel.waitFor();
    await page.getByTestId('ads-direct-token').fill(DIRECT_TOKEN);
    await page.getByTestId('ads-direct-save').click();
    await page.getByTestId('ads-direct-result').getByText(/Подключение работает: свой аккаунт, валюта RUB; вчера \d+ кампаний потратили [\d\s]+,\d{2}\s₽/).waitFor();
    await page.getByTestId('ads-vk-token').fill(`${VK_ID}:${VK_SECRET}`);
    await page.getByTestId('ads-vk-save').click();
    await page.getByTestId('ads-vk-result').getByText(/Подключение работает: свой кабинет, кампаний: 1/).waitFor();
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-ad-accounts-light');
    expect(h.problems).toEqual([]);
  });

  it('previews a Direct statistics export with its column mapping, and remaps a column', async () => {
    const file = readFileSync(join(import.meta.dirname, '../fixtures/costs/yandex-direct-export.csv'));
    await page.getByTestId('costs-file').setInputFiles({ name: 'direct.csv', mimeType: 'text/csv', buffer: file });
    const mapping = page.getByTestId('costs-mapping');
    await mapping.getByText('выгрузка статистики Яндекс Директа').waitFor();
    expect(await page.getByTestId('costs-map-cost').inputValue()).toBe('6');
    expect(await page.getByTestId('costs-map-fixed-source').inputValue()).toBe('yandex');
    await page.getByTestId('costs-preview').scrollIntoViewIfNeeded();
    await screenshot(page, 'settings-costs-direct-preview-light');
    // campaign ← «№ Кампании»: the preview shows ids instead of names
    await page.getByTestId('costs-map-campaign').selectOption('2');
    await page.getByTestId('costs-map-apply').click();
    await page.getByTestId('costs-preview').getByText('81234567').first().waitFor();
    await page.getByTestId('costs-import').click();
    await page.getByTestId('costs-message').getByText(/Загружено из «direct\.csv»/).waitFor();
  });

  it('syncs both platforms and shows their costs and the coverage in «Качество данных»', async () => {
    const { runId } = await h.call('sync:start', { sources: ['yandex_direct', 'vk_ads'] });
    expect(runId).toBeTruthy();
    await h.engine.sync.settle();
    const sources = await h.call('costs:sources');
    expect(sources.map((s) => s.platform).sort()).toEqual(['vk_ads', 'yandex_direct']);
    await h.open(page, 'health');
    await page.getByTestId('health-costs').waitFor();
    await page.locator('[data-testid="health-cost-row"][data-origin="api"], [data-testid="health-cost-row"][data-origin="both"]').first().waitFor();
    await page.getByTestId('health-costs').scrollIntoViewIfNeeded();
    await screenshot(page, 'health-cost-coverage-light');
    expect(h.problems).toEqual([]);
  });
});
