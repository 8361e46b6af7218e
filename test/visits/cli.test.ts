// `skvoz visits add|send|list` (issue 7 item 8), the built command in a child process.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseVisitDate } from '../../src-main/cli/visits';
import { cli } from '../cli/helpers';
import { CalltouchOrdersFake, startCalltouchOrdersFake } from '../fakes/calltouch-orders/server';
import { SITE, TOKEN, makeWorkspace } from './helpers';

let fake: CalltouchOrdersFake;
let dir: string;
beforeEach(async () => {
  fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
  const ws = makeWorkspace();
  dir = ws.dir;
  ws.close();
});
afterEach(async () => {
  await fake.stop();
});

const run = (args: string[], env?: Record<string, string>) => cli(args, { env });

describe('skvoz visits', () => {
  it('add → list --format json → send → list: the visit is sent', async () => {
    const added = await run([
      'visits', 'add', '--workspace', dir, '--phone', '8 916 123-45-67', '--phone', '+7 903 111 22 33', '--email', 'Anna@Example.ru',
      '--date', '2026-05-20 14:30', '--revenue', '15 000,50', '--status', 'Запись', '--tag', 'vip', '--comment', 'флаер',
    ]);
    expect(added.code, added.err).toBe(0);
    expect(JSON.parse(added.out)).toMatchObject({
      phones: ['+79161234567', '+79031112233'],
      emails: ['anna@example.ru'],
      at: '2026-05-20T11:30:00.000Z',
      revenue: '15000.50',
      status: 'Запись',
      tags: ['vip'],
      state: 'queued',
    });
    const listed = await run(['visits', 'list', '--workspace', dir, '--format', 'json']);
    expect(JSON.parse(listed.out)).toMatchObject({ total: 1, counts: { queued: 1 } });
    const sent = await run(['visits', 'send', '--workspace', dir], {
      SKVOZ_CALLTOUCH_SITES: `${SITE}:${TOKEN}`,
      SKVOZ_CALLTOUCH_BASE_URL: fake.url,
      SKVOZ_CALLTOUCH_RPS: '100',
    });
    expect(sent.code, sent.err).toBe(0);
    expect(JSON.parse(sent.out)).toMatchObject({ attempted: 1, sent: 1, counts: { sent: 1 } });
    expect(sent.err).toMatch(/Отправлено 1/);
    const after = await run(['visits', 'list', '--workspace', dir, '--state', 'sent', '--format', 'table']);
    expect(after.out).toMatch(/\tsent\t15000\.50\tЗапись\t\+79161234567,\+79031112233\t\d+\t/);
    expect(fake.siteOrders(SITE).size).toBe(1);
  });

  it('bad input: exit 1 with one line (Russian / English)', async () => {
    const r = await run(['visits', 'add', '--workspace', dir, '--phone', '12', '--date', '2026-05-20 14:30']);
    expect(r.code).toBe(1);
    expect(r.err).toBe('skvoz: Неверные данные (phones.0): Не похоже на телефон: «12» / invalid visit (phones.0)\n');
    expect((await run(['visits', 'add', '--workspace', dir, '--phone', '89161234567', '--date', 'вчера'])).err).toMatch(/--date/);
    expect((await run(['visits', 'list', '--workspace', dir, '--state', 'lost'])).code).toBe(1);
    expect((await run(['visits', 'fly', '--workspace', dir])).err).toMatch(/add\|send\|list\|cancel/);
  });

  it('dates: wall time in the project zone or ISO', () => {
    expect(parseVisitDate('2026-05-20 14:30', 'Europe/Moscow')).toBe('2026-05-20T11:30:00.000Z');
    expect(parseVisitDate('2026-05-20T14:30:00+05:00', 'Europe/Moscow')).toBe('2026-05-20T14:30:00+05:00');
  });
});
