// Renderer tier (DESIGN.md §8): the BUILT renderer (out/renderer) served from 127.0.0.1, opened in
// Debian's Chromium through playwright-core, with `window.skvoz` bridged to a REAL Engine running
// in this test process.
//
// Bridge:
//   page.exposeBinding('__skvozCall', (_src, channel, input) => dispatch(channel, input))
//   + an init script that builds `window.skvoz` from CALL_CHANNELS in the preload's grouped shape
//     (`skvoz.reports.query(input)` → `__skvozCall('reports:query', input)`) and `skvoz.on(...)`;
//   engine events → `page.evaluate(() => window.__skvozEmit(name, payload))` on every open page.
// secrets:* are the shell's channels (the engine never stores secrets): a small in-test store
// answers them and feeds the engine's MemorySecrets, as the shell does with safeStorage.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CALL_CHANNELS, isShellChannel, type CallChannel, type EngineChannel, type EventChannel } from '@shared/channels';
import {
  inputSchemas,
  SecretKeySchema,
  type AppError,
  type DemoSize,
  type EventPayloads,
  type Input,
  type Output,
  type Result,
  type SecretKey,
  type SecretsStatus,
  type SourceKind,
  type WorkspaceSummary,
} from '@shared/contract';
import { Engine, type SourceTester } from '../../src-main/engine/engine';
import type { SourceOverrides, SourceSync } from '../../src-main/engine/sync/orchestrator';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { testExportShell, type ExportShellChannel } from '../export/test-shell';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RENDERER_DIR = join(ROOT, 'out/renderer');
export const SCREENSHOT_DIR = join(ROOT, 'test-results/screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// ---------- static server ----------

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1:<random port>; no directory listing, no path escape. */
export async function startStaticServer(dir: string): Promise<StaticServer> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    void (async () => {
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (pathname.endsWith('/')) pathname += 'index.html';
      const file = resolve(root, `.${pathname}`);
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

// ---------- browser ----------

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// ---------- the bridge ----------

export type Dispatch = (channel: CallChannel, input: unknown) => Promise<Result<unknown>>;

/** Runs in the page before its scripts: `window.skvoz` over the exposed `__skvozCall` binding. */
function installBridge(channels: readonly string[]): void {
  type Listener = (payload: unknown) => void;
  const g = globalThis as unknown as Record<string, unknown>;
  const call = g.__skvozCall as (channel: string, input: unknown) => Promise<unknown>;
  const listeners = new Map<string, Set<Listener>>();
  const api: Record<string, unknown> = {};
  for (const channel of channels) {
    const [domain, verb] = channel.split(':') as [string, string];
    const group = (api[domain] ??= {}) as Record<string, unknown>;
    group[verb] = (input?: unknown) => call(channel, input);
  }
  api.on = (event: string, listener: Listener) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  };
  g.__skvozEmit = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };
  for (const group of Object.values(api)) if (typeof group === 'object' && group) Object.freeze(group);
  Object.defineProperty(g, 'skvoz', { value: Object.freeze(api), writable: false, configurable: false });
}

/** Exposes `dispatch` to the page as `window.skvoz` (call before the first navigation). */
export async function bridgePage(page: Page, dispatch: Dispatch): Promise<void> {
  await page.exposeBinding('__skvozCall', (_source, channel: unknown, input: unknown) => {
    if (typeof channel !== 'string' || !(CALL_CHANNELS as readonly string[]).includes(channel)) {
      return { ok: false, error: { code: 'invalid_input', message: `Неизвестный канал ${String(channel)}` } };
    }
    return dispatch(channel as CallChannel, input);
  });
  await page.addInitScript(installBridge, CALL_CHANNELS);
}

/** Pushes one engine event into the page (ignored when the page is gone or not bridged yet). */
export async function emitToPage<E extends EventChannel>(page: Page, event: E, payload: EventPayloads[E]): Promise<void> {
  if (page.isClosed()) return;
  await page
    .evaluate(
      ([name, data]) => {
        const g = globalThis as unknown as { __skvozEmit?: (n: string, p: unknown) => void };
        g.__skvozEmit?.(name, data);
      },
      [event, payload] as const,
    )
    .catch(() => undefined);
}

// ---------- the shell's secrets, in memory ----------

export class TestSecrets {
  readonly provider = new MemorySecrets();
  private webhook: string | null = null;

  constructor(private readonly engine: () => Engine) {}

  async dispatch(channel: 'secrets:status' | 'secrets:set' | 'secrets:clear', raw: unknown): Promise<Result<SecretsStatus>> {
    const parsed = inputSchemas[channel].safeParse(raw);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'Неверные данные' } };
    }
    if (channel === 'secrets:set') {
      const v = parsed.data as Input<'secrets:set'>;
      const { value: _value, ...rest } = v;
      void _value;
      const key = SecretKeySchema.parse(rest);
      this.provider.set(key, v.value);
      if (v.kind === 'bitrix24_webhook') this.webhook = v.value;
    } else if (channel === 'secrets:clear') {
      const key = parsed.data as SecretKey;
      this.provider.clear(key);
      if (key.kind === 'bitrix24_webhook') this.webhook = null;
    }
    return { ok: true, value: await this.status() };
  }

  /** the saved webhook's portal host (the shell opens deal cards there) */
  host(): string | null {
    try {
      return this.webhook ? new URL(this.webhook).host : null;
    } catch {
      return null;
    }
  }

  private async status(): Promise<SecretsStatus> {
    const settings = await this.engine().dispatch('settings:get', undefined);
    const sites = settings.ok ? (settings.value as Output<'settings:get'>).calltouch.sites : [];
    let host: string | null = null;
    try {
      host = this.webhook ? new URL(this.webhook).host : null;
    } catch {
      host = null;
    }
    return {
      storageAvailable: true,
      bitrix24: { configured: this.webhook !== null, host },
      calltouch: sites.map((s) => ({ siteId: s.siteId, configured: this.provider.has({ kind: 'calltouch_token', siteId: s.siteId }) })),
      yandexDirect: this.provider.has({ kind: 'yandex_direct_token', login: '' }) ? [{ login: '', configured: true }] : [],
      vkAds: { configured: this.provider.has({ kind: 'vk_ads_credentials' }) },
    };
  }
}

