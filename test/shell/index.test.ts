// The app lifecycle wiring (src-main/shell/index.ts) with a mocked electron and a fake engine host.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CALL_CHANNELS } from '@shared/channels';
import { CSP } from '../../src-main/shell/csp';
import type { EngineHostOptions } from '../../src-main/shell/engine-host';
import { FakeBrowserWindow, mock, navEvent } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());

const hostInstances: FakeHost[] = [];
class FakeHost {
  currentWorkspaceId: string | null = 'ws-1';
  readonly start = vi.fn(async () => ({ state: 'ready' as const }));
  readonly call = vi.fn(async () => ({ ok: true as const, value: null }));
  readonly close = vi.fn(async () => {});
  constructor(readonly opts: EngineHostOptions) {
    hostInstances.push(this);
  }
}
vi.mock('../../src-main/shell/engine-host', () => ({ EngineHost: FakeHost }));

const userData = mkdtempSync(join(tmpdir(), 'skvoz-userdata-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));
mock.app.getPath.mockReturnValue(userData);
mock.app.isPackaged = true;
delete process.env.ELECTRON_RENDERER_URL;

await import('../../src-main/shell/index');
await vi.waitFor(() => expect(FakeBrowserWindow.instances).toHaveLength(1));
const win = FakeBrowserWindow.instances[0]!;

describe('app lifecycle (production)', () => {
  it('registers app:// as privileged and enables the sandbox before ready', () => {
    expect(mock.protocol.registerSchemesAsPrivileged).toHaveBeenCalledTimes(1);
    expect(mock.app.enableSandbox).toHaveBeenCalled();
    expect(mock.app.requestSingleInstanceLock).toHaveBeenCalled();
  });

  it('loads app://skvoz/index.html in a hardened window', () => {
    expect(win.loadURL).toHaveBeenCalledWith('app://skvoz/index.html');
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/);
    const e = navEvent('https://evil.example/');
    win.webContents.emit('will-navigate', e);
    expect(e.defaultPrevented).toBe(true);
  });

  it('serves app:// and sets the production CSP on the session', () => {
    expect(mock.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const cb = vi.fn();
    mock.defaultSession.headersListener?.({ url: 'app://skvoz/index.html', responseHeaders: {} }, cb);
    expect(cb.mock.calls[0]![0].responseHeaders['Content-Security-Policy']).toEqual([CSP]);
    const perm = vi.fn();
    mock.defaultSession.permissionRequestHandler?.({}, 'media', perm);
    expect(perm).toHaveBeenCalledWith(false);
  });

  it('starts the engine host on userData/workspaces with the built worker', () => {
    expect(hostInstances).toHaveLength(1);
    const h = hostInstances[0]!;
    expect(h.opts.workerData).toMatchObject({ root: join(userData, 'workspaces'), runtime: 'electron' });
    expect(String(h.opts.workerPath)).toMatch(/engine-worker\.js$/);
    expect(h.start).toHaveBeenCalled();
  });

  it('registers every contract channel, guarded by the app origin', async () => {
    expect([...mock.ipcMainHandlers.keys()].sort()).toEqual([...CALL_CHANNELS].sort());
    const foreign = (await mock.ipcMainHandlers.get('app:info')!({ senderFrame: { url: 'http://localhost:5173/' } }, undefined)) as { ok: boolean };
    expect(foreign.ok).toBe(false);
    const ours = (await mock.ipcMainHandlers.get('app:info')!({ senderFrame: { url: 'app://skvoz/index.html' } }, undefined)) as { ok: boolean };
    expect(ours.ok).toBe(true);
    expect(hostInstances[0]!.call).toHaveBeenCalledTimes(1);
  });

  it('relays engine events to the window', () => {
    hostInstances[0]!.opts.onEvent?.({ type: 'event', name: 'workspaces:changed', payload: null });
    expect(win.webContents.send).toHaveBeenCalledWith('workspaces:changed', null);
  });

  it('writes a log file under userData/logs', () => {
    expect(existsSync(join(userData, 'logs', 'skvoz.log'))).toBe(true);
  });

  it('installs crash handlers', () => {
    expect(process.listeners('uncaughtException').length).toBeGreaterThan(0);
    expect(process.listeners('unhandledRejection').length).toBeGreaterThan(0);
    expect(mock.appEmitter.count('render-process-gone')).toBe(1);
  });

  it('shows a fatal engine state to the user', () => {
    hostInstances[0]!.opts.onState?.({ state: 'failed', reason: 'db_from_future', error: { code: 'internal', message: 'База создана более новой версией Skvoz' } });
    expect(mock.dialog.showErrorBox).toHaveBeenCalledWith(expect.stringContaining('более новой версией'), 'База создана более новой версией Skvoz');
  });

  it('closes the engine before quitting', async () => {
    const event = { preventDefault: vi.fn() };
    mock.appEmitter.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(hostInstances[0]!.close).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(mock.app.quit).toHaveBeenCalled());
    const again = { preventDefault: vi.fn() };
    mock.appEmitter.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
