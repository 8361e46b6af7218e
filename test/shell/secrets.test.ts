import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { addLogSink } from '../../src-main/engine/log';
import { fakeSafeStorage } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());
const logged: string[] = [];
addLogSink((l) => logged.push(l));

const { SecretStore } = await import('../../src-main/shell/secrets');
const { checkBitrixWebhook, checkCalltouchToken } = await import('../../src-main/shell/webhook');
const { handleCall } = await import('../../src-main/shell/ipc');

const dir = mkdtempSync(join(tmpdir(), 'skvoz-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newFile = () => join(dir, `secrets-${++n}.json`);

const WEBHOOK = 'https://x.bitrix24.ru/rest/1/abc123secret/';
const CODE = 'abc123secret';
const TOKEN = 'ct-Token-0123456789abcdef';

describe('refuses to store without real encryption', () => {
  it('Linux basic_text backend: refused, nothing written, Russian reason', () => {
    const file = newFile();
    const ss = fakeSafeStorage({ backend: 'basic_text', available: true });
    const store = new SecretStore({ safeStorage: ss, file, platform: 'linux' });
    const r = store.set('ws', { kind: 'bitrix24_webhook', value: WEBHOOK });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('conflict');
      expect(r.error.message).toMatch(/хранилище паролей/);
      expect(r.error.message).toMatch(/не сохраняются/);
    }
    expect(ss.encryptString).not.toHaveBeenCalled();
    expect(existsSync(file)).toBe(false);
    expect(store.status('ws').storageAvailable).toBe(false);
  });

  it('encryption unavailable (any OS): refused, nothing written', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const file = newFile();
      const ss = fakeSafeStorage({ available: false });
      const store = new SecretStore({ safeStorage: ss, file, platform });
      const r = store.set('ws', { kind: 'calltouch_token', siteId: 7, value: TOKEN });
      expect(r.ok).toBe(false);
      expect(ss.encryptString).not.toHaveBeenCalled();
      expect(existsSync(file)).toBe(false);
    }
  });

  it('a working keyring backend on Linux is accepted', () => {
    const store = new SecretStore({ safeStorage: fakeSafeStorage({ backend: 'kwallet6' }), file: newFile(), platform: 'linux' });
    expect(store.storageProblem()).toBeNull();
  });
});

describe('round trip with a fake safeStorage', () => {
  const file = newFile();
  const ss = fakeSafeStorage();
  const store = new SecretStore({ safeStorage: ss, file, platform: 'linux' });

  it('stores the webhook encrypted; the file never holds the plaintext', async () => {
    const r = store.set('ws-a', { kind: 'bitrix24_webhook', value: `  ${WEBHOOK}  ` });
    expect(r.ok).toBe(true);
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk).not.toContain(CODE);
    expect(onDisk).not.toContain(WEBHOOK);
    expect(onDisk).not.toContain(Buffer.from(WEBHOOK).toString('base64'));
    expect(await store.get('ws-a', { kind: 'bitrix24_webhook' })).toBe(WEBHOOK);
  });

  it('stores Calltouch tokens per site', async () => {
    expect(store.set('ws-a', { kind: 'calltouch_token', siteId: 43769, value: TOKEN }).ok).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain(TOKEN);
    expect(await store.get('ws-a', { kind: 'calltouch_token', siteId: 43769 })).toBe(TOKEN);
    expect(await store.get('ws-a', { kind: 'calltouch_token', siteId: 1 })).toBeNull();
  });

  it('status shows flags and the portal host only — never a secret', () => {
    const s = store.status('ws-a');
    expect(s).toEqual({
      storageAvailable: true,
      bitrix24: { configured: true, host: 'x.bitrix24.ru' },
      calltouch: [{ siteId: 43769, configured: true }],
      yandexDirect: [],
      vkAds: { configured: false },
    });
    const text = JSON.stringify(s);
    expect(text).not.toContain(CODE);
    expect(text).not.toContain(TOKEN);
  });

  it('stores the ad platforms\' keys encrypted and reports them by login, never the key', async () => {
    const direct = 'y0_AgAAAAAdirectTOKENdirectTOKEN';
    expect(store.set('ws-a', { kind: 'yandex_direct_token', login: 'shop', value: direct }).ok).toBe(true);
    expect(store.set('ws-a', { kind: 'vk_ads_credentials', value: 'vkid:vksecretvksecret' }).ok).toBe(true);
    const s = store.status('ws-a');
    expect(s.yandexDirect).toEqual([{ login: 'shop', configured: true }]);
    expect(s.vkAds).toEqual({ configured: true });
    expect(JSON.stringify(s)).not.toContain(direct);
    expect(readFileSync(file, 'utf8')).not.toContain(direct);
    expect(await store.get('ws-a', { kind: 'yandex_direct_token', login: 'shop' })).toBe(direct);
    expect(store.set('ws-a', { kind: 'yandex_direct_token', login: '', value: 'пароль от директа' }).ok).toBe(false);
    store.clear('ws-a', { kind: 'yandex_direct_token', login: 'shop' });
    store.clear('ws-a', { kind: 'vk_ads_credentials' });
    expect(store.status('ws-a').yandexDirect).toEqual([]);
  });

  it('secrets belong to their workspace', async () => {
    expect(store.status('ws-b').bitrix24.configured).toBe(false);
    expect(await store.get('ws-b', { kind: 'bitrix24_webhook' })).toBeNull();
    expect(await store.get(null, { kind: 'bitrix24_webhook' })).toBeNull();
    const r = store.set(null, { kind: 'bitrix24_webhook', value: WEBHOOK });
    expect(r.ok).toBe(false);
  });

  it('a second store over the same file reads the same secrets (persisted)', async () => {
    const again = new SecretStore({ safeStorage: ss, file, platform: 'linux' });
    expect(await again.get('ws-a', { kind: 'bitrix24_webhook' })).toBe(WEBHOOK);
  });

  it('clear and forgetWorkspace remove them', async () => {
    const r = store.clear('ws-a', { kind: 'calltouch_token', siteId: 43769 });
    expect(r.ok && r.value.calltouch).toEqual([]);
    store.forgetWorkspace('ws-a');
    expect(await store.get('ws-a', { kind: 'bitrix24_webhook' })).toBeNull();
    expect(store.status('ws-a').bitrix24.configured).toBe(false);
  });

  it('never logs a secret', () => {
    expect(logged.join('\n')).not.toContain(CODE);
    expect(logged.join('\n')).not.toContain(TOKEN);
  });

  it('an undecryptable secret reads as null, not a crash', async () => {
    const f = newFile();
    const s1 = new SecretStore({ safeStorage: fakeSafeStorage(), file: f, platform: 'darwin' });
    s1.set('w', { kind: 'bitrix24_webhook', value: WEBHOOK });
    const s2 = new SecretStore({ safeStorage: fakeSafeStorage(), file: f, platform: 'darwin' }); // other key
    expect(await s2.get('w', { kind: 'bitrix24_webhook' })).toBeNull();
  });

  it('a damaged file is ignored', async () => {
    const f = newFile();
    writeFileSync(f, '{not json');
    const s = new SecretStore({ safeStorage: fakeSafeStorage(), file: f, platform: 'darwin' });
    expect(s.status('w').bitrix24.configured).toBe(false);
    expect(s.set('w', { kind: 'bitrix24_webhook', value: WEBHOOK }).ok).toBe(true);
  });
});

