// A small stand-in for the `electron` module, enough for the shell and preload to run in Node.
// Use in a test file:
//   vi.mock('electron', async () => (await import('./electron-mock')).electronModule());
//   import { mock } from './electron-mock';   // the same singleton the mocked module exposes
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { vi } from 'vitest';

type Listener = (...args: never[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  removeListener(event: string, listener: Listener): this {
    this.listeners.set(event, (this.listeners.get(event) ?? []).filter((l) => l !== listener));
    return this;
  }
  /** Calls every listener of `event` with `args`; returns how many there were. */
  emit(event: string, ...args: unknown[]): number {
    const ls = this.listeners.get(event) ?? [];
    for (const l of ls) (l as (...a: unknown[]) => unknown)(...args);
    return ls.length;
  }
  count(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

/** An Electron-like event object for will-navigate & co. */
export function navEvent(url: string): { url: string; defaultPrevented: boolean; preventDefault(): void } {
  const e = {
    url,
    defaultPrevented: false,
    preventDefault() {
      e.defaultPrevented = true;
    },
  };
  return e;
}

export class FakeWebContents extends FakeEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly send = vi.fn();
  readonly reload = vi.fn();
  destroyed = false;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getType(): string {
    return 'window';
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => {});
  readonly show = vi.fn();
  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isDestroyed(): boolean {
    return false;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  focus(): void {}
}

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (r: { responseHeaders?: Record<string, string[]>; cancel?: boolean }) => void,
) => void;

export class FakeSession {
  permissionRequestHandler: ((wc: unknown, permission: string, cb: (granted: boolean) => void, details?: unknown) => void) | null = null;
  permissionCheckHandler: ((wc: unknown, permission: string, origin: string, details?: unknown) => boolean) | null = null;
  devicePermissionHandler: ((details: unknown) => boolean) | null = null;
  headersListener: HeadersListener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(h: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: FakeSession['devicePermissionHandler']): void {
    this.devicePermissionHandler = h;
  }
}

export interface FakeSafeStorageOptions {
  available?: boolean;
  backend?: string;
}

/** safeStorage with real AES-GCM under a random key: ciphertext never contains the plaintext. */
export function fakeSafeStorage(opts: FakeSafeStorageOptions = {}) {
  const key = randomBytes(32);
  return {
    available: opts.available ?? true,
    backend: opts.backend ?? 'gnome_libsecret',
    isEncryptionAvailable(): boolean {
      return this.available;
    },
    getSelectedStorageBackend(): string {
      return this.backend;
    },
    encryptString: vi.fn((plain: string): Buffer => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    }),
    decryptString: vi.fn((buf: Buffer): string => {
      const d = createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
    }),
  };
}

function createMock() {
  const defaultSession = new FakeSession();
  const ipcMainHandlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcRendererEmitter = new FakeEmitter();
  const appEmitter = new FakeEmitter();
  return {
    defaultSession,
    ipcMainHandlers,
    ipcRendererEmitter,
    appEmitter,
    app: Object.assign(appEmitter, {
      isPackaged: true,
      getPath: vi.fn((_name: string) => '/tmp/skvoz-test-userdata'),
      getVersion: vi.fn(() => '0.1.0-test'),
      whenReady: vi.fn(() => Promise.resolve()),
      requestSingleInstanceLock: vi.fn(() => true),
      enableSandbox: vi.fn(),
      quit: vi.fn(),
      exit: vi.fn(),
    }),
    BrowserWindow: FakeBrowserWindow,
    session: { defaultSession },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn(),
    },
    ipcMain: {
      handle: vi.fn((channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => {
        if (ipcMainHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        ipcMainHandlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => ipcMainHandlers.delete(channel)),
    },
    ipcRenderer: {
      invoke: vi.fn(async (_channel: string, _input?: unknown): Promise<unknown> => ({ ok: true, value: null })),
      on: vi.fn((channel: string, l: Listener) => ipcRendererEmitter.on(channel, l)),
      removeListener: vi.fn((channel: string, l: Listener) => ipcRendererEmitter.removeListener(channel, l)),
    },
    contextBridge: { exposeInMainWorld: vi.fn() },
    safeStorage: fakeSafeStorage(),
    dialog: { showErrorBox: vi.fn() },
    Menu: { setApplicationMenu: vi.fn(), buildFromTemplate: vi.fn((t: unknown) => t) },
    shell: { openExternal: vi.fn(async (_url: string) => undefined), openPath: vi.fn(async (_path: string) => ''), showItemInFolder: vi.fn() },
  };
}

/** The singleton the mocked `electron` module is made of. */
export const mock = createMock();

/** The module object for `vi.mock('electron', ...)`. */
export function electronModule(): Record<string, unknown> {
  const m = {
    app: mock.app,
    BrowserWindow: mock.BrowserWindow,
    session: mock.session,
    protocol: mock.protocol,
    ipcMain: mock.ipcMain,
    ipcRenderer: mock.ipcRenderer,
    contextBridge: mock.contextBridge,
    safeStorage: mock.safeStorage,
    dialog: mock.dialog,
    Menu: mock.Menu,
    shell: mock.shell,
  };
  return { ...m, default: m };
}
