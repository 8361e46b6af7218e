// Ad costs backfill against the fakes: a year of daily costs for 200 campaigns from Yandex Direct
// and from VK Ads, the clients on their default shared limiters (Direct and VK: 2 requests/s).
//   npx tsx bench/ad-costs.ts [campaigns] [days] [retryIn seconds]
// Bound (issue 16): the fewest requests each API needs at the client's own rate, plus the offline
// report waits Direct itself asks for (retryIn after each 201/202):
//   Direct: clients.get + per 31-day report 201 → 202 → 200, each poll after max(retryIn, 1/rps)
//           ⇒ 3 × reports / rps + 2 × reports × max(0, retryIn − 1/rps)
//   VK:     token + ⌈campaigns / 50⌉ ad-plan pages + ⌈days / 90⌉ × ⌈campaigns / 50⌉ statistics calls ⇒ (requests − 1) / rps
import { addDays, instantToDate } from '@shared/time';
import { Engine } from '../src-main/engine/engine';
import { MemorySecrets } from '../src-main/engine/secrets';
import { DIRECT_RPS } from '../src-main/engine/sources/yandex-direct/client';
import { CHUNK_DAYS as DIRECT_CHUNK, yandexDirectSource } from '../src-main/engine/sources/yandex-direct/sync';
import { IDS_PER_REQUEST, VK_RPS } from '../src-main/engine/sources/vk-ads/client';
import { CHUNK_DAYS as VK_CHUNK, vkAdsSource } from '../src-main/engine/sources/vk-ads/sync';
import { AdDataset } from '../test/fakes/ads/data';
import { startFakeDirect } from '../test/fakes/yandex-direct';
import { startFakeVk } from '../test/fakes/vk-ads';
import { makeWsDir, tempDir } from '../test/ads/helpers';
import { report } from './lib';

const CAMPAIGNS = Number(process.argv[2] ?? 200);
const DAYS = Number(process.argv[3] ?? 365);
const RETRY_IN = Number(process.argv[4] ?? 1);

const now = Date.now();
const today = instantToDate(now, 'Europe/Moscow');
const hs = addDays(today, -(DAYS - 1));
const tmp = tempDir('skvoz-bench-ads-');

const dsDirect = AdDataset.make('Директ', CAMPAIGNS, hs, 31);
const dsVk = AdDataset.make('VK', CAMPAIGNS, hs, 32, 10_000);
const direct = await startFakeDirect({ token: 'y0_bench-token-0123456789abcdef', accounts: { '': dsDirect }, offlinePolls: 1, retryIn: RETRY_IN });
const vk = await startFakeVk({ clientId: 'bench', clientSecret: 'bench-secret-123', accounts: { '': dsVk } });

const secrets = new MemorySecrets();
secrets.set({ kind: 'yandex_direct_token', login: '' }, 'y0_bench-token-0123456789abcdef');
secrets.set({ kind: 'vk_ads_credentials' }, 'bench:bench-secret-123');
const dir = makeWsDir(tmp.dir, 'ws', { historyStart: hs, trailingDays: 7 });
const engine = new Engine({
  workspaceDir: dir,
  secrets,
  sources: [yandexDirectSource(), vkAdsSource()],
  overrides: { yandexDirectBaseUrl: direct.url, vkAdsBaseUrl: vk.url },
});

try {
  const reports = Math.ceil(DAYS / DIRECT_CHUNK);
  const idChunks = Math.ceil(CAMPAIGNS / IDS_PER_REQUEST);
  const vkRequests = 1 + Math.ceil(CAMPAIGNS / 50) + Math.ceil(DAYS / VK_CHUNK) * idChunks;
  const directBound = (3 * reports) / DIRECT_RPS + 2 * reports * Math.max(0, RETRY_IN - 1 / DIRECT_RPS);
  const vkBound = (vkRequests - 1) / VK_RPS;

  for (const [kind, bound, fake] of [
    ['yandex_direct', directBound, direct],
    ['vk_ads', vkBound, vk],
  ] as const) {
    const before = fake.requests;
    const t0 = performance.now();
    const { done } = await engine.sync.start(engine.workspace, { sources: [kind], full: true });
    const r = await done;
    const secs = (performance.now() - t0) / 1000;
    if (!r.ok) throw new Error(r.error?.message);
    const rows = r.rows[kind] ?? 0;
    console.error(`${kind}: ${rows} rows, ${fake.requests - before} requests in ${secs.toFixed(1)} s`);
    report(`ad-costs ${kind} backfill (${CAMPAIGNS} campaigns × ${DAYS} days, ${rows} rows)`, secs, 's', { name: `request bound ${bound.toFixed(1)} s`, value: bound });
  }
  // the incremental run: only the trailing week again
  const t0 = performance.now();
  const { done } = await engine.sync.start(engine.workspace, { sources: ['yandex_direct', 'vk_ads'], full: false });
  const r = await done;
  if (!r.ok) throw new Error(r.error?.message);
  const inc = (performance.now() - t0) / 1000;
  const incBound = Math.max(3 / DIRECT_RPS + 2 * Math.max(0, RETRY_IN - 1 / DIRECT_RPS), (Math.ceil(CAMPAIGNS / 50) + idChunks - 1) / VK_RPS);
  report('ad-costs incremental run (both platforms, trailing 7 days)', inc, 's', { name: `request bound ${incBound.toFixed(1)} s`, value: incBound });
  // a year's report by campaign over the synced costs
  const query = () => engine.dispatch('reports:query', { from: hs, to: today, groupBy: ['source', 'medium', 'campaign'] });
  await query(); // the first query brings the attribution up to date
  const q0 = performance.now();
  const rep = await query();
  if (!rep.ok) throw new Error(rep.error.message);
  const qms = performance.now() - q0;
  const { addCosts } = await import('../src-main/engine/costs/report-costs');
  const c0 = performance.now();
  addCosts(engine.workspace, hs, today, () => null);
  console.error(`costs part of the report: ${(performance.now() - c0).toFixed(0)} ms`);
  report('ad-costs report by campaign over a year of API costs', qms, 'ms', { name: '100 ms', value: 100 });
} finally {
  await engine.close();
  await direct.close();
  await vk.close();
  tmp.done();
}
