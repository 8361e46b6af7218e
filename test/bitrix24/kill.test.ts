// Crash safety: `skvoz sync --only bitrix24` in a child process, killed with SIGKILL at ≥ 20
// random instants while it talks to the fake portal. After every kill the database passes
// PRAGMA integrity_check and the next run resumes; the final tables equal an uninterrupted run's
// and the portal's data. Small batches (SKVOZ_BITRIX24_BATCH=3) give many commit points.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../src-main/engine/workspace';
import { openDatabase } from '../../src-main/engine/db/open';
import { rng, type FakeBitrix24 } from '../fakes/bitrix24';
import { cleanupDirs, demoData, dump, expectedDb, startFake, tempWorkspace, workspaceContactIds } from './helpers';

const CLI = resolve(import.meta.dirname, '../../bin/skvoz.mjs');
const KILLS = 20;

interface Child {
  exit: Promise<number | null>;
  kill(): void;
}

function runCli(dir: string, webhook: string, full: boolean): Child {
  const args = [CLI, 'sync', '--workspace', dir, '--only', 'bitrix24', ...(full ? ['--full'] : [])];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, SKVOZ_BITRIX24_WEBHOOK: webhook, SKVOZ_BITRIX24_BATCH: '3', SKVOZ_LOG_LEVEL: 'error' },
    stdio: 'ignore',
  });
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { exit, kill: () => child.kill('SIGKILL') };
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const t = Date.now();
  while (!pred() && Date.now() - t < ms) await new Promise((r) => setTimeout(r, 2));
}

function integrity(dir: string): string {
  const db = new Database(join(dir, DB_FILE));
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

afterAll(cleanupDirs);

/** One lane: its own fake server (same portal data) and workspace, killed `kills` times. */
async function lane(f: FakeBitrix24, span: number, kills: number, seed: number): Promise<{ dir: string; killed: number; runs: number }> {
  const ws = tempWorkspace();
  ws.close();
  const random = rng(seed);
  let killed = 0;
  let runs = 0;
  while (killed < kills && runs < kills * 2) {
    const seen = f.counters.requests;
    // every third run is --full (cursors cleared, everything re-read and reconciled), so the
    // runs after it have a backfill to resume rather than an idle incremental pass
    const run = runCli(ws.dir, f.webhook, runs % 3 === 0);
    runs++;
    let exited = false;
    void run.exit.then(() => (exited = true));
    // a random instant: after a random request of the run, plus 0–80 ms (answer parsing,
    // mapping, the commit); past the last request it lands in the attribution recompute
    const k = 1 + Math.floor(random() * (span + 2));
    await waitFor(() => exited || f.counters.requests >= seen + k, 30_000);
    if (!exited) {
      await new Promise((r) => setTimeout(r, Math.floor(random() * 80)));
      run.kill();
    }
    if ((await run.exit) === null) killed++;
    expect(integrity(ws.dir)).toBe('ok');
  }
  // the resumed, uninterrupted end
  expect(await runCli(ws.dir, f.webhook, false).exit).toBe(0);
  expect(integrity(ws.dir)).toBe('ok');
  return { dir: ws.dir, killed, runs };
}

describe('kill -9 during a CLI sync', () => {
  it(`resumes after ${KILLS} SIGKILLs without losing or duplicating a row`, async () => {
    const data = demoData({ leads: 700, deals: 250 });
    // two lanes in parallel (the CLI's start-up dominates and leaves a core idle)
    const fakes = await Promise.all([startFake(data, { latencyMs: 5 }), startFake(data, { latencyMs: 5 })]);
    try {
      // the uninterrupted run: how many requests a backfill takes
      const ref = tempWorkspace();
      ref.close();
      expect(await runCli(ref.dir, fakes[0]!.webhook, false).exit).toBe(0);
      const span = fakes[0]!.counters.requests;
      expect(span).toBeGreaterThan(10);
      const lanes = await Promise.all(fakes.map((f, i) => lane(f, span, KILLS / 2, 20260331 + i)));
      expect(lanes.reduce((n, l) => n + l.killed, 0)).toBe(KILLS);

      const b = openDatabase(join(ref.dir, DB_FILE));
      try {
        const reference = dump(b);
        expect(reference).toEqual(dump(expectedDb(data, { contactIds: workspaceContactIds(b) })));
        for (const l of lanes) {
          const a = openDatabase(join(l.dir, DB_FILE));
          try {
            expect(dump(a)).toEqual(reference);
            for (const t of ['b24_lead', 'b24_deal', 'b24_contact']) {
              expect(a.prepare(`SELECT count(*) AS n FROM ${t} WHERE deleted = 1`).get()).toEqual({ n: 0 });
            }
          } finally {
            a.close();
          }
        }
      } finally {
        b.close();
      }
    } finally {
      await Promise.all(fakes.map((f) => f.close()));
    }
  }, 120_000);
});
