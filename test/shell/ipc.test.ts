import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS, EVENT_CHANNELS } from '@shared/channels';
import { inputSchemas, type Result, type SecretsStatus } from '@shared/contract';
import { addLogSink } from '../../src-main/engine/log';
import { FakeWebContents, mock } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());
addLogSink(() => {});

const { FOREIGN_SENDER_MESSAGE, handleCall, registerIpc, sendEvent } = await import('../../src-main/shell/ipc');
const { APP_ORIGIN, allowedOrigins } = await import('../../src-main/shell/origin');

const STATUS: SecretsStatus = { storageAvailable: true, bitrix24: { configured: false, host: null }, calltouch: [], yandexDirect: [], vkAds: { configured: false } };

function deps(allowed: readonly string[] = [APP_ORIGIN]) {
  const engine = {
    currentWorkspaceId: 'ws-1',
    call: vi.fn(async (channel: string, input: unknown): Promise<Result<unknown>> => ({ ok: true, value: { channel, input } })),
  };
  const secrets = {
    status: vi.fn(() => STATUS),
    set: vi.fn((): Result<SecretsStatus> => ({ ok: true, value: STATUS })),
    clear: vi.fn((): Result<SecretsStatus> => ({ ok: true, value: STATUS })),
    forgetWorkspace: vi.fn(),
  };
  return { allowedOrigins: allowed, engine, secrets } as const;
}

const from = (url: string | null | undefined) => ({ senderFrame: url === null ? null : ({ url } as never) });
const goodQuery = { from: '2024-01-01', to: '2024-01-31' };

const FOREIGN = [
  'https://evil.example/',
  'http://localhost:5173/',
  'http://127.0.0.1:5173/',
  'app://evil/index.html',
  'app://skvoz.evil.example/index.html',
  'app://skvoz:8080/index.html',
  'app://user@skvoz/index.html',
  'file:///work/main/out/renderer/index.html',
  'about:blank',
  'data:text/html,hi',
  'devtools://devtools/bundled/inspector.html',
  'chrome-extension://abc/page.html',
  '',
  'not a url',
];

describe('handleCall: sender origin first', () => {
  let d: ReturnType<typeof deps>;
  let safeParse: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    d = deps();
    safeParse = vi.spyOn(inputSchemas['reports:query'], 'safeParse');
  });

  it.each(FOREIGN)('rejects a call from %j without validating or running anything', async (url) => {
    const r = await handleCall(d, 'reports:query', from(url), goodQuery);
    expect(r).toEqual({ ok: false, error: { code: 'invalid_input', message: FOREIGN_SENDER_MESSAGE } });
    expect(safeParse).not.toHaveBeenCalled();
    expect(d.engine.call).not.toHaveBeenCalled();
  });

  it('rejects a destroyed or missing sender frame', async () => {
    for (const e of [from(null), from(undefined), {} as never, { senderFrame: { get url(): string { throw new Error('destroyed'); } } } as never]) {
      const r = await handleCall(d, 'reports:query', e, goodQuery);
      expect(r.ok).toBe(false);
    }
    expect(d.engine.call).not.toHaveBeenCalled();
  });

  it('rejects foreign secrets:set without touching the store', async () => {
    const r = await handleCall(d, 'secrets:set', from('https://evil.example/'), { kind: 'bitrix24_webhook', value: 'https://x.bitrix24.ru/rest/1/abcd1234/' });
    expect(r.ok).toBe(false);
    expect(d.secrets.set).not.toHaveBeenCalled();
  });

  it('in dev accepts only the exact dev server origin', async () => {
    const dev = deps(allowedOrigins('http://localhost:5173'));
    expect((await handleCall(dev, 'app:info', from('http://localhost:5173/'), undefined)).ok).toBe(true);
    expect((await handleCall(dev, 'app:info', from('http://localhost:5174/'), undefined)).ok).toBe(false);
    expect((await handleCall(dev, 'app:info', from('app://skvoz/index.html'), undefined)).ok).toBe(false);
  });

  it('accepts app://skvoz and forwards the parsed input to the engine', async () => {
    const r = await handleCall(d, 'reports:query', from('app://skvoz/index.html#/reports'), goodQuery);
    expect(r.ok).toBe(true);
    expect(safeParse).toHaveBeenCalledTimes(1);
    expect(d.engine.call).toHaveBeenCalledTimes(1);
    const [channel, input] = d.engine.call.mock.calls[0]!;
    expect(channel).toBe('reports:query');
    // defaults applied by the schema
    expect(input).toMatchObject({ from: '2024-01-01', to: '2024-01-31', groupBy: ['source'] });
  });
});

