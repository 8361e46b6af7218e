// kill -9 the real CLI (`skvoz sync --only calltouch`) at ≥ 20 random instants while it writes,
// resume each time, and check the tables end identical to the fake's data with an intact file.
// The CLI is the built one (out/cli/skvoz.js, what bin/skvoz.mjs runs; test/cli-bundle.ts makes
// sure it is up to date); two workspaces are killed side by side (10 kills each) to halve the
// wall time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import { generateDemo } from '../../src-main/engine/demo';
import { openDatabase, type Db } from '../../src-main/engine/db/open';
import { Workspace, DB_FILE } from '../../src-main/engine/workspace';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { dump, expectedDb } from './helpers';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'out/cli/skvoz.js');
const SITE = 43769;
const LANES = 2;
const KILLS_PER_LANE = 10;

let fake: FakeCalltouch;
let dir: string;
let hs: string;
const now = Date.now();
const today = instantToDate(now, 'Europe/Moscow');

beforeAll(async () => {
  hs = addDays(today, -60);
  const data = new MemoryDataset();
  seedFromDemo(data, generateDemo({ size: 'medium', seed: 5, now }), SITE, hs);
  fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: 'kill-token' }], data, rps: null });
  fake.server.latencyMs = 10; // a sync of a few seconds: room for kills between and inside page writes
  dir = mkdtempSync(join(tmpdir(), 'skvoz-ct-kill-'));
});

afterAll(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function makeWs(name: string): string {
  const wsDir = join(dir, name);
  const ws = Workspace.create(wsDir, { name });
  ws.updateMeta({ settings: SettingsSchema.parse({ calltouch: { sites: [{ siteId: SITE, name: 'Мебель', historyStart: hs }] } }) });
  ws.close();
  return wsDir;
}

function startSync(wsDir: string, full = false): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  let err = '';
  const args = [CLI, 'sync', '--workspace', wsDir, '--only', 'calltouch', ...(full ? ['--full'] : [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      SKVOZ_CALLTOUCH_SITES: `${SITE}:kill-token`,
      SKVOZ_CALLTOUCH_BASE_URL: fake.url,
      SKVOZ_CALLTOUCH_RPS: '200',
      SKVOZ_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  return { child, exited, stderr: () => err };
}

function cursors(wsDir: string): string {
  const db: Db = openDatabase(join(wsDir, DB_FILE), { readonly: true, migrate: false });
  try {
    return JSON.stringify(db.prepare("SELECT scope, cursor FROM sync_cursor WHERE source = 'calltouch' ORDER BY scope").all());
  } finally {
    db.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LaneResult {
  kills: number;
  afterCommit: number;
  completed: number;
}

/** Starts syncs of one workspace and kills each a random 0–150 ms after its first commit. */
async function killLane(wsDir: string, kills: number): Promise<LaneResult> {
  const r: LaneResult = { kills: 0, afterCommit: 0, completed: 0 };
  let full = false;
  while (r.kills < kills) {
    const before = cursors(wsDir);
    const run = startSync(wsDir, full);
    full = false;
    let finished = false;
    void run.exited.then(() => (finished = true));
    let committed = false;
    const t0 = Date.now();
    while (!finished && !committed && Date.now() - t0 < 15_000) {
      committed = cursors(wsDir) !== before;
      if (!committed) await sleep(5);
    }
    if (!finished) await sleep(Math.random() * 150);
    if (finished) {
      // it got to the end between kills: go on killing a full re-sync (cursors cleared) instead
      expect(run.stderr()).toContain('Синхронизация завершена');
      r.completed++;
      full = true;
      continue;
    }
    run.child.kill('SIGKILL');
    await run.exited;
    r.kills++;
    if (committed) r.afterCommit++;
  }
  return r;
}

describe('calltouch sync survives kill -9', () => {
  it(`resumes after ${LANES * KILLS_PER_LANE} kills at random instants into identical tables, integrity ok`, async () => {
    const dirs = Array.from({ length: LANES }, (_, i) => makeWs(`ws${i}`));
    const lanes = await Promise.all(dirs.map((d) => killLane(d, KILLS_PER_LANE)));
    const kills = lanes.reduce((n, l) => n + l.kills, 0);
    const afterCommit = lanes.reduce((n, l) => n + l.afterCommit, 0);
    const completed = lanes.reduce((n, l) => n + l.completed, 0);
    console.log(`kill -9: ${kills} kills (${afterCommit} after a page was committed), ${completed} runs reached the end between kills`);
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(afterCommit).toBeGreaterThanOrEqual(kills - 2);

    const want = dump(expectedDb(fake.data, [{ siteId: SITE, timeZone: 'Europe/Moscow', from: hs, to: today }]));
    expect(want.calls.length).toBeGreaterThan(3_000);
    await Promise.all(
      dirs.map(async (wsDir) => {
        const last = startSync(wsDir);
        expect(await last.exited).toBe(0);
        expect(last.stderr()).toContain('Синхронизация завершена');
      }),
    );
    for (const wsDir of dirs) {
      const db = openDatabase(join(wsDir, DB_FILE));
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(dump(db)).toEqual(want);
        const status = db.prepare("SELECT last_error_code FROM sync_status WHERE source = 'calltouch'").get() as { last_error_code: string | null };
        expect(status.last_error_code).toBeNull();
      } finally {
        db.close();
      }
    }
  });
});
