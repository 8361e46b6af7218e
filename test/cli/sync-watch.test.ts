// `skvoz sync --watch` (issue 20): keeps running and syncs on the schedule — one log line per run —
// with the app's scheduler (a failed run retried after the interval), stops cleanly on SIGTERM;
// a workspace with nothing to sync fails at once.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import { generateDemo } from '../../src-main/engine/demo';
import { Workspace } from '../../src-main/engine/workspace';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { BIN, ROOT, cli, expectOneLineError } from './helpers';

const SITE = 43769;
const TOKEN = 'watch-token';
let fake: FakeCalltouch;
let root: string;
let ws: string;
const today = instantToDate(Date.now(), 'Europe/Moscow');

beforeAll(async () => {
  const data = new MemoryDataset();
  seedFromDemo(data, generateDemo({ size: 'small', seed: 3, now: Date.now() }), SITE, addDays(today, -20));
  fake = await startFakeCalltouch({ sites: [{ siteId: SITE, token: TOKEN }], data, rps: null });
  root = mkdtempSync(join(tmpdir(), 'skvoz-cli-watch-'));
  ws = join(root, 'ws');
  const w = Workspace.create(ws, { name: 'Сервер' });
  w.updateMeta({ settings: SettingsSchema.parse({ calltouch: { sites: [{ siteId: SITE, name: 'Сайт', historyStart: addDays(today, -20) }] } }) });
  w.close();
});
afterAll(async () => {
  await fake.close();
  rmSync(root, { recursive: true, force: true });
});

describe('skvoz sync --watch', () => {
  it('syncs every interval, one line per run, a failed run says why and is retried; SIGTERM ends it with exit 0', async () => {
    const child = spawn(process.execPath, [BIN, 'sync', '--workspace', ws, '--watch', '--every', '10s'], {
      cwd: ROOT,
      env: { ...process.env, SKVOZ_CALLTOUCH_SITES: `${SITE}:${TOKEN}`, SKVOZ_CALLTOUCH_BASE_URL: fake.url, SKVOZ_CALLTOUCH_RPS: '200', SKVOZ_LOG_LEVEL: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const lines = () => err.split('\n').filter(Boolean);
    const until = async (pred: () => boolean, ms: number) => {
      const t = Date.now();
      while (!pred()) {
        if (Date.now() - t > ms) throw new Error(`timed out; stderr:\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    try {
      await until(() => lines().filter((l) => l.includes('готово')).length >= 1, 30_000);
      const t1 = Date.now();
      await until(() => lines().filter((l) => l.includes('готово')).length >= 2, 30_000);
      expect(Date.now() - t1).toBeGreaterThan(5_000); // the next run waited for the interval
      // Calltouch stops taking the token: the next run fails, says why, the process keeps going
      fake.sites[0]!.token = 'changed';
      await until(() => lines().some((l) => l.includes('не удалась')), 30_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fake.sites[0]!.token = TOKEN;
    }
    const all = lines();
    expect(all[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ skvoz sync --watch: «Сервер», каждые 10 с /);
    const runs = all.slice(1, -1);
    // nothing but one line per run (no progress, no engine log lines)
    for (const l of runs) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ синхронизация(: готово за [\d.]+ с, строк: calltouch \d+; следующая в \d\d:\d\d UTC \/ sync ok| не удалась за [\d.]+ с: .*\/ sync failed \(auth_failed\))$/);
    expect(runs[0]).toMatch(/строк: calltouch [1-9]\d*/);
    expect(all.at(-1)).toMatch(/skvoz sync --watch: остановлено \/ stopped$/);
  }, 120_000);

  it('fails at once when there is nothing to sync, or no interval', async () => {
    expectOneLineError(await cli(['sync', '--workspace', ws, '--watch'], { env: { SKVOZ_CALLTOUCH_SITES: '', SKVOZ_BITRIX24_WEBHOOK: '' } }), /нечего синхронизировать: задайте SKVOZ_BITRIX24_WEBHOOK/);
    expectOneLineError(await cli(['sync', '--workspace', ws, '--watch', '--every', '5s']), /--every «5s»: нужен интервал не меньше 10 с/);
    expectOneLineError(await cli(['sync', '--workspace', ws, '--every', '15m']), /только вместе с --watch/);
  });
});
