import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../../src-main/engine/demo';
import { Engine } from '../../src-main/engine/engine';
import { testCalltouch } from '../../src-main/engine/sources/calltouch/test-connection';
import type { SourceOverrides } from '../../src-main/engine/sync/orchestrator';
import { FakeServer, MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { NOW, fastTuning, makeWorkspace, type TestWs } from './helpers';

const SITE = 43769;
const OTHER = 51000;

describe('«Проверить подключение» Calltouch', () => {
  let fake: FakeCalltouch;
  let t: TestWs;
  beforeAll(async () => {
    const data = new MemoryDataset();
    seedFromDemo(data, generateDemo({ size: 'small', seed: 1, now: NOW }), SITE, '2026-04-01');
    fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'good' }, { siteId: OTHER, token: 'other' }], data, rps: null });
    t = makeWorkspace([{ siteId: SITE, name: 'Мебель' }, { siteId: 777 }], fake.url, { [SITE]: 'good', [OTHER]: 'good', 777: 'good' });
  });
  afterAll(async () => {
    t.dispose();
    await fake.close();
  });

  const check = (siteId: number, overrides: SourceOverrides = {}) =>
    testCalltouch({ source: 'calltouch', siteId }, { ws: t.ws, secrets: t.secrets, overrides, input: { source: 'calltouch', siteId } }, { tuning: fastTuning(), now: () => NOW });

  it('works: one page of yesterday, how many calls there were and the site name', async () => {
    fake.server.resetStats();
    const r = await check(SITE);
    const yesterday = fake.data.calls(SITE, '2026-04-04').length;
    expect(r.ok).toBe(true);
    expect(r.details).toMatchObject({ siteId: SITE, callsYesterday: yesterday, siteName: 'uyut-mebel.ru', date: '2026-04-04' });
    expect(r.message).toMatch(/^Подключение работает: кабинет 43769 \(uyut-mebel\.ru\), вчера \d+ звонк/);
    expect(fake.server.log.map((l) => [l.route, l.query.dateFrom, l.query.page, l.query.limit])).toEqual([['calls-diary', '04/04/2026', '1', '1']]);
  });

  it('says which of token, site id, rate, network or HTML is wrong', async () => {
    t.secrets.set({ kind: 'calltouch_token', siteId: SITE }, 'wrong');
    const badToken = await check(SITE);
    t.secrets.set({ kind: 'calltouch_token', siteId: SITE }, 'good');
    expect(badToken).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(badToken.message).toContain('Неверный токен API');

    const foreign = await check(OTHER); // the token works, but not for this site (403)
    expect(foreign).toMatchObject({ ok: false, code: 'not_found' });
    expect(foreign.message).toContain(`Неверный ID кабинета`);
    const unknown = await check(777); // no such site (404)
    expect(unknown).toMatchObject({ ok: false, code: 'not_found', details: { status: 404 } });

    fake.server.rps = 0;
    const limited = await check(SITE);
    fake.server.rps = null;
    expect(limited).toMatchObject({ ok: false, code: 'rate_limited' });
    expect(limited.message).toContain('ограничил частоту');

    fake.server.setFaults({ fraction: 1, kinds: { html200: 1 } });
    const html = await check(SITE);
    fake.server.setFaults({ fraction: 0 });
    expect(html).toMatchObject({ ok: false, code: 'html' });
    expect(html.message).toContain('веб-страницу вместо данных');

    const dead = new FakeServer();
    const deadUrl = await dead.listen();
    await dead.close();
    const offline = await check(SITE, { calltouchBaseUrl: deadUrl });
    expect(offline).toMatchObject({ ok: false, code: 'network' });
    expect(offline.message).toContain('Нет связи с Calltouch');

    const plain = await check(SITE, { calltouchBaseUrl: 'http://api.calltouch.ru' });
    expect(plain).toMatchObject({ ok: false, code: 'not_https' });
    const noToken = await check(12345);
    expect(noToken).toMatchObject({ ok: false, code: 'auth_failed' });
    expect(noToken.message).toContain('Не задан токен API');
  });

  it('is what the engine answers on sources:test', async () => {
    const engine = new Engine({ workspaceDir: t.ws.dir, secrets: t.secrets, overrides: { calltouchBaseUrl: fake.url } });
    const r = await engine.dispatch('sources:test', { source: 'calltouch', siteId: OTHER });
    expect(r).toMatchObject({ ok: true, value: { ok: false, code: 'not_found' } });
    await engine.close();
  });
});
