// The built command (issue 20): bin/skvoz.mjs runs out/cli/skvoz.js — no TypeScript, no tsx at
// run time — and the full attribution recompute's reader thread runs from the build
// (out/cli/attribution-reader.js, found next to the CLI's chunks).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportQuerySchema, type ReportResult } from '@shared/contract';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { Workspace } from '../../src-main/engine/workspace';
import { runReport } from '../../src-main/engine/reports/query';
import { roundReport } from '../../src-main/cli/report-output';
import { ROOT, cli } from './helpers';

const OUT = join(ROOT, 'out/cli');
// a copy of the build inside the project, so its bare imports (better-sqlite3) resolve
const COPY = join(ROOT, 'node_modules/.cache/skvoz-test', `cli-${process.pid}`);
let root: string;
let ws: string;
let twin: string;
const Q = { from: '2025-01-01', to: '2026-03-31', groupBy: ['source' as const] };

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-cli-bundle-'));
  ws = join(root, 'ws');
  const demo = await createDemoWorkspace(ws, { name: 'Демо', size: 'small', seed: 8, now: Date.parse('2026-03-31T12:00:00Z') });
  // ≥ 50,000 conversions, so that a full recompute reads them on the reader thread
  const db = demo.ws.db;
  const cols = (db.prepare("SELECT name FROM pragma_table_info('b24_lead') WHERE name != 'id'").pluck().all() as string[]).join(', ');
  for (let k = 1; k <= 25; k++) db.prepare(`INSERT INTO b24_lead (id, ${cols}) SELECT id + ? * 1000000, ${cols} FROM b24_lead WHERE id < 1000000`).run(k);
  expect(db.prepare('SELECT count(*) FROM b24_lead').pluck().get()).toBeGreaterThan(50_000);
  db.prepare("DELETE FROM meta WHERE key = 'attribution_rules'").run();
  demo.ws.close();
  twin = join(root, 'twin');
  cpSync(ws, twin, { recursive: true });
  mkdirSync(COPY, { recursive: true });
  cpSync(OUT, COPY, { recursive: true });
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(COPY, { recursive: true, force: true });
});

describe('the built command', () => {
  it('is what bin/skvoz.mjs runs: JavaScript only, no tsx', async () => {
    const files = readdirSync(OUT, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    expect(files.map((f) => f.slice(OUT.length + 1))).toEqual(expect.arrayContaining(['skvoz.js', 'attribution-reader.js', 'db-check.js']));
    for (const f of files) {
      expect(f).toMatch(/\.js$/);
      // no TypeScript module imported, no tsx loader
      expect(readFileSync(f, 'utf8')).not.toMatch(/(from\s*|import\(\s*)["'][^"']+\.ts["']|["']tsx(\/[^"']*)?["']/);
    }
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.err).toBe(''); // no «running from source» note
    expect(r.out).toContain('skvoz report --workspace DIR');
  });

  it('runs the full recompute on its reader thread (out/cli/attribution-reader.js)', async () => {
    const args = ['report', '--workspace', ws, '--from', Q.from, '--to', Q.to, '--group', 'source'];
    const run = () => cli(args, { command: [process.execPath, join(COPY, 'skvoz.js')] });
    const threaded = await run();
    expect(threaded.code, threaded.err).toBe(0);
    expect(threaded.err).not.toMatch(/reader thread failed/);
    // the same numbers as the engine from source, reading in this thread, on a twin workspace
    const t = Workspace.open(twin);
    let want: ReportResult;
    try {
      want = roundReport(runReport(t, ReportQuerySchema.parse(Q)));
    } finally {
      t.close();
    }
    expect(JSON.parse(threaded.out)).toEqual(want);
    expect(want.totals.leads).toBeGreaterThan(50_000 * ((Date.parse(Q.to) - Date.parse(Q.from)) / 365 / 86_400_000) * 0.5);

    // without the reader file the same recompute falls back to this thread, and says so
    const w = Workspace.open(ws);
    w.db.prepare("DELETE FROM meta WHERE key = 'attribution_rules'").run();
    w.close();
    rmSync(join(COPY, 'attribution-reader.js'));
    const fallback = await run();
    expect(fallback.code, fallback.err).toBe(0);
    expect(fallback.err).toMatch(/full recompute: the reader thread failed, reading in this thread .*attribution-reader\.js is missing/);
    expect(JSON.parse(fallback.out)).toEqual(want);
  });
});