describe('handleCall: input validation', () => {
  it.each([
    ['reports:query', { from: '2024-13-01', to: '2024-01-31' }],
    ['reports:query', { from: '2024-02-01', to: '2024-01-01' }],
    ['reports:query', 'DROP TABLE'],
    ['workspaces:create', { name: '   ' }],
    ['workspaces:open', {}],
    ['app:info', { unexpected: true }],
    ['secrets:set', { kind: 'bitrix24_webhook' }],
    ['secrets:clear', { kind: 'calltouch_token', siteId: -1 }],
  ] as const)('%s %j → invalid_input, nothing runs', async (channel, input) => {
    const d = deps();
    const r = await handleCall(d, channel, from('app://skvoz/index.html'), input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('invalid_input');
    expect(d.engine.call).not.toHaveBeenCalled();
    expect(d.secrets.set).not.toHaveBeenCalled();
    expect(d.secrets.clear).not.toHaveBeenCalled();
  });
});

describe('handleCall: routing', () => {
  it('secrets:* go to the secret store with the current workspace, never to the engine', async () => {
    const d = deps();
    await handleCall(d, 'secrets:status', from('app://skvoz/'), undefined);
    await handleCall(d, 'secrets:set', from('app://skvoz/'), { kind: 'calltouch_token', siteId: 5, value: 'tok-123456789' });
    await handleCall(d, 'secrets:clear', from('app://skvoz/'), { kind: 'bitrix24_webhook' });
    expect(d.secrets.status).toHaveBeenCalledWith('ws-1');
    expect(d.secrets.set).toHaveBeenCalledWith('ws-1', { kind: 'calltouch_token', siteId: 5, value: 'tok-123456789' });
    expect(d.secrets.clear).toHaveBeenCalledWith('ws-1', { kind: 'bitrix24_webhook' });
    expect(d.engine.call).not.toHaveBeenCalled();
  });

  it('a deleted workspace loses its secrets', async () => {
    const d = deps();
    d.engine.call.mockResolvedValueOnce({ ok: true, value: { deleted: 'ws-2' } });
    await handleCall(d, 'workspaces:delete', from('app://skvoz/'), { id: 'ws-2', confirmName: 'X' });
    expect(d.secrets.forgetWorkspace).toHaveBeenCalledWith('ws-2');
  });

  it('a throwing handler becomes internal, not a rejected promise', async () => {
    const d = deps();
    d.engine.call.mockRejectedValueOnce(new Error('boom https://x.bitrix24.ru/rest/1/abc123secret/'));
    const r = await handleCall(d, 'app:info', from('app://skvoz/'), undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('internal');
      expect(r.error.message).not.toContain('abc123secret');
    }
  });
});

describe('registerIpc', () => {
  it('registers exactly one handler per contract channel, all through the wrapper', async () => {
    const d = deps();
    const off = registerIpc(mock.ipcMain as never, d);
    expect([...mock.ipcMainHandlers.keys()].sort()).toEqual([...CALL_CHANNELS].sort());
    for (const channel of CALL_CHANNELS) {
      const handler = mock.ipcMainHandlers.get(channel)!;
      const r = (await handler(from('https://evil.example/'), undefined)) as Result<unknown>;
      expect(r).toEqual({ ok: false, error: { code: 'invalid_input', message: FOREIGN_SENDER_MESSAGE } });
    }
    expect(d.engine.call).not.toHaveBeenCalled();
    const ok = (await mock.ipcMainHandlers.get('app:info')!(from('app://skvoz/index.html'), undefined)) as Result<unknown>;
    expect(ok.ok).toBe(true);
    off();
    expect(mock.ipcMainHandlers.size).toBe(0);
  });
});

describe('sendEvent', () => {
  it('forwards only contract events, payload only', () => {
    const wc = new FakeWebContents();
    for (const name of EVENT_CHANNELS) expect(sendEvent(wc as never, name, { n: 1 })).toBe(true);
    expect(wc.send.mock.calls.map((c) => c[0])).toEqual([...EVENT_CHANNELS]);
    expect(wc.send.mock.calls[0]).toEqual([EVENT_CHANNELS[0], { n: 1 }]);
    for (const name of ['reports:query', 'secrets:status', 'ELECTRON_BROWSER_REQUIRE', '', 42]) {
      expect(sendEvent(wc as never, name, {})).toBe(false);
    }
    expect(wc.send).toHaveBeenCalledTimes(EVENT_CHANNELS.length);
  });

  it('does nothing without a live window', () => {
    const wc = new FakeWebContents();
    wc.destroyed = true;
    expect(sendEvent(wc as never, 'sync:progress', {})).toBe(false);
    expect(sendEvent(null, 'sync:progress', {})).toBe(false);
    expect(wc.send).not.toHaveBeenCalled();
  });
});
