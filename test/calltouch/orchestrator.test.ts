import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncFinished, SyncProgress } from '@shared/contract';
import { generateDemo } from '../../src-main/engine/demo';
import { SkvozError } from '../../src-main/engine/errors';
import { SyncManager, type SourceSync } from '../../src-main/engine/sync/orchestrator';
import { calltouchSource } from '../../src-main/engine/sources/calltouch/sync';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { NOW, fastTuning, makeWorkspace } from './helpers';

const SITE = 43769;
let fake: FakeCalltouch;

beforeAll(async () => {
  const data = new MemoryDataset();
  seedFromDemo(data, generateDemo({ size: 'small', seed: 4, now: NOW }), SITE, '2026-03-01');
  fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'tok' }], data, rps: null });
});
afterAll(() => fake.close());

/** a Bitrix24 stand-in that fails the way a bad webhook does */
const brokenBitrix: SourceSync = {
  kind: 'bitrix24',
  isConfigured: async () => true,
  run: async () => {
    throw new SkvozError('auth_failed', 'Вебхук Bitrix24 не принят.');
  },
};

describe('sync orchestration with Calltouch', () => {
  it('runs both sources with one progress stream and records each one\'s status', async () => {
    const t = makeWorkspace([{ siteId: SITE, historyStart: '2026-03-01' }], fake.url, { [SITE]: 'tok' });
    const progress: SyncProgress[] = [];
    const finished: SyncFinished[] = [];
    const mgr = new SyncManager([brokenBitrix, calltouchSource({ tuning: fastTuning(), pageSize: 100 })], t.secrets, {
      progress: (p) => progress.push(p),
      finished: (f) => finished.push(f),
    }, () => NOW);
    const { runId, done } = await mgr.start(t.ws, { full: false });
    expect(mgr.status(t.ws).sources.calltouch.state).toBe('running');
    await expect(mgr.start(t.ws, { full: false })).rejects.toMatchObject({ code: 'conflict' }); // no overlap
    const r = await done;
    expect(r).toMatchObject({ runId, ok: false, error: { code: 'auth_failed' } });
    expect(r.rows.calltouch).toBeGreaterThan(100);
    expect(finished).toHaveLength(1);
    expect(new Set(progress.map((p) => `${p.source}/${p.entity}`))).toEqual(new Set(['calltouch/calls', 'calltouch/requests']));
    expect(progress.every((p) => p.runId === runId)).toBe(true);

    const st = mgr.status(t.ws);
    expect(st.running).toBe(false);
    expect(st.sources.calltouch).toMatchObject({ state: 'idle', lastError: null, lastRows: r.rows.calltouch, lastSuccessAt: new Date(NOW).toISOString() });
    expect(st.sources.bitrix24).toMatchObject({ state: 'error', lastError: { code: 'auth_failed' } });

    // only Calltouch this time: Bitrix24 is not shown as running
    const only = await mgr.start(t.ws, { sources: ['calltouch'], full: false });
    expect(mgr.status(t.ws).sources.bitrix24.state).toBe('error');
    expect((await only.done).ok).toBe(true);
    t.dispose();
  });

  it('cancels a running Calltouch sync within a second and says so', async () => {
    const t = makeWorkspace([{ siteId: SITE, historyStart: '2026-03-01' }], fake.url, { [SITE]: 'tok' });
    const mgr = new SyncManager([calltouchSource({ tuning: fastTuning() })], t.secrets, { progress: () => {}, finished: () => {} }, () => NOW);
    fake.server.latencyMs = 5_000;
    try {
      const { done } = await mgr.start(t.ws, { full: false });
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      expect(mgr.cancel()).toBe(true);
      const r = await done;
      expect(Date.now() - t0).toBeLessThan(1_000);
      expect(r.error?.code).toBe('cancelled');
      expect(mgr.status(t.ws).sources.calltouch.lastError?.code).toBe('cancelled');
    } finally {
      fake.server.latencyMs = 0;
    }
    t.dispose();
  });
});
