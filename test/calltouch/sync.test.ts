import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncProgress } from '@shared/contract';
import { generateDemo } from '../../src-main/engine/demo';
import { readCursorJson } from '../../src-main/engine/sync/cursor';
import { runCalltouch, type StreamCursor } from '../../src-main/engine/sources/calltouch/sync';
import { parseCallsDiaryDate, parseRequestsJournalDate } from '../../src-main/engine/sources/calltouch/dates';
import { SkvozError } from '../../src-main/engine/errors';
import { RateLimiter } from '../../src-main/engine/sources/calltouch/limiter';
import { MemoryDataset, mutateAfterTheFact, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { NOW, dump, logged, expectedDb, fastTuning, makeCtx, makeWorkspace, type TestWs } from './helpers';

const SITE = 43769;
const SITE2 = 51000;
const HS = '2026-01-15';
const TODAY = '2026-04-05';
const NSK = 'Asia/Novosibirsk';

let fake: FakeCalltouch;

beforeAll(async () => {
  const data = new MemoryDataset();
  seedFromDemo(data, generateDemo({ size: 'small', seed: 1, now: NOW }), SITE, '2025-12-01');
  // a second project in another zone, another world (its ids overlap the first site's)
  seedFromDemo(data, generateDemo({ size: 'small', seed: 7, now: NOW }), SITE2, '2025-12-01', NSK);
  fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'tok-1' }, { siteId: SITE2, token: 'tok-2' }], data, rps: null });
});
afterAll(() => fake.close());

const opts = { tuning: fastTuning(), pageSize: 50 };

function oneSite(): TestWs {
  return makeWorkspace([{ siteId: SITE, name: 'Мебель', historyStart: HS }], fake.url, { [SITE]: 'tok-1' });
}

