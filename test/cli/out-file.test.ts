// `skvoz export --out` and `skvoz report --out` (issue 18): never over the workspace's own files,
// an existing file only with --force, the extension must be the format's.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { cli, expectOneLineError, md5 } from './helpers';

let root: string;
let ws: string;
const own = () => ['skvoz.db', 'workspace.json'].map((f) => md5(join(ws, f))).join();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-cli-out-'));
  ws = join(root, 'ws');
  const demo = await createDemoWorkspace(ws, { name: 'Демо', size: 'small', seed: 2, now: Date.parse('2026-03-31T12:00:00Z') });
  demo.ws.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const EXPORT = ['export', '--from', '2026-03-01', '--to', '2026-03-31'];

describe('--out', () => {
  it('never writes over the workspace database, its WAL/SHM or settings — by path or through a link', async () => {
    const before = own();
    symlinkSync(join(ws, 'skvoz.db'), join(root, 'link.csv'));
    for (const target of ['skvoz.db', 'workspace.json', 'skvoz.db-wal', 'skvoz.db-shm']) {
      const fmt = 'csv';
      const r = await cli([...EXPORT, '--workspace', ws, '--format', fmt, '--out', join(ws, target), '--force']);
      expectOneLineError(r, /файл рабочего пространства/, /one of the workspace's own files/);
    }
    expectOneLineError(await cli([...EXPORT, '--workspace', ws, '--format', 'csv', '--out', join(root, 'link.csv'), '--force']), /файл рабочего пространства/);
    expectOneLineError(await cli(['report', '--workspace', ws, '--from', '2026-03-01', '--to', '2026-03-31', '--out', join(ws, 'workspace.json'), '--force']), /файл рабочего пространства/);
    expect(own()).toBe(before);
    expect(existsSync(join(ws, 'skvoz.db-wal.part'))).toBe(false);
  });

  it('asks for --force to replace an existing file, and replaces it with --force', async () => {
    const file = join(root, 'report.csv');
    writeFileSync(file, 'мой файл');
    const refused = await cli([...EXPORT, '--workspace', ws, '--format', 'csv', '--out', file]);
    expectOneLineError(refused, /уже есть — добавьте --force/, /add --force/);
    expect(readFileSync(file, 'utf8')).toBe('мой файл');
    const forced = await cli([...EXPORT, '--workspace', ws, '--format', 'csv', '--out', file, '--force']);
    expect(forced.code, forced.err).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('Источник');

    // a folder: the Skvoz_… name, the same rule when that file is there already
    const dir = join(root, 'out');
    mkdirSync(dir);
    const first = await cli([...EXPORT, '--workspace', ws, '--format', 'xlsx', '--out', dir]);
    expect(first.code, first.err).toBe(0);
    expect(first.out.trim()).toBe(join(dir, 'Skvoz_Отчёт_2026-03-01_2026-03-31.xlsx'));
    expectOneLineError(await cli([...EXPORT, '--workspace', ws, '--format', 'xlsx', '--out', dir]), /--force/);
    expect((await cli([...EXPORT, '--workspace', ws, '--format', 'xlsx', '--out', dir, '--force'])).code).toBe(0);

    const json = join(root, 'r.json');
    writeFileSync(json, '{}');
    expectOneLineError(await cli(['report', '--workspace', ws, '--from', '2026-03-01', '--to', '2026-03-31', '--out', json]), /--force/);
    expect(readFileSync(json, 'utf8')).toBe('{}');
  });

  it('refuses a file whose extension is another format', async () => {
    const r = await cli([...EXPORT, '--workspace', ws, '--format', 'csv', '--out', join(root, 'x.xlsx')]);
    expectOneLineError(r, /--out x\.xlsx не подходит для --format csv/, /does not match --format csv/);
    expect(existsSync(join(root, 'x.xlsx'))).toBe(false);
    expectOneLineError(await cli(['report', '--workspace', ws, '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'csv', '--out', join(root, 'y.json')]), /не подходит/);
  });
});
