// Read-only CLI commands under another process's write lock (a backup tool, a second `skvoz` in
// BEGIN IMMEDIATE): `report`, `visits list` and `export` write their output and exit 0 — closing
// the database (PRAGMA optimize) or catching up the attribution never turns a done job into exit 1.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli as run } from './helpers';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { DB_FILE } from '../../src-main/engine/workspace';

const NOW = Date.parse('2026-03-31T12:00:00Z');
const base = mkdtempSync(join(tmpdir(), 'skvoz-cli-lock-'));
const dir = join(base, 'ws');
let lock: Database.Database;

beforeAll(async () => {
  const { ws } = await createDemoWorkspace(dir, { name: 'Демо', size: 'small', seed: 3, now: NOW });
  // the other process changed a lead before taking the lock: the attribution is behind
  ws.db.prepare("UPDATE b24_lead SET utm_source = 'yandex' WHERE id = (SELECT min(id) FROM b24_lead)").run();
  ws.close();
  lock = new Database(join(dir, DB_FILE));
  lock.exec('BEGIN IMMEDIATE');
}, 120_000);

afterAll(() => {
  if (lock.inTransaction) lock.exec('ROLLBACK');
  lock.close();
  rmSync(base, { recursive: true, force: true });
});


describe('read-only CLI commands while another process holds the write lock', () => {
  it('report prints the report and exits 0', async () => {
    const r = await run(['report', '--workspace', dir, '--from', '2026-01-01', '--to', '2026-03-31', '--group', 'source']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { rows: unknown[]; totals: { leads: number } };
    expect(report.rows.length).toBeGreaterThan(0);
    expect(report.totals.leads).toBeGreaterThan(0);
    expect(lock.inTransaction).toBe(true);
  });

  it('visits list exits 0', async () => {
    const r = await run(['visits', 'list', '--workspace', dir, '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ total: expect.any(Number) });
  });

  it('export writes its file and exits 0', async () => {
    const out = join(base, 'report.csv');
    const r = await run(['export', '--workspace', dir, '--from', '2026-01-01', '--to', '2026-03-31', '--group', 'source,medium', '--format', 'csv', '--out', out, '--quiet']);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(readFileSync(out, 'utf8')).toContain('Итого');
  });

  it('a write under the lock is refused with the busy message, not a crash', async () => {
    const r = await run(['visits', 'add', '--workspace', dir, '--phone', '+79161234567', '--date', '2026-03-20 14:30', '--revenue', '100']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/База занята другим процессом/);
  });
});
