import { describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS, EVENT_CHANNELS, splitChannel } from '@shared/channels';
import { mock } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());

await import('../../src-main/preload/index');

type Fn = (...args: unknown[]) => unknown;
const calls = mock.contextBridge.exposeInMainWorld.mock.calls;
const api = calls[0]?.[1] as Record<string, Record<string, Fn>> & { on: (e: unknown, l: unknown) => () => void };

function expected(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of CALL_CHANNELS) {
    const [d, v] = splitChannel(c);
    (out[d] ??= []).push(v);
  }
  return out;
}

describe('preload', () => {
  it('exposes exactly one object, window.skvoz', () => {
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toBe('skvoz');
  });

  it('has one function per contract channel, grouped by domain, plus on — nothing else', () => {
    const want = expected();
    expect(Object.keys(api).sort()).toEqual([...Object.keys(want), 'on'].sort());
    for (const [domain, verbs] of Object.entries(want)) {
      expect(Object.keys(api[domain]!).sort(), domain).toEqual([...verbs].sort());
      for (const v of verbs) expect(typeof api[domain]![v]).toBe('function');
    }
    expect(typeof api.on).toBe('function');
  });

  it('leaks no Electron or Node object', () => {
    const seen = new Set<unknown>();
    const walk = (v: unknown): void => {
      if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) return;
      seen.add(v);
      expect(v).not.toBe(mock.ipcRenderer);
      expect(v).not.toBe(mock.ipcRenderer.invoke);
      expect(v).not.toBe(mock.ipcRenderer.on);
      expect(v).not.toBe(process);
      expect(v).not.toBe(process.env);
      if (typeof v === 'object') for (const k of Object.keys(v)) walk((v as Record<string, unknown>)[k]);
    };
    walk(api);
    for (const k of ['ipcRenderer', 'process', 'env', 'require', 'invoke', 'send']) expect(k in api).toBe(false);
  });

  it('each method invokes exactly its own channel with the input', async () => {
    for (const channel of CALL_CHANNELS) {
      const [d, v] = splitChannel(channel);
      mock.ipcRenderer.invoke.mockClear();
      const input = { probe: channel };
      await api[d]![v]!(input);
      expect(mock.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(channel, input);
    }
  });

  it('a failed invoke resolves to an internal Result instead of throwing', async () => {
    mock.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    const r = (await api.app!.info!()) as { ok: boolean; error?: { code: string } };
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('internal');
  });

  it('on() accepts only contract events, passes only the payload, and unsubscribes', () => {
    for (const bad of ['reports:query', 'ELECTRON_BROWSER_REQUIRE', '', 'sync:progress ']) {
      expect(() => api.on(bad, () => {})).toThrow();
    }
    expect(() => api.on('sync:progress', 'not a function')).toThrow();
    for (const name of EVENT_CHANNELS) {
      const listener = vi.fn();
      const off = api.on(name, listener);
      mock.ipcRendererEmitter.emit(name, { sender: mock.ipcRenderer, senderId: 0 }, { n: 1 });
      expect(listener).toHaveBeenCalledExactlyOnceWith({ n: 1 });
      off();
      mock.ipcRendererEmitter.emit(name, {}, { n: 2 });
      expect(listener).toHaveBeenCalledTimes(1);
      expect(mock.ipcRendererEmitter.count(name)).toBe(0);
    }
  });
});
