// kill -9 the real CLI (`skvoz sync --only yandex_direct|vk_ads`) at random instants while it
// writes, resume each time, and check ad_cost ends identical to the fakes' data with an intact file
// (as test/calltouch/kill.test.ts does for Calltouch). Then `skvoz report` shows the costs.
import { spawn, type ChildProcess, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantToDate } from '@shared/time';
import { openDatabase, type Db } from '../../src-main/engine/db/open';
import { DB_FILE } from '../../src-main/engine/workspace';
import { AdDataset } from '../fakes/ads/data';
import { startFakeDirect, type FakeDirect } from '../fakes/yandex-direct';
import { startFakeVk, type FakeVk } from '../fakes/vk-ads';
import { DIRECT_TOKEN, VK_ID, VK_SECRET, makeWsDir, tempDir } from './helpers';
import { BIN, ROOT } from '../cli/helpers';

const KILLS = 12;
const now = Date.now();
const today = instantToDate(now, 'Europe/Moscow');
const HS = addDays(today, -240);

let tmp: ReturnType<typeof tempDir>;
let direct: FakeDirect;
let vk: FakeVk;
let dsDirect: AdDataset;
let dsVk: AdDataset;

beforeAll(async () => {
  tmp = tempDir('skvoz-ads-kill-');
  dsDirect = AdDataset.make('Директ', 40, HS, 21);
  dsVk = AdDataset.make('VK', 120, HS, 22, 5000);
  direct = await startFakeDirect({ token: DIRECT_TOKEN, accounts: { '': dsDirect }, offlinePolls: 1, retryIn: 0 });
  vk = await startFakeVk({ clientId: VK_ID, clientSecret: VK_SECRET, accounts: { '': dsVk }, tokenLimit: 1000 });
  direct.latencyMs = 15;
  vk.latencyMs = 15;
}, 60_000);

afterAll(async () => {
  await direct.close();
  await vk.close();
  tmp.done();
});

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SKVOZ_YANDEX_DIRECT_TOKEN: DIRECT_TOKEN,
    SKVOZ_YANDEX_DIRECT_BASE_URL: direct.url,
    SKVOZ_VK_ADS_TOKEN: `${VK_ID}:${VK_SECRET}`,
    SKVOZ_VK_ADS_BASE_URL: vk.url,
    SKVOZ_ADS_RPS: '300',
    SKVOZ_LOG_LEVEL: 'warn',
  };
}

function startSync(wsDir: string, only: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  let err = '';
  const child = spawn(process.execPath, [BIN, 'sync', '--workspace', wsDir, '--only', only], { cwd: ROOT, env: env(), stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, exited, stderr: () => err };
}

function read<T>(wsDir: string, sql: string, ...args: unknown[]): T {
  const db: Db = openDatabase(join(wsDir, DB_FILE), { readonly: true, migrate: false });
  try {
    return db.prepare(sql).all(...args) as T;
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function killLane(wsDir: string, only: string, kills: number): Promise<{ kills: number; afterCommit: number; completed: number }> {
  const r = { kills: 0, afterCommit: 0, completed: 0 };
  const cursor = () => JSON.stringify(read(wsDir, 'SELECT cursor FROM sync_cursor WHERE source = ?', only));
  while (r.kills < kills) {
    const before = cursor();
    const run = startSync(wsDir, only);
    let finished = false;
    void run.exited.then(() => (finished = true));
    let committed = false;
    const t0 = Date.now();
    while (!finished && !committed && Date.now() - t0 < 15_000) {
      committed = cursor() !== before;
      if (!committed) await sleep(5);
    }
    if (!finished) await sleep(Math.random() * 120);
    if (finished) {
      expect(run.stderr()).toContain('Синхронизация завершена');
      r.completed++;
      // start over from nothing so there is more to kill
      const db: Db = openDatabase(join(wsDir, DB_FILE));
      db.prepare('DELETE FROM sync_cursor WHERE source = ?').run(only);
      db.close();
      continue;
    }
    run.child.kill('SIGKILL');
    await run.exited;
    r.kills++;
    if (committed) r.afterCommit++;
  }
  return r;
}

const want = (ds: AdDataset) => ds.rows(HS, today).map((r) => `${r.day}|${r.campaignId}|${r.cost.toFixed(2)}|${r.impressions}`);
const got = (wsDir: string, platform: string) =>
  read<{ day: string; campaign_id: string; amount: number; impressions: number }[]>(wsDir, 'SELECT day, campaign_id, amount, impressions FROM ad_cost WHERE platform = ? ORDER BY day, campaign_id', platform).map(
    (r) => `${r.day}|${r.campaign_id}|${r.amount.toFixed(2)}|${r.impressions}`,
  );

describe('ad costs sync survives kill -9', () => {
  it(`Yandex Direct and VK Ads resume after ${2 * KILLS} kills into identical tables; skvoz report shows the costs`, async () => {
    const wsDir = makeWsDir(tmp.dir, 'ws', { historyStart: HS, trailingDays: 3 });
    const lanes = [await killLane(wsDir, 'yandex_direct', KILLS), await killLane(wsDir, 'vk_ads', KILLS)];
    console.log(`kill -9: ${lanes.map((l) => `${l.kills} kills (${l.afterCommit} after a commit, ${l.completed} completed runs)`).join('; ')}`);
    for (const l of lanes) expect(l.afterCommit).toBeGreaterThanOrEqual(l.kills - 2);
    for (const only of ['yandex_direct', 'vk_ads']) {
      const last = startSync(wsDir, only);
      expect(await last.exited, last.stderr()).toBe(0);
    }
    const db = openDatabase(join(wsDir, DB_FILE));
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    expect(got(wsDir, 'yandex_direct')).toEqual(want(dsDirect));
    expect(got(wsDir, 'vk_ads')).toEqual(want(dsVk));
    const out = execFileSync(process.execPath, [BIN, 'report', '--workspace', wsDir, '--from', HS, '--to', today, '--group', 'source,medium,campaign'], { cwd: ROOT, env: env() }).toString();
    const report = JSON.parse(out) as { rows: { source: string | null; campaign: string | null; cost: number }[]; totals: { cost: number } };
    const total = dsDirect.rows(HS, today).reduce((s, r) => s + r.cost, 0) + dsVk.rows(HS, today).reduce((s, r) => s + r.cost, 0);
    expect(report.totals.cost).toBeCloseTo(total, 4);
    expect(report.rows.filter((r) => r.source === 'yandex' && r.cost > 0)).toHaveLength(dsDirect.campaigns.length);
    expect(report.rows.filter((r) => r.source === 'vk' && r.cost > 0)).toHaveLength(dsVk.campaigns.length);
  }, 240_000);
});
