// «Проверить подключение»: one Russian sentence naming exactly what is wrong.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { createBitrix24Tester } from '../../src-main/engine/sources/bitrix24/test-connection';
import type { SourceTestResult } from '@shared/contract';
import type { FakeBitrix24, FakeOptions } from '../fakes/bitrix24';
import { cleanupDirs, demoData, startFake, tempWorkspace } from './helpers';

const fakes: FakeBitrix24[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});
afterAll(cleanupDirs);

const tester = createBitrix24Tester({ timeoutMs: 500, backoffBaseMs: 5 });
const small = demoData({ leads: 10, deals: 5 });

async function check(webhook: string | null | ((f: FakeBitrix24) => string | Promise<string>), opts: FakeOptions = {}): Promise<SourceTestResult> {
  const f = await startFake(small, opts);
  fakes.push(f);
  const secrets = new MemorySecrets();
  const hook = typeof webhook === 'function' ? await webhook(f) : webhook;
  if (hook !== null) secrets.set({ kind: 'bitrix24_webhook' }, hook);
  const r = await tester({ ws: tempWorkspace(), secrets, overrides: {}, input: { source: 'bitrix24' } });
  if (hook) expect(JSON.stringify(r)).not.toContain('fakecode0123456789');
  return r;
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Bitrix24 connection test', () => {
  it('reports success with host, CRM mode and scopes', async () => {
    const r = await check((f) => f.webhook);
    expect(r).toMatchObject({ ok: true, code: null, details: { crmMode: 'classic', scopes: 'crm, user', userScope: true } });
    expect(r.message).toMatch(/Подключение работает.*классический режим CRM/);
    const simple = await check((f) => f.webhook, { mode: 2, scopes: ['crm'] });
    expect(simple).toMatchObject({ ok: true, details: { crmMode: 'simple', userScope: false } });
    expect(simple.message).toMatch(/простой режим CRM.*без лидов/);
    expect(simple.message).toMatch(/Пользователи \(user\)/);
  });

  it('explains a missing, non-https or malformed URL without calling the portal', async () => {
    expect(await check(null)).toMatchObject({ ok: false, code: 'invalid_input', message: expect.stringMatching(/не задан/) });
    expect(await check('http://portal.bitrix24.ru/rest/1/fakecode0123456789/')).toMatchObject({ ok: false, code: 'not_https', message: expect.stringMatching(/https/) });
    expect(await check('https://portal.bitrix24.ru/crm/lead/list/')).toMatchObject({ ok: false, code: 'bad_url', message: expect.stringMatching(/rest/) });
  });

  it('names the wrong code', async () => {
    const wrong = await check((f) => f.webhook.replace('fakecode0123456789', 'wrongcode12345678'));
    expect(wrong).toMatchObject({ ok: false, code: 'auth_failed', message: expect.stringMatching(/NO_AUTH_FOUND/) });
    for (const authError of ['INVALID_CREDENTIALS', 'invalid_token'] as const) {
      const r = await check((f) => f.webhook, { authError });
      expect(r).toMatchObject({ ok: false, code: 'auth_failed', message: expect.stringContaining(authError) });
    }
  });

  it('says when the crm scope is missing, REST is not on the plan, or the portal is blocked', async () => {
    expect(await check((f) => f.webhook, { scopes: ['user', 'task'] })).toMatchObject({
      ok: false,
      code: 'no_scope',
      message: expect.stringMatching(/CRM \(crm\).*user, task/),
      details: { scopes: 'user, task' },
    });
    expect(await check((f) => f.webhook, { freePlan: true })).toMatchObject({ ok: false, code: 'plan', message: expect.stringMatching(/ACCESS_DENIED.*тариф/) });
    expect(await check((f) => f.webhook, { overload: true })).toMatchObject({ ok: false, code: 'blocked', message: expect.stringMatching(/OVERLOAD_LIMIT.*поддержк/) });
  });

  it('says when the portal is unreachable or is not Bitrix24', async () => {
    const port = await closedPort();
    const down = await check(`http://127.0.0.1:${port}/rest/1/fakecode0123456789/`);
    expect(down).toMatchObject({ ok: false, code: 'network', message: expect.stringMatching(/недоступен/) });
    expect(await check((f) => f.webhook, { html: { status: 200 } })).toMatchObject({ ok: false, code: 'html', message: expect.stringMatching(/HTML/) });
    expect(await check((f) => f.webhook, { html: { status: 404 } })).toMatchObject({ ok: false, code: 'html' });
  });

  it('follows a renamed portal and says so', async () => {
    let origin = '';
    const r = await check(async (f) => {
      const old = await f.renamedFrom();
      origin = f.origin;
      return f.webhook.replace(f.origin, old);
    });
    expect(r).toMatchObject({ ok: true, details: { host: origin.replace('http://', '') } });
    expect(r.message).toMatch(/переехал/);
  });
});
