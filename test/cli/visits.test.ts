// `skvoz visits` as a cron job meets it (issue 18): impossible dates, old years, unknown sites
// and negative revenue are refused before anything is queued for Calltouch; an exact duplicate
// is recorded with a warning; `visits cancel`; `visits send` exits 1 with the reason when a
// visit could not go out (no token, Calltouch refused it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { SITE, TOKEN, makeWorkspace } from '../visits/helpers';
import { cli, expectOneLineError } from './helpers';

let fake: CalltouchOrdersFake;
let dir: string;
beforeAll(async () => {
  fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
  const ws = makeWorkspace();
  dir = ws.dir;
  ws.close();
});
afterAll(async () => {
  await fake.stop();
});

const add = (...args: string[]) => cli(['visits', 'add', '--workspace', dir, '--phone', '8 916 123-45-67', ...args]);
const listed = async () => JSON.parse((await cli(['visits', 'list', '--workspace', dir])).out) as { total: number; items: { id: number; state: string }[] };
const env = { SKVOZ_CALLTOUCH_BASE_URL: undefined as string | undefined, SKVOZ_CALLTOUCH_RPS: '100', SKVOZ_VISITS_TIMEOUT_MS: '2000' };

describe('skvoz visits add', () => {
  it('refuses impossible dates, years before 2000, unknown sites and negative revenue — nothing is queued', async () => {
    for (const [date, ru] of [
      ['2026-02-30 10:00', /в этом месяце 28 дней/],
      ['2026-11-31 10:00', /в этом месяце 30 дней/],
      ['2026-11-20 24:30', /нет такого времени суток/],
      ['2026-11-20 10:60', /нет такого времени суток/],
      ['2026-13-01 10:00', /нет такого месяца/],
      ['1999-12-31 23:59', /год раньше 2000/],
      ['2026-02-30T10:00:00+03:00', /в этом месяце 28 дней/],
    ] as const) {
      expectOneLineError(await add('--date', date), ru, /--date/);
    }
    expectOneLineError(await add('--date', '2026-05-20 14:30', '--site', '999'), /--site 999: такого кабинета Calltouch нет.*есть: 43769/, /no such Calltouch site/);
    expectOneLineError(await add('--date', '2026-05-20 14:30', '--revenue', '-500'), /Выручка — число не меньше нуля/, /invalid visit \(revenue\)/);
    expect((await listed()).total).toBe(0);
  });

  it('records an exact duplicate with a warning, and `visits cancel` takes it back', async () => {
    const first = await add('--date', '2026-05-20 14:30', '--revenue', '12500', '--site', String(SITE));
    expect(first.code, first.err).toBe(0);
    expect(first.err).toBe('');
    const again = await add('--date', '2026-05-20 14:30', '--revenue', '12 500', '--site', String(SITE));
    expect(again.code, again.err).toBe(0);
    const second = JSON.parse(again.out) as { id: number };
    const firstId = (JSON.parse(first.out) as { id: number }).id;
    expect(again.err).toContain(`внимание: такой же визит уже записан (№ ${firstId}); этот записан как № ${second.id}`);
    expect(again.err).toContain(`visits cancel --workspace "${dir}" --id ${second.id}`);
    const other = await add('--date', '2026-05-20 14:31', '--revenue', '12500');
    expect(other.err).toBe('');

    const cancelled = await cli(['visits', 'cancel', '--workspace', dir, '--id', String(second.id)]);
    expect(cancelled.code, cancelled.err).toBe(0);
    expect(JSON.parse(cancelled.out)).toMatchObject({ id: second.id, state: 'cancelled' });
    expect((await listed()).items.find((v) => v.id === second.id)?.state).toBe('cancelled');
    expectOneLineError(await cli(['visits', 'cancel', '--workspace', dir, '--id', '9999']), /Визит не найден/, /not found/);
    expectOneLineError(await cli(['visits', 'cancel', '--workspace', dir]), /--id N/);
  });
});

describe('skvoz visits send', () => {
  it('exits 1 with the reason when there is no token, when Calltouch refuses a visit; 0 when all went out', async () => {
    const noToken = await cli(['visits', 'send', '--workspace', dir], { env: { ...env, SKVOZ_CALLTOUCH_SITES: '' } });
    expect(noToken.code).toBe(1);
    expect(noToken.err).toMatch(/skvoz: не отправлено визитов: 2 — Calltouch: Нет токена Calltouch для кабинета 43769/);
    expect(noToken.err).not.toMatch(/^\s+at /m);

    fake.faults.orderError = (o) => (String(o.orderDate ?? '').includes('14:31') ? 'Неверный формат телефона' : null);
    const refused = await cli(['visits', 'send', '--workspace', dir], { env: { ...env, SKVOZ_CALLTOUCH_SITES: `${SITE}:${TOKEN}`, SKVOZ_CALLTOUCH_BASE_URL: fake.url } });
    expect(refused.code, refused.err).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ sent: 1, rejected: 1 });
    expect(refused.err).toMatch(/не отправлено визитов: 1 — Calltouch: Calltouch отклонил сделку: Неверный формат телефона/);

    fake.faults.orderError = null;
    expect((await add('--date', '2026-05-21 10:00')).code).toBe(0);
    const ok = await cli(['visits', 'send', '--workspace', dir], { env: { ...env, SKVOZ_CALLTOUCH_SITES: `${SITE}:${TOKEN}`, SKVOZ_CALLTOUCH_BASE_URL: fake.url } });
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ sent: 1, failed: 0, rejected: 0 });
  });
});
