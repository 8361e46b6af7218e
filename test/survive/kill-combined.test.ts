// kill -9 of a combined Bitrix24 + Calltouch sync (`skvoz sync`, both sources at once, in a child
// process), at random instants while it downloads AND while it recomputes the attribution at the
// end. After every kill the file passes integrity_check; after a last uninterrupted run the source
// tables and the attribution tables (conversions with their touch chains, the daily rollups by
// event and cohort day, the tracking counts) equal those of a run that was never interrupted.
// The CLI is the built one (out/cli/skvoz.js through bin/skvoz.mjs), as users run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import { generateDemo } from '../../src-main/engine/demo';
import { DB_FILE, Workspace, patchMeta, readMeta } from '../../src-main/engine/workspace';
import { FakeBitrix24, PortalData, rng } from '../fakes/bitrix24';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import { dump as b24Dump } from '../bitrix24/helpers';
import { dump as ctDump } from '../calltouch/helpers';
import { cleanup, tempDir } from './helpers';
import { BIN, ROOT } from '../cli/helpers';

const SITE = 43769;
const TOKEN = 'kill-token';
const LANES = 2;
const KILLS_PER_LANE = 8;
const now = Date.now();
const today = instantToDate(now, 'Europe/Moscow');
const hs = addDays(today, -90);

let b24: FakeBitrix24[] = [];
let ct: FakeCalltouch;
let base: string;

beforeAll(async () => {
  // one world: the portal's leads and deals carry the phones of the Calltouch calls
  const gen = () => generateDemo({ size: 'small', seed: 11, now });
  const portal = PortalData.fromDemo(gen(), { leads: 900, deals: 300 });
  // a portal per lane plus the reference's (the fake counts requests per server)
  b24 = await Promise.all(Array.from({ length: LANES + 1 }, () => new FakeBitrix24(portal, { latencyMs: 3 }).start()));
  const data = new MemoryDataset();
  seedFromDemo(data, gen(), SITE, hs);
  ct = await startFakeCalltouch({ sites: [{ siteId: SITE, token: TOKEN }], data, rps: null });
  ct.server.latencyMs = 3;
  base = tempDir('skvoz-kill-both-');
}, 120_000);

afterAll(async () => {
  await Promise.all(b24.map((f) => f.close()));
  await ct?.close();
  cleanup();
});

function makeWs(name: string): string {
  const dir = join(base, name);
  const ws = Workspace.create(dir, { name });
  ws.updateMeta({ settings: SettingsSchema.parse({ calltouch: { sites: [{ siteId: SITE, name: 'Мебель', historyStart: hs }] } }) });
  ws.close();
  return dir;
}

interface Run {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

function startSync(dir: string, fake: FakeBitrix24, full: boolean): Run {
  let err = '';
  const child = spawn(process.execPath, [BIN, 'sync', '--workspace', dir, ...(full ? ['--full'] : [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      SKVOZ_BITRIX24_WEBHOOK: fake.webhook,
      SKVOZ_BITRIX24_BATCH: '4',
      SKVOZ_CALLTOUCH_SITES: `${SITE}:${TOKEN}`,
      SKVOZ_CALLTOUCH_BASE_URL: ct.url,
      SKVOZ_CALLTOUCH_RPS: '200',
      SKVOZ_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))), stderr: () => err };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function integrity(dir: string): string {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

interface Lane {
  kills: number;
  /** kills that landed after a full attribution recompute began (and before the run ended) */
  inAttribution: number;
}

/** Flips the attribution window 90 ↔ 89 days: the next run recomputes the attribution in full. */
function flipRules(dir: string, days?: number): void {
  const meta = readMeta(dir);
  patchMeta(dir, { settings: { ...meta.settings, lookbackDays: days ?? (meta.settings.lookbackDays === 90 ? 89 : 90) } });
}

/**
 * Kills syncs of one workspace at random instants: even runs during the download (after a random
 * request of the portal's), odd runs inside the full attribution recompute at their end (the rules
 * are flipped before them, so every such run recomputes everything).
 */
async function lane(dir: string, fake: FakeBitrix24, seed: number, span: number, recomputeMs: number): Promise<Lane> {
  const random = rng(seed);
  const r: Lane = { kills: 0, inAttribution: 0 };
  let runs = 0;
  while (r.kills < KILLS_PER_LANE && runs < KILLS_PER_LANE * 6) {
    const inRecompute = runs % 2 === 1;
    // every third run is --full: the download has a backfill to resume
    const full = runs % 3 === 0;
    if (inRecompute) flipRules(dir);
    const run = startSync(dir, fake, full);
    runs++;
    let finished = false;
    void run.exited.then(() => (finished = true));
    const seen = fake.counters.requests;
    const t0 = Date.now();
    if (inRecompute) {
      while (!finished && !/атрибуция: полный пересчёт/.test(run.stderr()) && Date.now() - t0 < 60_000) await sleep(1);
      if (!finished) await sleep(Math.floor(random() * recomputeMs * 0.8));
    } else {
      const k = 1 + Math.floor(random() * span);
      while (!finished && fake.counters.requests < seen + k && Date.now() - t0 < 60_000) await sleep(2);
      if (!finished) await sleep(Math.floor(random() * 80));
    }
    if (finished) {
      expect(await run.exited, run.stderr()).toBe(0);
      continue;
    }
    run.child.kill('SIGKILL');
    expect(await run.exited).toBeNull();
    r.kills++;
    const err = run.stderr();
    if (/атрибуция: полный пересчёт/.test(err) && !/атрибуция пересчитана/.test(err)) r.inAttribution++;
    expect(integrity(dir)).toBe('ok');
  }
  return r;
}

/** The attribution as values (tuple ids replaced by the tuples they stand for). */
function attribution(dir: string): Record<string, unknown[]> {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    const tuples = new Map<number, string>();
    for (const t of db.prepare('SELECT * FROM dim_tuple').all() as Record<string, unknown>[]) {
      tuples.set(t.id as number, JSON.stringify([t.source, t.medium, t.campaign, t.content, t.term, t.direct]));
    }
    const key = (id: number) => tuples.get(id) ?? `missing tuple ${id}`;
    const round = (v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e6) / 1e6 : v);
    const rollups = (table: string) =>
      (db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[])
        .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => (k === 'tuple_id' ? ['tuple', key(v as number)] : [k, round(v)]))))
        // a row every measure of which is 0 counts nothing (the incremental recompute may leave one)
        .filter((r) => Object.entries(r).some(([k, v]) => !['model', 'day', 'tuple', 'site_id'].includes(k) && v !== 0))
        .map((r) => JSON.stringify(r))
        .sort();
    const conv = (db.prepare('SELECT kind, ref_id, at, day, won_day, cohort_day, revenue, category, assigned, reason, touches FROM conv').all() as Record<string, unknown>[])
      .map((c) => JSON.stringify({ ...c, revenue: round(c.revenue), touches: (JSON.parse(c.touches as string) as [number, number, number][]).map(([t, at, d]) => [key(t), at, d]) }))
      .sort();
    const dirty = db.prepare('SELECT (SELECT count(*) FROM dirty_conv) + (SELECT count(*) FROM dirty_value) + (SELECT count(*) FROM dirty_slot) AS n').get() as { n: number };
    return { conv, rollup: rollups('rollup'), rollup_cohort: rollups('rollup_cohort'), rollup_tracking: rollups('rollup_tracking'), dirty: [dirty.n] };
  } finally {
    db.close();
  }
}

