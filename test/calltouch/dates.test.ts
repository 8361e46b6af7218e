import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src-main/engine/demo';
import {
  callsDiaryDate,
  leadServiceDateTime,
  monthChunks,
  parseCallsDiaryDate,
  parseRequestsJournalDate,
  requestsJournalDate,
  responseDay,
} from '../../src-main/engine/sources/calltouch/dates';
import { mapCall, mapRequest } from '../../src-main/engine/sources/calltouch/map';
import type { CtCallRaw, CtRequestRaw } from '../../src-main/engine/sources/calltouch/api-types';
import { runCalltouch } from '../../src-main/engine/sources/calltouch/sync';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { NOW, dump, expectedDb, fastTuning, makeCtx, makeWorkspace } from './helpers';

const SITE = 43769;

describe('calltouch date formats', () => {
  it('writes 3 April 2026 as dd/mm/yyyy for calls, mm/dd/yyyy for requests, dd-mm-yyyy for lead-service', () => {
    expect(callsDiaryDate('2026-04-03')).toBe('03/04/2026');
    expect(requestsJournalDate('2026-04-03')).toBe('04/03/2026');
    expect(leadServiceDateTime(Date.parse('2026-04-03T11:05:09Z'), 'Europe/Moscow')).toBe('03-04-2026 14:05:09');
    expect(parseCallsDiaryDate('03/04/2026')).toBe('2026-04-03');
    expect(parseRequestsJournalDate('04/03/2026')).toBe('2026-04-03');
    expect(parseRequestsJournalDate('13/04/2026')).toBeNull(); // no 13th month
    expect(parseCallsDiaryDate('31/02/2026')).toBeNull();
    expect(() => callsDiaryDate('2026-4-3')).toThrow();
  });

  it('splits ranges at month ends, so no request spans more than a calendar month', () => {
    expect(monthChunks('2024-01-15', '2024-03-05')).toEqual([
      { from: '2024-01-15', to: '2024-01-31' },
      { from: '2024-02-01', to: '2024-02-29' },
      { from: '2024-03-01', to: '2024-03-05' },
    ]);
    expect(monthChunks('2026-04-03', '2026-04-03')).toEqual([{ from: '2026-04-03', to: '2026-04-03' }]);
    expect(monthChunks('2026-04-04', '2026-04-03')).toEqual([]);
  });

  it('reads response dates as the project wall clock and epoch ms as instants', () => {
    const call = (date: string, timestamp?: number) => ({ callId: 1, date, timestamp, duration: 0, callerNumber: '79161234567', phoneNumber: '', successful: true, uniqueCall: 'True', targetCall: 'false', uniqTargetCall: false, callbackCall: false }) as CtCallRaw;
    expect(mapCall(call('03/04/2026 14:05:00'), SITE, 'Europe/Moscow').at).toBe(Date.parse('2026-04-03T11:05:00Z'));
    expect(mapCall(call('03/04/2026 14:05:00'), SITE, 'Asia/Novosibirsk').at).toBe(Date.parse('2026-04-03T07:05:00Z'));
    // the night Berlin moves its clocks: 03:30 exists once, at UTC+2
    expect(mapCall(call('29/03/2026 03:30:00'), SITE, 'Europe/Berlin').at).toBe(Date.parse('2026-03-29T01:30:00Z'));
    // unreadable date → the Unix timestamp (seconds)
    expect(mapCall(call('soon', 1775214300), SITE, 'Europe/Moscow').at).toBe(1775214300_000);
    const c = mapCall(call('03/04/2026 14:05:00'), SITE, 'Europe/Moscow');
    expect([c.successful, c.uniqueCall, c.targetCall, c.phone]).toEqual([1, 1, 0, '+79161234567']);

    const req = (date: number | undefined, dateStr: string) =>
      ({ requestId: '77', requestNumber: 'f', subject: null, date, dateStr, uniqueRequest: 'true', targetRequest: true, uniqTargetRequest: 'False' }) as CtRequestRaw;
    expect(mapRequest(req(1775214300000, '03/04/2026 14:05:00'), SITE, 'Europe/Moscow').at).toBe(Date.parse('2026-04-03T11:05:00Z'));
    expect(mapRequest(req(undefined, '03/04/2026 14:05:00'), SITE, 'Asia/Yekaterinburg').at).toBe(Date.parse('2026-04-03T09:05:00Z'));
    expect(responseDay('03/04/2026 23:59:59')).toBe('2026-04-03');
  });
});

