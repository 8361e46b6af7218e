// The hardened main window (DESIGN.md §7, Electron security checklist): isolated, sandboxed
// renderer; no new windows, no navigation away from the app, no permissions, a strict CSP.
import { BrowserWindow, type BrowserWindowConstructorOptions, type Session, type WebContents } from 'electron';
import { createLogger } from '../engine/log';
import { isAllowedOrigin, originOf } from './origin';

const log = createLogger('shell/window');

export const WINDOW_TITLE = 'Skvoz';

export interface WindowConfig {
  preloadPath: string;
  /** dev: DevTools available */
  dev: boolean;
}

/** The BrowserWindow options; a pure function so tests can check every security flag. */
export function windowOptions(cfg: WindowConfig): BrowserWindowConstructorOptions {
  return {
    title: WINDOW_TITLE,
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: false,
    webPreferences: {
      preload: cfg.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: cfg.dev,
    },
  };
}

/**
 * Locks down any webContents: window.open denied, navigation and redirects only within the app's
 * own origin, no <webview>. `allowed` are the app origins (see origin.ts).
 */
export function hardenWebContents(wc: WebContents, allowed: readonly string[]): void {
  wc.setWindowOpenHandler(({ url }) => {
    log.warn('window.open denied', originOf(url) ?? 'non-http url');
    return { action: 'deny' };
  });
  const guard = (kind: string) => (event: { url: string; preventDefault(): void }) => {
    if (isAllowedOrigin(event.url, allowed)) return;
    event.preventDefault();
    log.warn(`${kind} blocked`, originOf(event.url) ?? 'non-http url');
  };
  wc.on('will-navigate', guard('navigation'));
  wc.on('will-frame-navigate', guard('frame navigation'));
  wc.on('will-redirect', guard('redirect'));
  wc.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('webview blocked');
  });
}

/** Session-wide: every permission denied, the CSP header on every response. */
export function hardenSession(ses: Session, csp: string): void {
  ses.setPermissionRequestHandler((_wc, permission, callback) => {
    log.info('permission request denied', permission);
    callback(false);
  });
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) headers[k] = v;
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}

/** Creates the main window; the caller loads the URL (dev server or app://skvoz). */
export function createMainWindow(cfg: WindowConfig & { allowedOrigins: readonly string[] }): BrowserWindow {
  const win = new BrowserWindow(windowOptions(cfg));
  hardenWebContents(win.webContents, cfg.allowedOrigins);
  win.once('ready-to-show', () => win.show());
  return win;
}
