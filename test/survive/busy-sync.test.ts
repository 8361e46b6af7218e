// SyncManager under another process's write lock taken in the middle of a run: a page write and
// then the sync_status write meet SQLITE_BUSY. The run still ends (its promise never rejects), says
// «База занята другим процессом…», and the next run after the lock is gone records normally.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SyncFinished } from '@shared/contract';
import { SyncManager, type SourceSync } from '../../src-main/engine/sync/orchestrator';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { DB_FILE, Workspace } from '../../src-main/engine/workspace';
import { cleanup, tempDir } from './helpers';

afterAll(cleanup);

function setup() {
  const ws = Workspace.create(join(tempDir('skvoz-busy-sync-'), 'ws'), { name: 'Занято' });
  ws.db.pragma('busy_timeout = 100');
  const other = new Database(join(ws.dir, DB_FILE));
  other.pragma('busy_timeout = 100');
  return { ws, other };
}

describe('a write lock taken by another process during a sync', () => {
  it('a page write that meets the lock ends the run as busy, with nothing thrown', async () => {
    const { ws, other } = setup();
    let lockNow = true;
    const source: SourceSync = {
      kind: 'bitrix24',
      isConfigured: async () => true,
      run: async () => {
        if (lockNow) other.exec('BEGIN IMMEDIATE');
        ws.db.prepare("INSERT INTO meta (key, value) VALUES ('page', '1') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
        return { rows: 1 };
      },
    };
    const finished: SyncFinished[] = [];
    const mgr = new SyncManager([source], new MemorySecrets(), { progress: () => {}, finished: (f) => finished.push(f) }, Date.now, {}, () => 30_000);
    const r = await (await mgr.start(ws, { full: false })).done;
    expect(r).toMatchObject({ ok: false, error: { code: 'busy', message: expect.stringMatching(/^База занята другим процессом.*повтор через 30 с\.$/) } });
    expect(finished).toHaveLength(1);
    expect(mgr.status(ws).sources.bitrix24).toMatchObject({ state: 'error', lastError: { code: 'busy' } });
    // the lock is gone: the next run writes and records
    other.exec('ROLLBACK');
    lockNow = false;
    const again = await (await mgr.start(ws, { full: false })).done;
    expect(again.ok).toBe(true);
    expect(mgr.status(ws).sources.bitrix24).toMatchObject({ state: 'idle', lastError: null, lastRows: 1 });
    other.close();
    ws.close();
  });

  it('a finished source whose status cannot be recorded still ends the run, and says why', async () => {
    const { ws, other } = setup();
    const source: SourceSync = {
      kind: 'calltouch',
      isConfigured: async () => true,
      run: async () => {
        // the other process takes the lock right after the source's last page
        other.exec('BEGIN IMMEDIATE');
        return { rows: 5 };
      },
    };
    const mgr = new SyncManager([source], new MemorySecrets(), { progress: () => {}, finished: () => {} });
    const r = await (await mgr.start(ws, { full: false })).done;
    expect(r.rows).toEqual({ calltouch: 5 });
    expect(mgr.status(ws).sources.calltouch.lastError).toMatchObject({ code: 'busy', message: expect.stringMatching(/повторите позже/) });
    other.exec('ROLLBACK');
    other.close();
    ws.close();
  });
});
