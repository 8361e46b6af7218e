// Yandex Direct and VK Ads cost syncs against the loopback fakes: what lands in ad_cost, the
// offline report flow, tokens, the incremental trailing re-pull, and faults.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantToDate } from '@shared/time';
import { AdDataset } from '../fakes/ads/data';
import { startFakeDirect, type FakeDirect } from '../fakes/yandex-direct';
import { startFakeVk, type FakeVk } from '../fakes/vk-ads';
import { parseReport, parseUnits } from '../../src-main/engine/sources/yandex-direct/client';
import { readCursorJson } from '../../src-main/engine/sync/cursor';
import type { AdCursor } from '../../src-main/engine/sources/ads/sync-days';
import { DIRECT_TOKEN, VK_ID, VK_SECRET, adEngine, adRows, makeWsDir, syncOnly, tempDir } from './helpers';

const NOW = Date.parse('2026-04-05T09:00:00Z');
const TODAY = instantToDate(NOW, 'Europe/Moscow');
const HS = addDays(TODAY, -45);

let tmp: ReturnType<typeof tempDir>;
let direct: FakeDirect;
let vk: FakeVk;
let dsDirect: AdDataset;
let dsVk: AdDataset;

beforeAll(async () => {
  tmp = tempDir();
  dsDirect = AdDataset.make('Директ', 12, HS, 3);
  dsVk = AdDataset.make('VK', 60, HS, 4, 1000);
  direct = await startFakeDirect({ token: DIRECT_TOKEN, accounts: { '': dsDirect }, offlinePolls: 2, retryIn: 0 });
  vk = await startFakeVk({ clientId: VK_ID, clientSecret: VK_SECRET, accounts: { '': dsVk } });
});

afterAll(async () => {
  await direct.close();
  await vk.close();
  tmp.done();
});

afterEach(() => {
  direct.faults.length = 0;
  vk.faults.length = 0;
});

let n = 0;
const wsDir = (adCosts = {}) => makeWsDir(tmp.dir, `ws${++n}`, { historyStart: HS, trailingDays: 3, ...adCosts });

const expected = (ds: AdDataset, from: string, to: string) =>
  ds.rows(from, to).map((r) => ({ day: r.day, campaign_id: r.campaignId, campaign_name: ds.name(r.campaignId), amount: r.cost, impressions: r.impressions, clicks: r.clicks === 0 ? null : r.clicks }));

describe('Yandex Direct costs', () => {
  it('pulls every day and campaign through the offline report flow, without the totals line, in money not micros', async () => {
    const e = adEngine(wsDir(), { direct, now: NOW });
    try {
      const before = direct.reports.length;
      const r = await syncOnly(e, ['yandex_direct']);
      expect(r.ok, r.error?.message).toBe(true);
      const got = adRows(e, 'yandex_direct').map(({ account: _a, ...x }) => x);
      expect(got).toEqual(expected(dsDirect, HS, TODAY));
      const reports = direct.reports.slice(before);
      expect(reports.length).toBe(2); // 46 days in chunks of 31
      expect(reports.every((x) => !x.micros && x.skipHeader && x.skipSummary && x.vat)).toBe(true);
      // 201, then two 202 before each 200
      expect(direct.byPath['/json/v5/reports']).toBeGreaterThanOrEqual(reports.length * 4);
      const cur = readCursorJson<AdCursor>(e.workspace.db, 'yandex_direct', 'costs:');
      expect(cur).toEqual({ hs: HS, through: addDays(TODAY, -1), next: null });
    } finally {
      await e.close();
    }
  });

  it('re-pulls only the trailing days on the next run and takes the corrected costs', async () => {
    const e = adEngine(wsDir(), { direct, now: NOW });
    try {
      expect((await syncOnly(e, ['yandex_direct'])).ok).toBe(true);
      const day = addDays(TODAY, -2);
      const c = dsDirect.campaigns.find((x) => dsDirect.day(x.id, day) !== null)!.id;
      dsDirect.corrections.set(`${c}:${day}`, 777.77);
      const before = direct.reports.length;
      expect((await syncOnly(e, ['yandex_direct'])).ok).toBe(true);
      const again = direct.reports.slice(before);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ from: addDays(TODAY, -3), to: TODAY });
      const row = adRows(e, 'yandex_direct').find((r) => r.campaign_id === c && r.day === day);
      expect(row?.amount).toBe(777.77);
      dsDirect.corrections.clear();
    } finally {
      await e.close();
    }
  });

  it('costs without VAT when the workspace says so', async () => {
    const e = adEngine(wsDir({ vat: 'without' }), { direct, now: NOW });
    try {
      const before = direct.reports.length;
      expect((await syncOnly(e, ['yandex_direct'])).ok).toBe(true);
      expect(direct.reports.slice(before).every((x) => !x.vat)).toBe(true);
    } finally {
      await e.close();
    }
  });

  it('backs off on 500, 502, 506, 9000, 152 and an HTML page, and ends with the same rows', async () => {
    const e = adEngine(wsDir(), { direct, now: NOW });
    try {
      direct.faults.push('http500', 'limit506', 'units152', 'http502', 'queue9000', 'html200');
      const r = await syncOnly(e, ['yandex_direct']);
      expect(r.ok, r.error?.message).toBe(true);
      expect(direct.faults).toEqual([]);
      expect(adRows(e, 'yandex_direct').length).toBe(expected(dsDirect, HS, TODAY).length);
    } finally {
      await e.close();
    }
  });

  it('a rejected token fails with a Russian message and writes nothing', async () => {
    const { MemorySecrets } = await import('../../src-main/engine/secrets');
    const secrets = new MemorySecrets();
    secrets.set({ kind: 'yandex_direct_token', login: '' }, 'y0_wrong-token-wrong-token-000');
    const e = adEngine(wsDir(), { direct, now: NOW, secrets });
    try {
      const r = await syncOnly(e, ['yandex_direct']);
      expect(r.ok).toBe(false);
      expect(r.error).toMatchObject({ code: 'auth_failed' });
      expect(r.error?.message).toMatch(/не принял OAuth-токен \(ошибка 53\)/);
      expect(adRows(e, 'yandex_direct')).toEqual([]);
    } finally {
      await e.close();
    }
  });

  it('an agency token reads each client login with Client-Login', async () => {
    const a = AdDataset.make('A', 3, HS, 7, 1);
    const b = AdDataset.make('B', 2, HS, 8, 100);
    const agency = await startFakeDirect({ token: DIRECT_TOKEN, accounts: { 'client-a': a, 'client-b': b }, agency: true, offlinePolls: null });
    const e = adEngine(wsDir({ yandexDirect: { logins: ['client-a', 'client-b'] } }), { direct: agency, now: NOW });
    try {
      const r = await syncOnly(e, ['yandex_direct']);
      expect(r.ok, r.error?.message).toBe(true);
      const rows = adRows(e, 'yandex_direct');
      expect(rows.filter((x) => x.account === 'client-a').length).toBe(a.rows(HS, TODAY).length);
      expect(rows.filter((x) => x.account === 'client-b').length).toBe(b.rows(HS, TODAY).length);
    } finally {
      await e.close();
      await agency.close();
    }
  });

  it('parses a report with the title line, micros-free money, `--` and Total rows', () => {
    const tsv = '"r (2026-03-01 - 2026-03-01)"\nDate\tCampaignId\tCampaignName\tImpressions\tClicks\tCost\n2026-03-01\t7\tДиваны\t100\t--\t12.50\nTotal rows: 1\n';
    expect(parseReport(tsv, 'RUB')).toEqual([{ day: '2026-03-01', campaignId: '7', campaignName: 'Диваны', impressions: 100, clicks: null, amount: 12.5, currency: 'RUB' }]);
    expect(parseUnits('10/20828/64000')).toEqual({ spent: 10, rest: 20828, limit: 64000 });
  });
});

