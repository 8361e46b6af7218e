// Background work in the app: a saved visit goes to Calltouch without anyone pressing «Отправить»,
// the sync schedule only runs for workspaces with sources, and everything stops with the workspace.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsSchema, type SyncStatus, type Visit, type VisitList } from '@shared/contract';
import { Engine } from '../src-main/engine/engine';
import { MemorySecrets } from '../src-main/engine/secrets';
import { Workspace } from '../src-main/engine/workspace';
import { startCalltouchOrdersFake, type CalltouchOrdersFake } from './fakes/calltouch-orders/server';
import { SITE, TOKEN, tmpDir } from './visits/helpers';

let fake: CalltouchOrdersFake | null = null;
let engine: Engine | null = null;

afterEach(async () => {
  await engine?.close();
  await fake?.stop();
  engine = null;
  fake = null;
});

async function value<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

function workspaceWithSite(): string {
  const dir = join(tmpDir('skvoz-bg-'), 'ws');
  const ws = Workspace.create(dir, { name: 'Салон' });
  const base = SettingsSchema.parse({});
  ws.updateMeta({
    settings: SettingsSchema.parse({
      ...base,
      calltouch: { ...base.calltouch, sites: [{ siteId: SITE, name: 'Салон', timeZone: 'Europe/Moscow', historyStart: null }] },
      // the schedule is tested in test/calltouch; here it must not fire during the test
      sync: { intervalMinutes: 0 },
    }),
  });
  ws.close();
  return dir;
}

async function until(what: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

describe('background jobs', () => {
  it('sends a saved visit by itself once the app runs them, and not before', async () => {
    fake = await startCalltouchOrdersFake({ tokens: { [SITE]: TOKEN } });
    const secrets = new MemorySecrets();
    secrets.set({ kind: 'calltouch_token', siteId: SITE }, TOKEN);
    engine = new Engine({ workspaceDir: workspaceWithSite(), secrets, overrides: { calltouchBaseUrl: fake.url } });
    const e = engine;
    const visit = { phones: ['+7 916 123-45-67'], emails: [], at: new Date(Date.now() - 3_600_000).toISOString(), revenue: '2500' };

    // the CLI and tests: nothing runs in the background
    const first = await value<Visit>(e.dispatch('visits:create', visit));
    await new Promise((r) => setTimeout(r, 2_500));
    expect(fake.counters.creates).toBe(0);

    // the app: the queued visit goes out, and so does the next one, within seconds
    e.startBackground();
    const second = await value<Visit>(e.dispatch('visits:create', { ...visit, phones: ['+79161234568'] }));
    await until(async () => {
      const list = await value<VisitList>(e.dispatch('visits:list', {}));
      const ours = list.items.filter((v) => v.id === first.id || v.id === second.id);
      return ours.length === 2 && ours.every((v) => v.state === 'sent');
    });
    expect(fake.counters.stored).toBe(2);
    expect(fake.counters.duplicates).toBe(0);
  });

  it('has no sync schedule for the demo or a workspace without sources, and reports it', async () => {
    engine = new Engine({ workspaceDir: workspaceWithSite(), secrets: new MemorySecrets() });
    engine.startBackground();
    const st = await value<SyncStatus>(engine.dispatch('sync:status', undefined));
    // interval 0 → off
    expect(st.schedule).toEqual({ state: 'off', nextAt: null });
  });
});