describe('calltouch dates on the wire (fake reads each journal in its own order)', () => {
  let fake: FakeCalltouch;
  beforeAll(async () => {
    const data = new MemoryDataset();
    seedFromDemo(data, generateDemo({ size: 'medium', seed: 2, now: NOW }), SITE, '2026-03-01');
    fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'tok' }], data, rps: null });
  });
  afterAll(() => fake.close());

  it('asking for 3 April 2026 sends 03/04/2026 to the calls diary and 04/03/2026 to the requests journal', async () => {
    const t = makeWorkspace([{ siteId: SITE, historyStart: '2026-04-03' }], fake.url, { [SITE]: 'tok' });
    const april3 = Date.parse('2026-04-03T09:00:00Z');
    await runCalltouch(makeCtx(t, { now: april3 }), { tuning: fastTuning() });
    const calls = fake.server.log.filter((l) => l.route === 'calls-diary');
    const requests = fake.server.log.filter((l) => l.route === 'requests');
    expect(calls.map((l) => [l.query.dateFrom, l.query.dateTo])).toEqual([['03/04/2026', '03/04/2026']]);
    expect(requests.map((l) => [l.query.dateFrom, l.query.dateTo])).toEqual([['04/03/2026', '04/03/2026']]);

    // what was stored is 3 April's records — not 4 March's, which a mix-up would have fetched
    const want = expectedDb(fake.data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: '2026-04-03', to: '2026-04-03' }]);
    const got = dump(t.ws.db);
    expect(got).toEqual(dump(want));
    expect(got.calls.length).toBeGreaterThan(20);
    expect(got.requests.length).toBeGreaterThan(5);
    expect(fake.data.requests(SITE, '2026-03-04').length).toBeGreaterThan(0);

    // every stored instant agrees with the record's own epoch value
    const bad = t.ws.db
      .prepare(
        `SELECT (SELECT count(*) FROM ct_call WHERE at != json_extract(raw, '$.timestamp') * 1000)
              + (SELECT count(*) FROM ct_request WHERE at != json_extract(raw, '$.date')) AS n`,
      )
      .get() as { n: number };
    expect(bad.n).toBe(0);
    t.dispose();
  });

  it('the fake really reads the orders differently: a mixed-up date returns another day', async () => {
    const get = async (path: string) => (await fetch(`${fake.url}/calls-service/RestAPI/${path}`)).json() as Promise<unknown>;
    const asRequests = (await get(`requests?clientApiId=tok&siteId=${SITE}&dateFrom=03/04/2026&dateTo=03/04/2026`)) as CtRequestRaw[];
    expect(asRequests.length).toBeGreaterThan(0);
    for (const r of asRequests) expect(responseDay(r.dateStr)).toBe('2026-03-04');
    const asCalls = (await get(`${SITE}/calls-diary/calls?clientApiId=tok&dateFrom=04/03/2026&dateTo=04/03/2026`)) as CtCallRaw[];
    for (const c of asCalls) expect(responseDay(c.date)).toBe('2026-03-04');
    // without page/limit the diary takes one day only
    const res = await fetch(`${fake.url}/calls-service/RestAPI/${SITE}/calls-diary/calls?clientApiId=tok&dateFrom=01/04/2026&dateTo=03/04/2026`);
    expect(res.status).toBe(400);
  });
});
