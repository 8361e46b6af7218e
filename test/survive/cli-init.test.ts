// `skvoz init` makes a real empty workspace from the command line (a cron server needs no app);
// `skvoz settings show|set` reads and changes its non-secret settings, refusing bad values.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readMeta } from '../../src-main/engine/workspace';
import { demoData, startFake } from '../bitrix24/helpers';
import { cleanup, cli, tempDir } from './helpers';

afterAll(cleanup);

describe('skvoz init and settings', () => {
  it('creates a workspace, shows and changes its settings, and syncs it', async () => {
    const dir = join(tempDir('skvoz-init-'), 'Клиент');
    const made = await cli(['init', '--workspace', dir, '--name', 'Клиент Б', '--timezone', 'Asia/Yekaterinburg', '--currency', 'usd']);
    expect(made.code, made.err).toBe(0);
    expect(made.out).toMatch(/Создано рабочее пространство «Клиент Б»/);
    expect(readMeta(dir)).toMatchObject({ name: 'Клиент Б', isDemo: false, settings: { timeZone: 'Asia/Yekaterinburg', currency: 'USD' } });
    expect(readMeta(dir).database?.id).toBeTruthy();

    const again = await cli(['init', '--workspace', dir]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/уже есть рабочее пространство/);
    const badTz = await cli(['init', '--workspace', join(dir, '..', 'x'), '--timezone', 'Mars/Olympus']);
    expect(badTz.code).toBe(1);
    expect(badTz.err).toMatch(/Неизвестный часовой пояс/);

    const shown = await cli(['settings', 'show', '--workspace', dir]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('timeZone = Asia/Yekaterinburg');
    expect(shown.out).toContain('sync.intervalMinutes = 15');
    expect(shown.out).toContain('name = Клиент Б');

    const set = await cli(['settings', 'set', '--workspace', dir, 'sync.intervalMinutes=60', 'currency=EUR', 'name=Клиент В', 'lookbackDays=30', 'calltouch.sites=[{"siteId":43769,"name":"Сайт"}]']);
    expect(set.code, set.err).toBe(0);
    const json = JSON.parse((await cli(['settings', 'show', '--workspace', dir, '--format', 'json'])).out);
    expect(json).toMatchObject({ name: 'Клиент В', settings: { currency: 'EUR', lookbackDays: 30, sync: { intervalMinutes: 60 }, calltouch: { sites: [{ siteId: 43769, name: 'Сайт', timeZone: 'Europe/Moscow' }] } } });

    for (const [pair, msg] of [
      ['lookbackDays=1000', /не больше 180 дней/],
      ['currency=рубли', /Код валюты из трёх латинских букв/],
      ['webhook=https://x.bitrix24.ru/rest/1/abc/', /неизвестная настройка «webhook»/],
      ['nonsense', /нужно КЛЮЧ=ЗНАЧЕНИЕ/],
    ] as const) {
      const r = await cli(['settings', 'set', '--workspace', dir, pair]);
      expect(r.code, pair).toBe(1);
      expect(r.err).toMatch(msg);
    }
    expect(readMeta(dir).settings.lookbackDays).toBe(30);

    // a server runs `skvoz sync` from cron against it
    const fake = await startFake(demoData({ leads: 80, deals: 30 }));
    const prev = process.env.SKVOZ_BITRIX24_WEBHOOK;
    process.env.SKVOZ_BITRIX24_WEBHOOK = fake.webhook;
    try {
      const synced = await cli(['sync', '--workspace', dir, '--only', 'bitrix24']);
      expect(synced.code, synced.err).toBe(0);
      const report = await cli(['report', '--workspace', dir, '--from', '2025-01-01', '--to', '2026-12-31']);
      expect(report.code, report.err).toBe(0);
      expect(JSON.parse(report.out).totals.leads).toBe(fake.data.leads.ids().length);
    } finally {
      if (prev === undefined) delete process.env.SKVOZ_BITRIX24_WEBHOOK;
      else process.env.SKVOZ_BITRIX24_WEBHOOK = prev;
      await fake.close();
    }
  }, 60_000);
});