// ---------- everything together ----------

export interface HarnessOptions {
  /** Demo workspace to create at start (engine.init); null: one empty workspace. */
  demo?: DemoSize | null;
  /** The engine's clock ("today" for the demo generator). */
  now?: number;
  /** Source base URLs (the loopback fakes) and Calltouch sites, as the CLI's environment gives them. */
  overrides?: SourceOverrides;
  /** The connectors (e.g. with fast retry knobs for tests); default: the engine's own. */
  sources?: SourceSync[];
  testers?: Partial<Record<SourceKind, SourceTester>>;
}

/** Returns a reply to use instead of the engine's, or undefined to let the call through. */
export type Interceptor = (channel: CallChannel, input: unknown) => Result<unknown> | undefined;

export interface Harness {
  engine: Engine;
  secrets: TestSecrets;
  /** the export dialogs (files land in exports.dialog.dir) */
  exports: ReturnType<typeof testExportShell>;
  baseUrl: string;
  browser: Browser;
  /** Calls the engine exactly as the page does. */
  call<C extends CallChannel>(channel: C, input?: Input<C>): Promise<Output<C>>;
  dispatch: Dispatch;
  /** Fault injection: answer some calls from the test. */
  intercept: Interceptor | null;
  /**
   * A new page (its own context): 1360×880 in Moscow unless told otherwise. `timezoneId` is the
   * browser's own zone (the OS zone of the marketer's laptop), which the app must not depend on.
   */
  newPage(opts?: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; timezoneId?: string; locale?: string }): Promise<Page>;
  url(hash?: string): string;
  /**
   * A fresh load of the app at `#/route` (a bare hash change would not reload it), booted. The
   * report setup the app remembers between starts is forgotten first, unless `keepSetup`.
   */
  open(page: Page, route: string, opts?: { keepSetup?: boolean }): Promise<void>;
  /** Uncaught page errors, console errors and blocked requests, for assertions. */
  problems: string[];
  close(): Promise<void>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'skvoz-e2e-'));
  const pages = new Set<Page>();
  const contexts = new Set<BrowserContext>();
  const now = opts.now;
  let engineRef: Engine | null = null;
  const secrets = new TestSecrets(() => {
    if (!engineRef) throw new Error('engine not ready');
    return engineRef;
  });
  const engine = new Engine({
    root: dir,
    secrets: secrets.provider,
    now: now === undefined ? undefined : () => now,
    overrides: opts.overrides,
    sources: opts.sources,
    testers: opts.testers,
    emit: (event, payload) => {
      for (const p of pages) void emitToPage(p, event, payload);
    },
  });
  engineRef = engine;
  if (opts.demo === null) await engine.dispatch('workspaces:create', { name: 'Пустое пространство' });
  else await engine.init(opts.demo ?? 'small');

  const problems: string[] = [];
  const server = await startStaticServer(RENDERER_DIR);
  const browser = await launchChromium();
  const exportShell = testExportShell(engine, () => browser, () => secrets.host());

  const harness: Harness = {
    engine,
    secrets,
    exports: exportShell,
    baseUrl: server.url,
    browser,
    problems,
    intercept: null,
    dispatch: async (channel, input) => {
      const injected = harness.intercept?.(channel, input);
      if (injected) return injected;
      if (isShellChannel(channel)) {
        if (!channel.startsWith('secrets:')) return exportShell.dispatch(channel as ExportShellChannel, input);
        return secrets.dispatch(channel as 'secrets:status' | 'secrets:set' | 'secrets:clear', input);
      }
      return engine.dispatch(channel as EngineChannel, input);
    },
    async call(channel, input) {
      const r = await harness.dispatch(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
      return r.value as Output<typeof channel>;
    },
    async newPage(o = {}) {
      const context = await browser.newContext({
        viewport: o.viewport ?? { width: 1360, height: 880 },
        locale: o.locale ?? 'ru-RU',
        timezoneId: o.timezoneId ?? 'Europe/Moscow',
        colorScheme: o.colorScheme ?? 'light',
        serviceWorkers: 'block',
      });
      contexts.add(context);
      // the renderer may talk to nothing but its own origin
      await context.route('**/*', (route) => {
        const u = new URL(route.request().url());
        if (u.origin === server.url) return route.continue();
        problems.push(`blocked request: ${u.href}`);
        return route.abort('blockedbyclient');
      });
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`http ${r.status()}: ${r.url()}`);
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('close', () => pages.delete(page));
      // harness.open: a load with ?fresh starts without the remembered report setup
      await page.addInitScript("if (new URLSearchParams(location.search).has('fresh')) localStorage.clear();");
      await bridgePage(page, harness.dispatch);
      pages.add(page);
      return page;
    },
    url: (hash = '#/dashboard') => `${server.url}/index.html${hash}`,
    async open(page, route, o = {}) {
      await page.goto('about:blank');
      await page.goto(`${server.url}/index.html${o.keepSetup ? '' : '?fresh'}#/${route}`);
      await page.locator('[data-testid="app"][data-booted="true"]').waitFor();
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await server.close();
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** A harness on a demo workspace, that workspace and a page: where the screen tests start. */
export async function startDemo(
  demo: DemoSize,
  now: number,
  page?: Parameters<Harness['newPage']>[0],
): Promise<{ h: Harness; ws: WorkspaceSummary; page: Page }> {
  const h = await startHarness({ demo, now });
  const ws = await h.call('workspaces:current');
  if (!ws) throw new Error('the demo workspace is not open');
  return { h, ws, page: await h.newPage(page) };
}

/** A Result error for interceptors. */
export function failure(code: AppError['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}