describe('calltouch sync', () => {
  it('backfills both journals: equal to the fake, paged by month, requests one day at a time', async () => {
    const t = oneSite();
    fake.server.resetStats();
    const progress: SyncProgress[] = [];
    const r = await runCalltouch(makeCtx(t, { progress }), opts);
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(fake.data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: TODAY }])));
    const n = dump(t.ws.db);
    expect(n.calls.length).toBeGreaterThan(500);
    expect(n.requests.length).toBeGreaterThan(100);
    expect(r.rows).toBe(n.calls.length + n.requests.length);

    const calls = fake.server.log.filter((l) => l.route === 'calls-diary');
    for (const q of calls.map((l) => l.query)) {
      expect(q).toMatchObject({ limit: '50', withCallTags: 'true', withYandexDirect: 'true' });
      const a = parseCallsDiaryDate(q.dateFrom ?? '') ?? '';
      const b = parseCallsDiaryDate(q.dateTo ?? '') ?? '';
      expect(a.slice(0, 7)).toBe(b.slice(0, 7)); // never across a month
    }
    const reqDays = fake.server.log.filter((l) => l.route === 'requests').map((l) => {
      expect(l.query.dateFrom).toBe(l.query.dateTo);
      expect(l.query.siteId).toBe(String(SITE));
      return parseRequestsJournalDate(l.query.dateFrom ?? '');
    });
    expect(reqDays[0]).toBe(HS);
    expect(reqDays.at(-1)).toBe(TODAY);
    expect(new Set(reqDays).size).toBe(reqDays.length);

    for (const kind of ['calls', 'requests']) {
      const c = readCursorJson<StreamCursor>(t.ws.db, 'calltouch', `${kind}:${SITE}`);
      expect(c).toEqual({ hs: HS, through: '2026-04-04', next: null });
    }
    const last = progress.filter((p) => p.entity === 'calls').at(-1);
    expect(last?.done).toBe(n.calls.length);
    expect(last?.total).toBe(last?.done);
    expect(last?.requests).toBe(calls.length);
    t.dispose();
  });

  it('re-polls only the trailing window and picks up flags and tags changed after the fact', async () => {
    const data = new MemoryDataset();
    seedFromDemo(data, generateDemo({ size: 'small', seed: 3, now: NOW }), SITE, HS);
    const f = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'tok-1' }], data, rps: null });
    const t = makeWorkspace([{ siteId: SITE, historyStart: HS }], f.url, { [SITE]: 'tok-1' });
    await runCalltouch(makeCtx(t), opts);
    const changed = mutateAfterTheFact(data, SITE, '2026-04-02');
    expect(changed.calls).toBeGreaterThan(5);
    expect(changed.requests).toBeGreaterThan(0);
    const before = dump(t.ws.db);
    expect(before).not.toEqual(dump(expectedDb(data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: TODAY }])));

    f.server.resetStats();
    const r = await runCalltouch(makeCtx(t), opts);
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: TODAY }])));
    expect(r.rows).toBe(changed.calls + changed.requests);
    const reqDays = f.server.log.filter((l) => l.route === 'requests').map((l) => parseRequestsJournalDate(l.query.dateFrom ?? ''));
    expect(reqDays).toEqual(['2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05']);
    const callRanges = f.server.log.filter((l) => l.route === 'calls-diary').map((l) => l.query.dateFrom);
    expect(new Set(callRanges)).toEqual(new Set(['02/04/2026']));

    // a day later: the window moves, new calls of the new day arrive
    const tomorrow = NOW + 86_400_000;
    const later = generateDemo({ size: 'small', seed: 3, now: tomorrow });
    seedFromDemo(data, later, SITE, '2026-04-06');
    await runCalltouch(makeCtx(t, { now: tomorrow }), opts);
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: '2026-04-06' }])));

    // a change older than the window is not seen until a full re-sync
    mutateAfterTheFact(data, SITE, '2026-03-01', 2);
    await runCalltouch(makeCtx(t, { now: tomorrow }), opts);
    expect(dump(t.ws.db)).not.toEqual(dump(expectedDb(data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: '2026-04-06' }])));
    await runCalltouch(makeCtx(t, { now: tomorrow, full: true }), opts);
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: '2026-04-06' }])));
    t.dispose();
    await f.close();
  });

  it('ends equal to the fake with 20 % injected faults (5xx, HTML with 200, truncated JSON, resets, slow)', async () => {
    const t = oneSite();
    fake.server.resetStats();
    fake.server.setFaults({ fraction: 0.2, seed: 11, slowMs: 30 });
    try {
      await runCalltouch(makeCtx(t), opts);
    } finally {
      fake.server.setFaults({ fraction: 0 });
    }
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(fake.data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: TODAY }])));
    const f = fake.server.stats.faults;
    const total = Object.values(f).reduce((a, b) => a + b, 0);
    expect(total / fake.server.stats.requests).toBeGreaterThan(0.12);
    for (const k of ['http500', 'http503html', 'html200', 'truncated', 'reset', 'slow'] as const) expect(f[k]).toBeGreaterThan(0);
    // retries are logged by path; the token never reaches a log line
    expect(logged.some((l) => l.includes('повтор через'))).toBe(true);
    expect(logged.join('\n')).not.toContain('tok-1');
    t.dispose();
  });

  it('syncs several sites, each in its own time zone, and keeps them apart', async () => {
    const t = makeWorkspace(
      [
        { siteId: SITE, name: 'Москва', historyStart: HS },
        { siteId: SITE2, name: 'Новосибирск', timeZone: NSK, historyStart: '2026-02-10' },
      ],
      fake.url,
      { [SITE]: 'tok-1', [SITE2]: 'tok-2' },
    );
    await runCalltouch(makeCtx(t), opts);
    const want = expectedDb(fake.data, [
      { siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: TODAY },
      { siteId: SITE2, timeZone: NSK, from: '2026-02-10', to: TODAY },
    ]);
    const got = dump(t.ws.db);
    expect(got).toEqual(dump(want));
    const shared = t.ws.db
      .prepare('SELECT count(*) AS n FROM ct_call a JOIN ct_call b ON a.call_id = b.call_id AND a.site_id < b.site_id')
      .get() as { n: number };
    expect(shared.n).toBeGreaterThan(0); // the same callId in two projects is two calls
    // Novosibirsk wall clocks read in Novosibirsk: `at` is the call's true instant
    const off = t.ws.db.prepare('SELECT count(*) AS n FROM ct_call WHERE site_id = ? AND at != json_extract(raw, \'$.timestamp\') * 1000').get(SITE2) as { n: number };
    expect(off.n).toBe(0);
    t.dispose();
  });

  it('syncs the sites it can and reports the one without a token', async () => {
    const t = makeWorkspace([{ siteId: SITE, historyStart: '2026-03-20' }, { siteId: SITE2, name: 'Второй' }], fake.url, { [SITE]: 'tok-1' });
    const err = await runCalltouch(makeCtx(t), opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SkvozError);
    expect((err as SkvozError).code).toBe('auth_failed');
    expect((err as SkvozError).message).toContain('«Второй» (51000)');
    expect(dump(t.ws.db).calls.length).toBeGreaterThan(0);
    t.dispose();
  });

  it('resumes an interrupted run from its cursor without fetching again what is stored', async () => {
    const t = oneSite();
    const ctl = new AbortController();
    let pages = 0;
    const progress = { push: () => (++pages === 12 ? ctl.abort() : 0) } as unknown as SyncProgress[];
    fake.server.resetStats();
    const err = await runCalltouch(makeCtx(t, { signal: ctl.signal, progress }), opts).catch((e: unknown) => e);
    expect((err as SkvozError).code).toBe('cancelled');
    const first = fake.server.stats.requests;
    fake.server.resetStats();
    await runCalltouch(makeCtx(t), opts);
    const second = fake.server.stats.requests;
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(fake.data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: HS, to: TODAY }])));
    // together barely more than one uninterrupted run (≤ one page per stream repeated)
    fake.server.resetStats();
    const u = oneSite();
    await runCalltouch(makeCtx(u), opts);
    expect(first + second).toBeLessThanOrEqual(fake.server.stats.requests + 2);
    t.dispose();
    u.dispose();
  });

  it('stops within a second when cancelled during a slow response', async () => {
    const t = oneSite();
    fake.server.latencyMs = 10_000;
    const ctl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctl.abort(), 200);
    try {
      const err = await runCalltouch(makeCtx(t, { signal: ctl.signal }), opts).catch((e: unknown) => e);
      expect((err as SkvozError).code).toBe('cancelled');
      expect(Date.now() - started).toBeLessThan(1_200);
    } finally {
      fake.server.latencyMs = 0;
    }
    t.dispose();
  });

  it('backs off on 429 from the 5 rps per-IP limit and still ends equal', async () => {
    const t = makeWorkspace([{ siteId: SITE, historyStart: '2026-03-28' }], fake.url, { [SITE]: 'tok-1' });
    fake.server.rps = 5;
    fake.server.resetStats();
    try {
      // a client paced at 40 rps meets the limit at once
      await runCalltouch(makeCtx(t), { pageSize: 20, tuning: { ...fastTuning(), limiter: new RateLimiter(40), retryBaseMs: 100, retryMaxMs: 1_000 } });
    } finally {
      fake.server.rps = null;
    }
    expect(fake.server.stats.throttled).toBeGreaterThan(0);
    expect(dump(t.ws.db)).toEqual(dump(expectedDb(fake.data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: '2026-03-28', to: TODAY }])));
    t.dispose();
  });
});