function sources(dir: string): unknown {
  const db = new Database(join(dir, DB_FILE), { readonly: true });
  try {
    return { b24: b24Dump(db), ct: ctDump(db) };
  } finally {
    db.close();
  }
}

describe('kill -9 during a combined Bitrix24 + Calltouch sync and its attribution recompute', () => {
  it(`resumes after ${LANES * KILLS_PER_LANE} kills into the tables of an uninterrupted run`, async () => {
    const ref = makeWs('reference');
    const clean = startSync(ref, b24[LANES]!, false);
    let recomputeAt = 0;
    const watch = setInterval(() => {
      if (!recomputeAt && /атрибуция: полный пересчёт/.test(clean.stderr())) recomputeAt = Date.now();
    }, 1);
    expect(await clean.exited, clean.stderr()).toBe(0);
    clearInterval(watch);
    const recomputeMs = Math.max(20, Date.now() - recomputeAt);
    const span = b24[LANES]!.counters.requests;
    expect(clean.stderr()).toMatch(/атрибуция пересчитана: \d+ конверсий/);
    const want = { sources: sources(ref), attribution: attribution(ref) };
    expect((want.attribution.conv as string[]).length).toBeGreaterThan(1000);
    // the two sources meet: conversions carry Calltouch touches, and the tracking counts are there
    expect((want.attribution.rollup_tracking as string[]).length).toBeGreaterThan(50);
    console.log(`reference run: ${span} portal requests, full recompute ≈ ${recomputeMs} ms`);

    const dirs = Array.from({ length: LANES }, (_, i) => makeWs(`lane${i}`));
    const lanes = await Promise.all(dirs.map((d, i) => lane(d, b24[i]!, 20260415 + i, span, recomputeMs)));
    const kills = lanes.reduce((n, l) => n + l.kills, 0);
    const inAttribution = lanes.reduce((n, l) => n + l.inAttribution, 0);
    console.log(`kill -9 (B24 + Calltouch): ${kills} kills, ${inAttribution} of them during the attribution recompute`);
    expect(kills).toBe(LANES * KILLS_PER_LANE);
    expect(inAttribution).toBeGreaterThanOrEqual(3);

    for (const [i, dir] of dirs.entries()) {
      flipRules(dir, 90);
      const last = startSync(dir, b24[i]!, false);
      expect(await last.exited, last.stderr()).toBe(0);
      expect(integrity(dir)).toBe('ok');
      expect(sources(dir)).toEqual(want.sources);
      const got = attribution(dir);
      for (const table of Object.keys(want.attribution)) {
        expect({ table, rows: got[table] }).toEqual({ table, rows: want.attribution[table] });
      }
    }
  }, 600_000);
});
