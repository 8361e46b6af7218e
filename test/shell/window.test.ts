import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeSession, FakeWebContents, mock, navEvent } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());

const { createMainWindow, hardenSession, hardenWebContents, windowOptions } = await import('../../src-main/shell/window');
const { CSP } = await import('../../src-main/shell/csp');
const { APP_ORIGIN } = await import('../../src-main/shell/origin');

const PROD = [APP_ORIGIN];

describe('window webPreferences', () => {
  it('isolates and sandboxes the renderer, without Node', () => {
    const wp = windowOptions({ preloadPath: '/app/out/preload/index.cjs', dev: false }).webPreferences ?? {};
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.webviewTag).toBe(false);
    expect(wp.experimentalFeatures).toBe(false);
    expect(wp.preload).toBe('/app/out/preload/index.cjs');
    expect(wp.devTools).toBe(false);
  });

  it('is titled «Skvoz» and has a usable size', () => {
    const o = windowOptions({ preloadPath: '/p.cjs', dev: true });
    expect(o.title).toBe('Skvoz');
    expect(o.width).toBeGreaterThanOrEqual(1024);
    expect(o.webPreferences?.devTools).toBe(true);
  });

  it('createMainWindow really passes those options to BrowserWindow', () => {
    FakeBrowserWindow.instances = [];
    createMainWindow({ preloadPath: '/p.cjs', dev: false, allowedOrigins: PROD });
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    const wp = FakeBrowserWindow.instances[0]!.options.webPreferences as Record<string, unknown>;
    expect(wp).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    // and hardens its webContents
    expect(FakeBrowserWindow.instances[0]!.webContents.windowOpenHandler).not.toBeNull();
  });
});

describe('webContents hardening', () => {
  let wc: FakeWebContents;
  beforeEach(() => {
    wc = new FakeWebContents();
    hardenWebContents(wc as never, PROD);
  });

  it('denies window.open for every URL', () => {
    for (const url of ['https://evil.example/', 'app://skvoz/index.html', 'about:blank', 'file:///etc/passwd']) {
      expect(wc.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
  });

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s away from the app is prevented', (event) => {
    expect(wc.count(event)).toBeGreaterThan(0);
    for (const url of [
      'https://evil.example/',
      'http://localhost:5173/',
      'file:///etc/passwd',
      'app://evil/index.html',
      'app://skvoz.evil.example/',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
    ]) {
      const e = navEvent(url);
      wc.emit(event, e);
      expect(e.defaultPrevented, `${event} ${url}`).toBe(true);
    }
  });

  it.each(['will-navigate', 'will-redirect'])('%s within app://skvoz is allowed', (event) => {
    const e = navEvent('app://skvoz/index.html#/reports');
    wc.emit(event, e);
    expect(e.defaultPrevented).toBe(false);
  });

  it('in dev only the exact dev server origin may be navigated to', () => {
    const dev = new FakeWebContents();
    hardenWebContents(dev as never, ['http://localhost:5173']);
    const ok = navEvent('http://localhost:5173/');
    const other = navEvent('http://localhost:5174/');
    dev.emit('will-navigate', ok);
    dev.emit('will-navigate', other);
    expect(ok.defaultPrevented).toBe(false);
    expect(other.defaultPrevented).toBe(true);
  });

  it('refuses to attach a <webview>', () => {
    const e = navEvent('');
    wc.emit('will-attach-webview', e);
    expect(e.defaultPrevented).toBe(true);
  });
});

describe('session hardening', () => {
  const ses = new FakeSession();
  hardenSession(ses as never, CSP);

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'serial']) {
      const cb = vi.fn();
      ses.permissionRequestHandler?.({}, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
  });

  it('answers every permission check with false', () => {
    for (const p of ['media', 'geolocation', 'clipboard-sanitized-write', 'notifications']) {
      expect(ses.permissionCheckHandler?.({}, p, APP_ORIGIN)).toBe(false);
    }
    expect(ses.devicePermissionHandler?.({})).toBe(false);
  });

  it('adds the CSP header to responses, keeping other headers', () => {
    const cb = vi.fn();
    ses.headersListener?.({ url: 'http://localhost:5173/', responseHeaders: { 'Content-Type': ['text/html'] } }, cb);
    const headers = cb.mock.calls[0]![0].responseHeaders as Record<string, string[]>;
    expect(headers['Content-Security-Policy']).toEqual([CSP]);
    expect(headers['Content-Type']).toEqual(['text/html']);
  });
});

it('the mock is the one the module saw', () => {
  expect(mock.BrowserWindow).toBe(FakeBrowserWindow);
});
