// Electron main process: app lifecycle. Everything Electron-specific lives in src-main/shell;
// the engine runs in a worker thread (engine-host.ts) and never imports electron.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, safeStorage, session, shell, type BrowserWindow } from 'electron';
import { addLogSink, createLogger, redact } from '../engine/log';
import { buildCsp } from './csp';
import { EngineHost, type HostStateInfo } from './engine-host';
import { registerIpc, sendEvent } from './ipc';
import { fileLogSink } from './log-file';
import { installMenu } from './menu';
import { offerCliLink } from './cli-link';
import { APP_INDEX_URL, allowedOrigins, devServerOrigin } from './origin';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { SecretStore } from './secrets';
import { ExportShell } from './exports';
import { Links } from './links';
import { printHtmlToPdf } from './print';
import { createMainWindow, hardenSession, hardenWebContents } from './window';

const log = createLogger('shell');
const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

// out/main/index.js → siblings built by electron-vite
const PRELOAD = here('../preload/index.cjs');
const RENDERER_ROOT = here('../renderer');
const ENGINE_WORKER = here('./engine-worker.js');

// ---------- before ready ----------

registerAppScheme();
app.enableSandbox();
// only `npm start` / `npm run dev` point the engine at a separate native build (db/open.ts)
if (app.isPackaged) delete process.env.SKVOZ_SQLITE_NATIVE;

process.on('uncaughtException', (err) => log.error('uncaughtException', err));
process.on('unhandledRejection', (reason) => log.error('unhandledRejection', reason));

let mainWindow: BrowserWindow | null = null;
let host: EngineHost | null = null;
let rendererCrashes = 0;

app.on('render-process-gone', (_event, wc, details) => {
  log.error('renderer gone', details.reason, 'exit code', details.exitCode);
  const ours = mainWindow && !mainWindow.isDestroyed() && mainWindow.webContents === wc;
  if (ours && details.reason !== 'clean-exit' && rendererCrashes < 3) {
    rendererCrashes += 1;
    wc.reload();
  }
});
app.on('child-process-gone', (_event, details) => log.error('child process gone', details.type, details.reason, details.exitCode));

// ---------- start ----------

function showFatal(info: HostStateInfo): void {
  if (info.state !== 'failed' || !info.error) return;
  const title = info.reason === 'db_from_future' ? 'Данные созданы более новой версией Skvoz' : 'Skvoz не может работать с данными';
  dialog.showErrorBox(title, info.error.message);
}

function openWindow(allowed: readonly string[], startUrl: string, dev: boolean): void {
  const win = createMainWindow({ preloadPath: PRELOAD, dev, allowedOrigins: allowed });
  mainWindow = win;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(startUrl).catch((err: unknown) => log.error('window failed to load', err));
}

async function boot(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const logFile = fileLogSink(join(userData, 'logs'));
  addLogSink(logFile.sink);
  log.info('Skvoz', app.getVersion(), 'starting; electron', process.versions.electron, 'platform', process.platform);

  const rendererUrl = process.env.ELECTRON_RENDERER_URL;
  const devOrigin = app.isPackaged ? null : devServerOrigin(rendererUrl);
  if (!app.isPackaged && rendererUrl && !devOrigin) log.warn('ELECTRON_RENDERER_URL ignored: not a loopback http URL');
  const dev = devOrigin !== null;
  const allowed = allowedOrigins(devOrigin);
  const csp = buildCsp(devOrigin);

  hardenSession(session.defaultSession, csp);
  handleAppProtocol(RENDERER_ROOT, csp);
  app.on('web-contents-created', (_event, wc) => {
    // BrowserWindows are hardened in createMainWindow; anything else (webviews, popups) here
    if (wc.getType() !== 'window') hardenWebContents(wc, allowed);
  });
  const mac = process.platform === 'darwin';
  installMenu({ dev, mac, cliLink: mac && app.isPackaged ? () => void offerCliLink(process.resourcesPath, dialog) : undefined });

  const secrets = new SecretStore({ safeStorage, file: join(userData, 'secrets.json') });
  const problem = secrets.storageProblem();
  if (problem) log.warn('encrypted secret storage unavailable; secrets will be refused');

  host = new EngineHost({
    workerPath: ENGINE_WORKER,
    workerData: { root: join(userData, 'workspaces'), version: app.getVersion(), runtime: 'electron' },
    secrets: { get: (key, workspaceId) => secrets.get(workspaceId, key) },
    // scheduled PDF exports: the engine asks, the shell prints
    print: printHtmlToPdf,
    onEvent: (e) => sendEvent(mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null, e.name, e.payload),
    onState: (info) => {
      log.info('engine', info.state, info.reason ?? '');
      showFatal(info);
    },
  });
  const exportShell = new ExportShell({
    dialog: {
      showSaveDialog: (o) => (mainWindow ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o)),
      showOpenDialog: (o) => (mainWindow ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o)),
    },
    prefsFile: join(userData, 'export-folder.json'),
    defaultDir: app.getPath('documents'),
    printer: printHtmlToPdf,
    engine: host,
  });
  const links = new Links(
    shell,
    () => (host?.currentWorkspaceId ? secrets.status(host.currentWorkspaceId).bitrix24.host : null),
    (path) => exportShell.allowsFile(path),
    async (touch) => {
      if (!host) return null;
      const r = await host.call('reports:landing', touch);
      return r.ok ? (r.value as { url: string | null }).url : null;
    },
  );
  registerIpc(ipcMain, { allowedOrigins: allowed, engine: host, secrets, exports: exportShell, links });
  void host.start();

  const startUrl = devOrigin && rendererUrl ? rendererUrl : APP_INDEX_URL;
  openWindow(allowed, startUrl, dev);
  app.on('activate', () => {
    if (!mainWindow) openWindow(allowed, startUrl, dev);
  });
}

// ---------- single instance, quit ----------

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let engineClosed = false;
  let closingEngine = false;
  app.on('before-quit', (event) => {
    if (engineClosed || !host) return;
    event.preventDefault();
    if (closingEngine) return;
    closingEngine = true;
    void host.close().finally(() => {
      engineClosed = true;
      log.info('engine closed; quitting');
      app.quit();
    });
  });
  boot().catch((err: unknown) => {
    log.error('startup failed', err);
    dialog.showErrorBox('Skvoz не запустился', redact(err instanceof Error ? err.message : String(err)));
    app.exit(1);
  });
}
