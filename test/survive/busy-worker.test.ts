// A held write lock (another process in BEGIN IMMEDIATE — a second `skvoz`, a backup tool) during
// the app's scheduled sync: the REAL engine worker (src-main/engine/worker.ts under tsx, started by
// the real EngineHost) keeps answering, reports «База занята другим процессом, повтор через …»,
// never exits, and the sync succeeds by itself once the lock is gone.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SyncFinished } from '@shared/contract';
import { DB_FILE, Workspace, WorkspaceRegistry } from '../../src-main/engine/workspace';
import type { EventMessage } from '../../src-main/engine/worker-protocol';
import { EngineHost, type HostStateInfo } from '../../src-main/shell/engine-host';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { demoData, startFake } from '../bitrix24/helpers';

const BOOT = fileURLToPath(new URL('../shell/fixtures/tsx-worker.mjs', import.meta.url));
const base = mkdtempSync(join(tmpdir(), 'skvoz-busy-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a held write lock during a scheduled sync (engine worker)', () => {
  it('keeps the engine answering, says the base is busy, and syncs once the lock is gone', async () => {
    const fake = await startFake(demoData({ leads: 120, deals: 40 }));
    const root = join(base, 'root');
    const reg = new WorkspaceRegistry(root);
    const ws = Workspace.create(join(root, 'ws-busy'), { name: 'Занятая база', id: 'ws-busy' });
    ws.updateMeta({ settings: { ...ws.settings, bitrix24: { baseUrl: fake.origin, rateLimit: 'enterprise' } } });
    ws.close();
    reg.setLastOpened('ws-busy');

    // another process holds the write lock before the app starts
    const lock = new Database(join(root, 'ws-busy', DB_FILE));
    lock.exec('BEGIN IMMEDIATE');

    const events: EventMessage[] = [];
    const states: HostStateInfo[] = [];
    let workers = 0;
    const host = new EngineHost({
      workerPath: BOOT,
      workerData: { root, version: '0.0.0-test', runtime: 'node', busyRetryMs: 400 },
      secrets: { get: async (key) => (key.kind === 'bitrix24_webhook' ? fake.webhook : null) },
      onEvent: (e) => events.push(e),
      onState: (s) => states.push(s),
      backoffMs: () => 20,
      createWorker: (path: string | URL, options: WorkerOptions) => {
        workers++;
        return new Worker(path, options);
      },
    });
    const finished = () => events.filter((e) => e.name === 'sync:finished').map((e) => e.payload as SyncFinished);
    try {
      expect((await host.start()).state).toBe('ready');
      // the schedule starts a sync at once (never synced) and again every 400 ms while locked
      await until(() => finished().length >= 3, 'three busy sync attempts');
      for (const f of finished()) {
        expect(f.ok).toBe(false);
        expect(f.error?.code).toBe('busy');
        expect(f.error?.message).toMatch(/^База занята другим процессом.*повтор через 1 с\.$/);
      }
      // the engine answers meanwhile, the status says why, and the worker never died
      const status = await host.call('sync:status', undefined);
      expect(status.ok).toBe(true);
      if (status.ok) {
        expect(status.value.sources.bitrix24.state).toBe('error');
        expect(status.value.sources.bitrix24.lastError?.code).toBe('busy');
      }
      expect((await host.call('app:info', undefined)).ok).toBe(true);
      const report = await host.call('reports:query', { from: '2026-01-01', to: '2026-03-31' });
      expect(report.ok).toBe(true);
      expect(workers).toBe(1);
      expect(host.state.state).toBe('ready');
      expect(states.map((s) => s.state)).not.toContain('restarting');

      // the lock goes away: the next retry syncs everything, nothing else to do
      lock.exec('ROLLBACK');
      await until(() => finished().some((f) => f.ok), 'a successful sync');
      const after = await host.call('sync:status', undefined);
      expect(after.ok && after.value.sources.bitrix24).toMatchObject({ state: 'idle', lastError: null });
      expect(lock.prepare('SELECT count(*) AS n FROM b24_deal').get()).toEqual({ n: fake.data.deals.ids().length });
      expect(lock.prepare('SELECT count(*) AS n FROM b24_lead').get()).toEqual({ n: fake.data.leads.ids().length });
      expect(workers).toBe(1);
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
      await host.close();
      await fake.close();
    }
  }, 60_000);

  it('starts without a last workspace whose database is gone, and says why', async () => {
    const root = join(base, 'root-missing');
    const reg = new WorkspaceRegistry(root);
    const dir = join(root, 'ws-gone');
    Workspace.create(dir, { name: 'Пропавшая база', id: 'ws-gone' }).close();
    const e = new Engine({ workspaceDir: dir, secrets: new MemorySecrets() });
    const csv = Buffer.from('Date,UTMSource,Expenses\n2026-03-01,yandex,100\n').toString('base64');
    expect((await e.dispatch('costs:import', { fileName: 'c.csv', contentBase64: csv })).ok).toBe(true);
    await e.close();
    reg.setLastOpened('ws-gone');
    for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) rmSync(join(dir, f), { force: true });

    const states: HostStateInfo[] = [];
    const host = new EngineHost({
      workerPath: BOOT,
      workerData: { root, version: '0.0.0-test', runtime: 'node' },
      secrets: { get: async () => null },
      onState: (st) => states.push(st),
      backoffMs: () => 20,
    });
    try {
      const started = await host.start();
      expect(started).toEqual({ state: 'ready' });
      expect(host.currentWorkspaceId).toBeNull();
      expect(await host.call('workspaces:current', undefined)).toEqual({ ok: true, value: null });
      const list = await host.call('workspaces:list', undefined);
      expect(list.ok && list.value[0]?.problem).toMatch(/Файл базы skvoz\.db рабочего пространства «Пропавшая база» пропал/);
      expect(existsSync(join(dir, DB_FILE))).toBe(false);
      expect(states.map((st) => st.state)).toEqual(['ready']);
    } finally {
      await host.close();
    }
  }, 60_000);
});