describe('VK Ads costs', () => {
  it('pulls ad plans and statistics by day, in chunks of ids and of ≤ 92 days, dropping days without delivery', async () => {
    const e = adEngine(wsDir({ historyStart: addDays(TODAY, -120) }), { vk, now: NOW });
    try {
      const r = await syncOnly(e, ['vk_ads']);
      expect(r.ok, r.error?.message).toBe(true);
      const got = adRows(e, 'vk_ads').map(({ account: _a, ...x }) => ({ ...x, clicks: x.clicks }));
      const want = dsVk.rows(addDays(TODAY, -120), TODAY).map((x) => ({ day: x.day, campaign_id: x.campaignId, campaign_name: dsVk.name(x.campaignId), amount: x.cost, impressions: x.impressions, clicks: x.clicks }));
      expect(got).toEqual(want);
      // 60 plans → 2 id chunks; 121 days → 2 periods
      expect(vk.byPath['/api/v2/statistics/ad_plans/day.json']).toBeGreaterThanOrEqual(4);
    } finally {
      await e.close();
    }
  });

  it('keeps one token for the process, renews it after a 401, and clears old tokens at the limit', async () => {
    const e = adEngine(wsDir(), { vk, now: NOW });
    try {
      expect((await syncOnly(e, ['vk_ads'])).ok).toBe(true);
      const issued = vk.issued;
      expect((await syncOnly(e, ['vk_ads'])).ok).toBe(true);
      expect(vk.issued).toBe(issued); // reused
      vk.expireAll();
      expect((await syncOnly(e, ['vk_ads'])).ok).toBe(true);
      expect(vk.issued).toBe(issued + 1); // one new token after the 401
    } finally {
      await e.close();
    }
    // five live tokens from other programs: the next token request hits the limit
    for (let i = 0; i < 5; i++) vk.live.set('', new Set([...(vk.live.get('') ?? []), `other-${i}`]));
    const e2 = adEngine(wsDir(), { vk, now: NOW });
    try {
      const r = await syncOnly(e2, ['vk_ads']);
      expect(r.ok, r.error?.message).toBe(true);
      expect(vk.byPath['/api/v2/oauth2/token/delete.json']).toBe(1);
    } finally {
      await e2.close();
    }
  });

  it('retries 500, 429 and an HTML page; wrong keys fail with a Russian message', async () => {
    const e = adEngine(wsDir(), { vk, now: NOW });
    try {
      vk.faults.push('http500', 'http429', 'html200');
      const r = await syncOnly(e, ['vk_ads']);
      expect(r.ok, r.error?.message).toBe(true);
    } finally {
      await e.close();
    }
    const { MemorySecrets } = await import('../../src-main/engine/secrets');
    const secrets = new MemorySecrets();
    secrets.set({ kind: 'vk_ads_credentials' }, `${VK_ID}:wrong-secret`);
    const bad = adEngine(wsDir(), { vk, now: NOW, secrets });
    try {
      const r = await syncOnly(bad, ['vk_ads']);
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('auth_failed');
      expect(r.error?.message).toMatch(/не приняла client_id и client_secret/);
      expect(adRows(bad, 'vk_ads')).toEqual([]);
    } finally {
      await bad.close();
    }
  });
});
