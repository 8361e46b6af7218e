// The engine host against the REAL worker (src-main/engine/worker.ts under tsx) and a temp root.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { addLogSink } from '../../src-main/engine/log';
import { DB_FILE, Workspace, WorkspaceRegistry } from '../../src-main/engine/workspace';
import type { EventMessage, FromWorker } from '../../src-main/engine/worker-protocol';
import { EngineHost, type EngineHostOptions, type HostStateInfo, type WorkerLike } from '../../src-main/shell/engine-host';
import { pdfWith } from '../../src-main/engine/export/chromium';
import { launchChromium } from '../e2e/harness';
import type { ExportFinished } from '@shared/contract';

const logs: string[] = [];
addLogSink((l) => logs.push(l));

const BOOT = fileURLToPath(new URL('./fixtures/tsx-worker.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'skvoz-host-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let rootN = 0;
/** A root with one empty workspace marked as last opened, so init() opens it (no demo). */
function makeRoot(id = 'ws-one', name = 'Тестовое'): string {
  const root = join(base, `root-${++rootN}`);
  const reg = new WorkspaceRegistry(root);
  Workspace.create(join(root, id), { name, id }).close();
  reg.setLastOpened(id);
  return root;
}

/** Wraps the real worker; `hold` drops results so a call stays in flight deterministically. */
class HoldingWorker implements WorkerLike {
  hold = false;
  constructor(readonly real: Worker) {}
  postMessage(msg: Parameters<WorkerLike['postMessage']>[0]): void {
    this.real.postMessage(msg);
  }
  on(event: 'message' | 'error' | 'exit', listener: (arg: never) => void): this {
    const l = listener as (arg: unknown) => void;
    if (event === 'message') this.real.on('message', (m: FromWorker) => (this.hold && m.type === 'result' ? undefined : l(m)));
    else this.real.on(event, l);
    return this;
  }
  terminate(): Promise<number> {
    return this.real.terminate();
  }
}

const hosts: EngineHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

function makeHost(root: string, extra: Partial<EngineHostOptions> = {}) {
  const workers: HoldingWorker[] = [];
  const events: EventMessage[] = [];
  const states: HostStateInfo[] = [];
  const secrets = { get: vi.fn(async () => null as string | null) };
  const host = new EngineHost({
    workerPath: BOOT,
    workerData: { root, version: '9.9.9-test', runtime: 'node' },
    secrets,
    onEvent: (e) => events.push(e),
    onState: (s) => states.push(s),
    backoffMs: () => 20,
    closeTimeoutMs: 500,
    createWorker: (path: string | URL, options: WorkerOptions) => {
      const w = new HoldingWorker(new Worker(path, options));
      workers.push(w);
      return w;
    },
    ...extra,
  });
  hosts.push(host);
  return { host, workers, events, states, secrets };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('engine host with the real worker', () => {
  it('starts, opens the last workspace and round-trips calls', async () => {
    const { host } = makeHost(makeRoot());
    const started = await host.start();
    expect(started.state).toBe('ready');
    expect(started.summary?.id).toBe('ws-one');
    expect(host.currentWorkspaceId).toBe('ws-one');

    const info = await host.call('app:info', undefined);
    expect(info).toEqual({ ok: true, value: { version: '9.9.9-test', runtime: 'node', platform: process.platform } });
    const cur = await host.call('workspaces:current', undefined);
    expect(cur.ok && cur.value?.name).toBe('Тестовое');
    // the engine validates again
    const bad = await host.call('workspaces:open', { id: 42 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('invalid_input');
  });

  it('relays engine events and tracks the open workspace', async () => {
    const { host, events } = makeHost(makeRoot());
    await host.start();
    const created = await host.call('workspaces:create', { name: 'Агентство Б', demo: null });
    expect(created.ok).toBe(true);
    const id = created.ok ? created.value.id : '';
    // init announced the reopened workspace; the create announces the new one
    await until(() => events.filter((e) => e.name === 'workspaces:changed').length >= 2);
    const changed = events.filter((x) => x.name === 'workspaces:changed').map((x) => x.payload);
    expect(changed[0]).toMatchObject({ id: 'ws-one' });
    expect(changed.at(-1)).toMatchObject({ id, name: 'Агентство Б' });
    expect(host.currentWorkspaceId).toBe(id);
  });

  it('a killed worker fails in-flight calls with internal at once, restarts, and serves the next call', async () => {
    const { host, workers, states } = makeHost(makeRoot());
    await host.start();
    workers[0]!.hold = true;
    const inFlight = host.call('workspaces:list', undefined);
    await new Promise((r) => setTimeout(r, 100)); // the reply was produced and dropped
    const t0 = Date.now();
    await workers[0]!.real.terminate();
    const r = await inFlight;
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('internal');
      expect(r.error.message).toMatch(/перезапуска/);
    }
    // a call made while restarting waits for the new worker
    const queued = host.call('app:info', undefined);
    expect(host.state.state).toBe('restarting');
    expect((await queued).ok).toBe(true);
    expect(workers).toHaveLength(2);
    expect(states.map((s) => s.state)).toEqual(['ready', 'restarting', 'ready']);
    expect((await host.call('workspaces:current', undefined)).ok).toBe(true);
  });

  it('a DB from a newer schema is a clear fatal error, not a restart loop', async () => {
    const root = makeRoot('ws-future', 'Будущее');
    const db = new Database(join(root, 'ws-future', DB_FILE));
    db.pragma('user_version = 999');
    db.close();
    const { host, workers } = makeHost(root);
    const started = await host.start();
    expect(started.state).toBe('failed');
    expect(started.reason).toBe('db_from_future');
    expect(started.error?.message).toMatch(/более новой версией Skvoz/);
    const r = await host.call('app:info', undefined);
    expect(r).toEqual({ ok: false, error: started.error });
    await new Promise((res) => setTimeout(res, 200));
    expect(workers).toHaveLength(1);
  });

  it('an unusable workspaces root is reported as fatal once, not retried', async () => {
    const file = join(base, 'not-a-folder');
    writeFileSync(file, 'x');
    const { host, workers } = makeHost(file);
    const started = await host.start();
    expect(started.state).toBe('failed');
    expect(started.reason).toBe('init_failed');
    expect(started.error?.message).toMatch(/Не удалось открыть рабочее пространство/);
    expect(workers).toHaveLength(1);
  });

  it('close() shuts the engine down; later calls fail fast', async () => {
    const { host, workers } = makeHost(makeRoot());
    await host.start();
    const exited = new Promise<number>((res) => workers[0]!.real.on('exit', res));
    await host.close();
    await exited;
    const r = await host.call('app:info', undefined);
    expect(r.ok).toBe(false);
    expect(host.state.state).toBe('closed');
  });

  it('prints the PDFs the engine asks for (scheduled exports); a failed print fails the export at once', async () => {
    const browser = await launchChromium();
    try {
      const printed: string[] = [];
      let fail = false;
      const { host, events } = makeHost(makeRoot(), {
        print: async (html) => {
          printed.push(html);
          if (fail) throw new Error('printToPDF failed');
          return pdfWith(browser, html);
        },
      });
      await host.start();
      const finished = async (n: number) => {
        await until(() => events.filter((e) => e.name === 'export:finished').length >= n);
        return events.filter((e) => e.name === 'export:finished')[n - 1]!.payload as ExportFinished;
      };
      const what = { kind: 'report', query: { from: '2026-03-01', to: '2026-03-31', groupBy: ['source'] }, title: 'Март' };
      const path = join(base, 'Март.pdf');
      expect((await host.call('export:run', { what, format: 'pdf', path })).ok).toBe(true);
      const done = await finished(1);
      expect(done).toMatchObject({ ok: true, path, error: null });
      expect(printed[0]).toContain('<html');
      expect(readFileSync(path).subarray(0, 5).toString('latin1')).toBe('%PDF-');

      fail = true;
      const bad = join(base, 'нет.pdf');
      expect((await host.call('export:run', { what, format: 'pdf', path: bad })).ok).toBe(true);
      const failed = await finished(2);
      // the export fails at once (no hang), with the export's own message; the log has the cause
      expect(failed.ok).toBe(false);
      expect(failed.error?.message).toContain('Выгрузка не удалась');
      await until(() => logs.some((l) => l.includes('print failed')));
      expect(() => readFileSync(bad)).toThrow();
    } finally {
      await browser.close();
    }
  });
});

describe('engine host failure modes (protocol-level workers)', () => {
  const evalWorker = (code: string) => (_p: string | URL, options: WorkerOptions) => new Worker(code, { ...options, eval: true });

  it('gives up after N crashes in a minute and reports a fatal state', async () => {
    let spawned = 0;
    const { host } = makeHost('/nonexistent', {
      maxCrashes: 3,
      createWorker: (p, o) => {
        spawned += 1;
        return evalWorker('throw new Error("boom")')(p, o);
      },
    });
    const started = await host.start();
    expect(started.state).toBe('failed');
    expect(started.reason).toBe('crash_loop');
    expect(spawned).toBe(3);
    const r = await host.call('app:info', undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/больше не перезапускается/);
  });

  it('a call waiting for a worker that never gets ready times out with internal', async () => {
    const { host } = makeHost('/nonexistent', { queueTimeoutMs: 150, createWorker: evalWorker('setInterval(() => {}, 1000)') });
    void host.start();
    const r = await host.call('app:info', undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('internal');
  });

  it('answers secret requests from the secret store, for the asking workspace', async () => {
    const code = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (m) => {
        if (m.type === 'secret:value') parentPort.postMessage({ type: 'ready', summary: { id: 'got:' + m.value } });
      });
      parentPort.postMessage({ type: 'secret:get', id: 1, key: { kind: 'bitrix24_webhook' }, workspaceId: 'ws-x' });
      setInterval(() => {}, 1000);`;
    const { host, secrets } = makeHost('/nonexistent', { createWorker: evalWorker(code) });
    secrets.get.mockResolvedValueOnce('https://x.bitrix24.ru/rest/1/abc123secret/');
    const started = await host.start();
    expect(secrets.get).toHaveBeenCalledWith({ kind: 'bitrix24_webhook' }, 'ws-x');
    expect(started.summary?.id).toBe('got:https://x.bitrix24.ru/rest/1/abc123secret/');
  });

  it('worker log lines reach the host sinks, redacted', async () => {
    const code = `
      const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ type: 'log', line: 'INFO [engine] GET https://x.bitrix24.ru/rest/1/abc123secret/crm.lead.list' });
      parentPort.postMessage({ type: 'ready', summary: { id: 'w' } });
      setInterval(() => {}, 1000);`;
    const { host } = makeHost('/nonexistent', { createWorker: evalWorker(code) });
    await host.start();
    await until(() => logs.some((l) => l.includes('crm.lead.list')));
    expect(logs.join('\n')).not.toContain('abc123secret');
  });
});
