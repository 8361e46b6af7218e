// Calltouch backfill against the fake: 180 days, 200k calls + 50k requests, the fake limiting at
// 5 requests per second per IP (as Calltouch does), the client on its default shared 4 rps limiter.
//   npx tsx bench/calltouch-backfill.ts [calls] [requests] [days]
// Bound: the fewest requests the API allows — ⌈calls / 1000⌉ calls-diary pages plus one
// requests-journal call per day — at the client's own rate (4 rps). Target: ratio ≤ 1.1, no 429.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsSchema } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import { generateDemo } from '../src-main/engine/demo';
import { createLogger } from '../src-main/engine/log';
import { MemorySecrets } from '../src-main/engine/secrets';
import { Workspace } from '../src-main/engine/workspace';
import { eachDay } from '../src-main/engine/sources/calltouch/dates';
import { CALLTOUCH_RPS } from '../src-main/engine/sources/calltouch/limiter';
import { PAGE_LIMIT, runCalltouch } from '../src-main/engine/sources/calltouch/sync';
import type { CtCallRaw, CtRequestRaw } from '../src-main/engine/sources/calltouch/api-types';
import { startFakeCalltouch } from '../test/fakes/calltouch';
import { ScaledDataset } from '../test/fakes/calltouch/scaled';
import { report } from './lib';

const CALLS = Number(process.argv[2] ?? 200_000);
const REQUESTS = Number(process.argv[3] ?? 50_000);
const DAYS = Number(process.argv[4] ?? 180);
const SITE = 43769;
const TZ = 'Europe/Moscow';

const now = Date.now();
const today = instantToDate(now, TZ);
const from = addDays(today, -(DAYS - 1));
const days = eachDay(from, today);

// templates: the demo generator's records of the same 180 days
const gen = generateDemo({ size: 'medium', seed: 1, now });
const callTemplates: CtCallRaw[] = [];
const requestTemplates: CtRequestRaw[] = [];
for (const page of gen.calls(SITE)) callTemplates.push(...page.slice(-400));
for (const page of gen.requests(SITE)) requestTemplates.push(...page.slice(-400));

const data = new ScaledDataset({ siteId: SITE, days, calls: CALLS, requests: REQUESTS, callTemplates, requestTemplates, timeZone: TZ });
const fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'bench-token' }], data, rps: 5 });
const dir = mkdtempSync(join(tmpdir(), 'skvoz-ct-bench-'));
const ws = Workspace.create(join(dir, 'ws'), { name: 'bench' });
ws.updateMeta({ settings: SettingsSchema.parse({ calltouch: { baseUrl: fake.url, sites: [{ siteId: SITE, historyStart: from }] } }) });
const secrets = new MemorySecrets();
secrets.set({ kind: 'calltouch_token', siteId: SITE }, 'bench-token');

let lastPrint = 0;
const t0 = performance.now();
let rows = 0;
try {
  const r = await runCalltouch({
    ws,
    overrides: {},
    secrets,
    signal: new AbortController().signal,
    full: false,
    now: () => now,
    log: createLogger('bench'),
    progress: (p) => {
      if (performance.now() - lastPrint < 10_000) return;
      lastPrint = performance.now();
      console.error(`  ${p.entity}: ${p.done}/${p.total ?? '?'} (${Math.round(p.ratePerSec)}/s, ${p.requests} requests)`);
    },
  });
  rows = r.rows;
} finally {
  await fake.close();
}
const wallSec = (performance.now() - t0) / 1000;
const counts = ws.db.prepare('SELECT (SELECT count(*) FROM ct_call) AS calls, (SELECT count(*) FROM ct_request) AS requests').get() as {
  calls: number;
  requests: number;
};
ws.close();
rmSync(dir, { recursive: true, force: true });

const minRequests = Math.ceil(CALLS / PAGE_LIMIT) + DAYS;
const boundSec = minRequests / CALLTOUCH_RPS;
const { requests, throttled } = fake.server.stats;
console.log(`calltouch-backfill: ${DAYS} days, ${counts.calls} calls + ${counts.requests} requests stored (${rows} rows written)`);
report('calltouch-backfill-wall', wallSec, 's', { name: `bound ${minRequests} requests / ${CALLTOUCH_RPS} rps = ${boundSec.toFixed(1)} s`, value: boundSec });
report('calltouch-backfill-requests', requests, 'requests', { name: `minimum ${minRequests}`, value: minRequests });
console.log(`calltouch-backfill-429: ${throttled} responses 429`);
if (counts.calls !== CALLS || counts.requests !== REQUESTS || throttled > 0 || wallSec / boundSec > 1.1) {
  console.error('calltouch-backfill: TARGET MISSED (all records, zero 429, ratio ≤ 1.1)');
  process.exitCode = 1;
}
