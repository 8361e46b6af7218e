// Done-when of issue 16: with the fakes, a sync fills costs for both platforms and the report by
// source / medium / campaign shows cost, CPL and ROMI on the campaigns' rows — the same numbers as
// a CSV import of the same costs; and an API day + campaign replaces a CSV row of the same key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { addDays, instantToDate } from '@shared/time';
import type { ReportResult } from '@shared/contract';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { AdDataset, costsCsv } from '../fakes/ads/data';
import { startFakeDirect, type FakeDirect } from '../fakes/yandex-direct';
import { startFakeVk, type FakeVk } from '../fakes/vk-ads';
import { DIRECT_TOKEN, VK_ID, VK_SECRET, adEngine, syncOnly, tempDir } from './helpers';

const NOW = Date.now();
const TODAY = instantToDate(NOW, 'Europe/Moscow');
const FROM = addDays(TODAY, -30);

let tmp: ReturnType<typeof tempDir>;
let direct: FakeDirect;
let vk: FakeVk;
let dsDirect: AdDataset;
let dsVk: AdDataset;
let apiDir: string;
let csvDir: string;

async function demo(name: string): Promise<string> {
  const dir = join(tmp.dir, name);
  const { ws } = await createDemoWorkspace(dir, { name, size: 'small', seed: 11, now: NOW });
  // the demo's own costs go: each workspace gets only the costs under test
  ws.db.prepare('DELETE FROM cost_batch').run();
  ws.updateMeta({ settings: { ...ws.settings, adCosts: { ...ws.settings.adCosts, historyStart: FROM, trailingDays: 2 } } });
  ws.close();
  return dir;
}

beforeAll(async () => {
  tmp = tempDir('skvoz-ads-report-');
  // the demo's paid campaigns, as the ad platforms would name them
  dsDirect = new AdDataset(['divany_poisk_msk', 'krovati_poisk_msk', 'rsya_retarget', 'brand_poisk'].map((name, i) => ({ id: String(81_000_000 + i), name })), FROM, 5);
  dsVk = new AdDataset([{ id: '1001', name: 'vk_divany' }, { id: '1002', name: 'vk_lookalike' }, { id: '1003', name: 'vk_retarget' }], FROM, 6);
  direct = await startFakeDirect({ token: DIRECT_TOKEN, accounts: { '': dsDirect }, offlinePolls: 1 });
  vk = await startFakeVk({ clientId: VK_ID, clientSecret: VK_SECRET, accounts: { '': dsVk } });
  apiDir = await demo('api');
  csvDir = await demo('csv');
}, 120_000);

afterAll(async () => {
  await direct.close();
  await vk.close();
  tmp.done();
});

async function report(dir: string): Promise<ReportResult> {
  const e = adEngine(dir, { direct, vk, now: NOW });
  try {
    const r = await e.dispatch('reports:query', { from: FROM, to: TODAY, groupBy: ['source', 'medium', 'campaign'] });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as ReportResult;
  } finally {
    await e.close();
  }
}

const paid = (r: ReportResult) =>
  r.rows
    .filter((x) => (x.source === 'yandex' || x.source === 'vk') && x.medium === 'cpc')
    .map((x) => ({ key: `${x.source}/${x.medium}/${x.campaign}`, cost: x.cost, leads: x.leads, cpl: x.cpl, romi: x.romi, impressions: x.impressions, clicks: x.clicks, ctr: x.ctr, cpc: x.cpc }))
    .sort((a, b) => a.key.localeCompare(b.key));

describe('ad costs in reports', () => {
  it('sync fills costs for both platforms; cost, CPL and ROMI equal a CSV import of the same costs', async () => {
    const e = adEngine(apiDir, { direct, vk, now: NOW });
    try {
      const r = await syncOnly(e, ['yandex_direct', 'vk_ads']);
      expect(r.ok, r.error?.message).toBe(true);
      expect(r.rows.yandex_direct).toBeGreaterThan(0);
      expect(r.rows.vk_ads).toBeGreaterThan(0);
    } finally {
      await e.close();
    }
    const csv = adEngine(csvDir, { now: NOW });
    try {
      const text = costsCsv(dsDirect, FROM, TODAY, 'yandex', 'cpc') + costsCsv(dsVk, FROM, TODAY, 'vk', 'cpc').split('\r\n').slice(1).join('\r\n');
      const imp = await csv.dispatch('costs:import', { fileName: 'same.csv', contentBase64: Buffer.from(text).toString('base64') });
      expect(imp.ok, imp.ok ? '' : imp.error.message).toBe(true);
    } finally {
      await csv.close();
    }
    const fromApi = paid(await report(apiDir));
    const fromCsv = paid(await report(csvDir));
    const withCost = fromApi.filter((x) => x.cost > 0);
    expect(withCost.length).toBe(dsDirect.campaigns.length + dsVk.campaigns.length);
    // the campaigns' rows carry leads, so CPL and ROMI are numbers, not nulls
    expect(withCost.filter((x) => x.leads > 0 && x.cpl !== null && x.romi !== null).length).toBeGreaterThanOrEqual(4);
    expect(withCost.every((x) => x.impressions > 0 && x.ctr !== null && x.cpc !== null)).toBe(true);
    expect(fromApi.length).toBe(fromCsv.length);
    fromApi.forEach((a, i) => {
      const c = fromCsv[i]!;
      expect(a.key).toBe(c.key);
      for (const k of ['cost', 'leads', 'cpl', 'romi', 'impressions', 'clicks', 'ctr', 'cpc'] as const) {
        if (a[k] === null) expect(c[k], `${a.key} ${k}`).toBeNull();
        else expect(c[k], `${a.key} ${k}`).toBeCloseTo(a[k]!, 6);
      }
    });
  }, 120_000);

  it('an API day + campaign replaces a CSV row of the same key; other CSV rows stay', async () => {
    const day = addDays(TODAY, -3);
    const c = dsDirect.campaigns.find((x) => dsDirect.day(x.id, day))!;
    const api = dsDirect.day(c.id, day)!.cost;
    const e = adEngine(apiDir, { direct, vk, now: NOW });
    try {
      const text = `Дата;Источник;Канал;Кампания;Расход\n${day};Yandex;CPC;${c.name};99999\n${day};yandex;cpc;только_в_файле;123,45\n`;
      const imp = await e.dispatch('costs:import', { fileName: 'overlap.csv', contentBase64: Buffer.from(text).toString('base64') });
      expect(imp.ok).toBe(true);
      if (imp.ok) expect((imp.value as { shadowed: number }).shadowed).toBe(1);
      const r = await e.dispatch('reports:query', { from: day, to: day, groupBy: ['source', 'medium', 'campaign'] });
      if (!r.ok) throw new Error(r.error.message);
      const rows = (r.value as ReportResult).rows;
      expect(rows.find((x) => x.campaign === c.name)?.cost).toBeCloseTo(api, 6);
      expect(rows.find((x) => x.campaign === 'только_в_файле')?.cost).toBeCloseTo(123.45, 6);
    } finally {
      await e.close();
    }
  }, 60_000);
});