describe('secrets:status through the IPC wrapper', () => {
  it('carries no secret', async () => {
    const store = new SecretStore({ safeStorage: fakeSafeStorage(), file: newFile(), platform: 'darwin' });
    const engine = { currentWorkspaceId: 'w', call: vi.fn() };
    const deps = { allowedOrigins: ['app://skvoz'], engine, secrets: store };
    const frame = { senderFrame: { url: 'app://skvoz/index.html' } as never };
    const set = await handleCall(deps, 'secrets:set', frame, { kind: 'bitrix24_webhook', value: WEBHOOK });
    const status = await handleCall(deps, 'secrets:status', frame, undefined);
    expect(status.ok).toBe(true);
    for (const r of [set, status]) expect(JSON.stringify(r)).not.toContain(CODE);
    expect(engine.call).not.toHaveBeenCalled();
  });
});

describe('Bitrix24 webhook shape', () => {
  it.each([
    ['https://x.bitrix24.ru/rest/1/abc123secret/', 'https://x.bitrix24.ru/rest/1/abc123secret/'],
    ['https://x.bitrix24.ru/rest/1/abc123secret', 'https://x.bitrix24.ru/rest/1/abc123secret/'],
    ['https://x.bitrix24.ru/rest/15/x8k2m4q9v7t1z3ab/profile.json', 'https://x.bitrix24.ru/rest/15/x8k2m4q9v7t1z3ab/'],
    ['https://crm.company.ru:8443/rest/1/abcd1234/crm.deal.list', 'https://crm.company.ru:8443/rest/1/abcd1234/'],
    ['http://127.0.0.1:40123/rest/1/testcode/', 'http://127.0.0.1:40123/rest/1/testcode/'],
    ['http://localhost:40123/rest/1/testcode/', 'http://localhost:40123/rest/1/testcode/'],
  ])('accepts %s', (raw, normal) => {
    expect(checkBitrixWebhook(raw)).toEqual({ ok: true, value: normal, host: new URL(normal).host });
  });

  it.each([
    'x.bitrix24.ru/rest/1/abc123secret/',
    'http://x.bitrix24.ru/rest/1/abc123secret/',
    'ftp://x.bitrix24.ru/rest/1/abc123secret/',
    'https://x.bitrix24.ru/',
    'https://x.bitrix24.ru/rest/abc/abc123secret/',
    'https://x.bitrix24.ru/rest/1/',
    'https://x.bitrix24.ru/rest/1/ab/',
    'https://x.bitrix24.ru/rest/1/abc123secret/crm.deal.list/extra/',
    'https://x.bitrix24.ru/rest/1/abc123secret/?auth=1',
    'https://user:pw@x.bitrix24.ru/rest/1/abc123secret/',
    'https://x.bitrix24.ru/marketplace/app/1/',
    'не ссылка',
  ])('rejects %s with a Russian message', (raw) => {
    const r = checkBitrixWebhook(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/[а-я]/);
  });

  it('Calltouch token: one printable word', () => {
    expect(checkCalltouchToken(` ${TOKEN} `)).toEqual({ ok: true, value: TOKEN, host: null });
    expect(checkCalltouchToken('with space token').ok).toBe(false);
    expect(checkCalltouchToken('токен12345').ok).toBe(false);
    expect(checkCalltouchToken('short').ok).toBe(false);
  });
});
