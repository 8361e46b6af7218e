// Every failure of the `skvoz` command is one line, Russian then English, exit code 1 — never a
// stack trace (issue 18): unknown options, file-system errors (EACCES, EISDIR, EEXIST, ENOENT),
// SQLite errors, a PDF browser that does not start. And a workspace the user may only read is
// still read by report, export, visits list and views list.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { Workspace } from '../../src-main/engine/workspace';
import { SkvozError } from '../../src-main/engine/errors';
import { cliMessage, EngineError } from '../../src-main/cli/errors';
import { parse } from '../../src-main/cli/args';
import { BIN, ROOT, cli, expectOneLineError, md5 } from './helpers';

let root: string;
let ws: string;
/** As root, file permissions are met by running the command as `nobody`. */
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
/**
 * `nobody` must be able to run this Node and read this checkout (e.g. not under /root): otherwise
 * the permission cases cannot be staged here and are skipped, saying why (.ci/run installs its
 * Node under /opt for this).
 */
const asUserBlocked: string | null = (() => {
  if (!('uid' in asUser)) return null;
  const r = spawnSync(process.execPath, [BIN, '--help'], { ...asUser, cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return null;
  return `nobody cannot run ${process.execPath} ${BIN}: ${r.error?.message ?? r.stderr.split('\n')[0]}`;
})();
if (asUserBlocked) console.warn(`skipping the permission cases: ${asUserBlocked}`);
const userEnv = { HOME: tmpdir() };
/** The pid of a process that has certainly ended (a crashed Skvoz, for marker files). */
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid ?? 999_999;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-cli-errors-'));
  chmodSync(root, 0o755);
  ws = join(root, 'ws');
  const demo = await createDemoWorkspace(ws, { name: 'Демо', size: 'small', seed: 4, now: Date.parse('2026-03-31T12:00:00Z') });
  demo.ws.close();
});
afterAll(() => {
  chmodSync(ws, 0o755);
  rmSync(root, { recursive: true, force: true });
});

const REPORT = ['report', '--from', '2026-03-01', '--to', '2026-03-31'];

describe('one line in Russian and English', () => {
  it('unknown commands and options, missing values', async () => {
    expectOneLineError(await cli(['fly']), /неизвестная команда «fly»/, /unknown command/);
    expectOneLineError(await cli([...REPORT, '--workspace', ws, '--frmo', '2026-01-01']), /неизвестный параметр --frmo/, /unknown option --frmo/);
    expectOneLineError(await cli([...REPORT, '--workspace']), /у параметра --workspace нет значения/, /--workspace needs a value/);
    expectOneLineError(await cli(['sync', '--workspace', ws, '--full=yes']), /--full пишется без значения/, /takes no value/);
    expectOneLineError(await cli([...REPORT, '--workspace', ws, '--group', 'source,planet']), /Неверные данные/, /invalid input/);
  });

  it.skipIf(asUserBlocked)('file-system errors: EISDIR, EEXIST, ENOENT, EACCES', async () => {
    expectOneLineError(await cli(['costs', 'import', '--workspace', ws, root]), new RegExp(`${root} — это папка`), /is a folder, not a file/);
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expectOneLineError(await cli(['demo', '--workspace', file]), /a-file уже существует/, /already exists/);
    expectOneLineError(await cli(['costs', 'import', '--workspace', ws, join(root, 'нет.csv')]), /нет такого файла или папки: .*нет\.csv/, /no such file or folder/);
    const locked = join(root, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    const r = await cli([...REPORT, '--workspace', ws, '--format', 'csv', '--out', join(locked, 'r.csv')], { ...asUser, env: userEnv });
    expectOneLineError(r, /нет доступа к .*locked\/r\.csv \(недостаточно прав\)/, /permission denied/);
  });

  it('SQLite errors: a database file that is not a database', async () => {
    const bad = join(root, 'bad');
    const w = Workspace.create(bad, { name: 'Испорченное' });
    w.close();
    writeFileSync(join(bad, 'skvoz.db'), 'это не база данных'.repeat(100));
    rmSync(join(bad, 'skvoz.db-wal'), { force: true });
    rmSync(join(bad, 'skvoz.db-shm'), { force: true });
    expectOneLineError(await cli([...REPORT, '--workspace', bad]), /«Испорченное» повреждён и не читается/, /skvoz restore/, /damaged/);
  });

  it('a PDF browser that cannot start', async () => {
    const r = await cli(['export', '--workspace', ws, '--from', '2026-03-01', '--to', '2026-03-31', '--format', 'pdf', '--out', join(root, 'r.pdf')], {
      env: { SKVOZ_CHROMIUM: '/bin/false' },
    });
    expectOneLineError(r, /не удалось запустить браузер для PDF/, /could not start the browser/);
  });

  it('words whatever else fails in one line (unit)', () => {
    const argErr = (args: string[]) => {
      try {
        parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
      } catch (e) {
        return e;
      }
      throw new Error('parsed');
    };
    const cases: [unknown, RegExp][] = [
      [argErr(['--nope']), /^неизвестный параметр --nope .* \/ unknown option --nope/],
      [Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }), /только для чтения .* \/ .*read-only/],
      [Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), /^База занята другим процессом .* \/ the database is busy/],
      [Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' }), /^Файл базы рабочего пространства повреждён: запись в него остановлена.* \/ .*damaged/],
      [new EngineError('internal', 'Внутренняя ошибка: attempt to write a readonly database'), /только для чтения .* \/ .*read-only/],
      [new EngineError('internal', "Внутренняя ошибка: EACCES: permission denied, open '/srv/x.csv'"), /^нет доступа к \/srv\/x\.csv .* \/ permission denied: \/srv\/x\.csv$/],
      [Object.assign(new Error("EPERM: operation not permitted, rename '/a'"), { code: 'EPERM', path: '/a' }), /^нет доступа к \/a .*\/ operation not permitted/],
      [new Error('browserType.launch: Failed to launch chromium because executable doesn\'t exist\n=== logs ===\nline'), /^не удалось запустить браузер для PDF \(Failed to launch/],
      [new SkvozError('not_found', 'Сохранённого отчёта «Х» нет.'), /^Сохранённого отчёта «Х» нет\. \/ not found$/],
      [new TypeError("Cannot read properties of undefined (reading 'x')\n    at f (a.js:1:1)"), /^Внутренняя ошибка: Cannot read properties .* \/ internal error$/],
      [new Error('webhook https://p.bitrix24.ru/rest/1/abcdefsecret/ failed'), /rest\/1\/\*\*\*/],
    ];
    for (const [err, want] of cases) {
      const line = cliMessage(err);
      expect(line).toMatch(want);
      expect(line).not.toContain('\n');
    }
  });

  it('a value starting with a minus is the option\'s value, not another option', () => {
    expect(parse(['--revenue', '-500', '--x'], { revenue: { type: 'string' }, x: { type: 'boolean' } }).values).toEqual({ revenue: '-500', x: true });
  });
});

describe.skipIf(asUserBlocked)('a read-only workspace', () => {
  it('is read by report, export, visits list and views list; a command that writes says why it cannot', async () => {
    const out = join(root, 'out');
    mkdirSync(out, { mode: 0o777 });
    chmodSync(out, 0o777);
    // as an older Skvoz left it: workspace.json without the database's identity (a writable open
    // would add it), and the open-marker of a process that crashed (a writable open removes it)
    const meta = JSON.parse(readFileSync(join(ws, 'workspace.json'), 'utf8')) as { database: unknown };
    writeFileSync(join(ws, 'workspace.json'), JSON.stringify({ ...meta, database: null }, null, 2));
    writeFileSync(join(ws, `skvoz.db.open-${deadPid()}-1-crash`), '');
    const before = readdirSync(ws).map((f) => `${f}:${md5(join(ws, f))}`).sort();
    for (const f of readdirSync(ws)) chmodSync(join(ws, f), 0o444);
    chmodSync(ws, 0o555);
    const opts = { ...asUser, env: userEnv };
    const report = await cli([...REPORT, '--workspace', ws], opts);
    expect(report.code, report.err).toBe(0);
    expect(JSON.parse(report.out).totals.leads).toBeGreaterThan(0);
    const exported = await cli(['export', '--workspace', ws, '--view', 'Яндекс по кампаниям', '--format', 'xlsx', '--out', `${out}/`], opts);
    expect(exported.code, exported.err).toBe(0);
    expect(exported.out).toContain('Skvoz_Яндекс_по_кампаниям_');
    const visits = await cli(['visits', 'list', '--workspace', ws], opts);
    expect(visits.code, visits.err).toBe(0);
    expect(JSON.parse(visits.out)).toMatchObject({ total: 0 });
    const views = await cli(['views', 'list', '--workspace', ws], opts);
    expect(views.code, views.err).toBe(0);
    expect(views.out).toContain('Яндекс по кампаниям');
    const add = await cli(['visits', 'add', '--workspace', ws, '--phone', '89161234567', '--date', '2026-03-20 10:00'], opts);
    expectOneLineError(add, /доступно только для чтения/, /read-only/);
    // nothing written: no marker, workspace.json as it was
    expect(readdirSync(ws).map((f) => `${f}:${md5(join(ws, f))}`).sort()).toEqual(before);
  });

  it("is still checked: another workspace's database in its folder is refused, read-only or not", async () => {
    const other = join(root, 'other');
    const w = Workspace.create(other, { name: 'Чужое' });
    w.close();
    const foreign = join(root, 'foreign');
    cpSync(ws, foreign, { recursive: true });
    cpSync(join(other, 'skvoz.db'), join(foreign, 'skvoz.db'));
    const meta = JSON.parse(readFileSync(join(foreign, 'workspace.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(foreign, 'workspace.json'), JSON.stringify({ ...meta, database: { id: 'the-own-database', hadData: true } }, null, 2));
    for (const f of readdirSync(foreign)) chmodSync(join(foreign, f), 0o444);
    chmodSync(foreign, 0o555);
    try {
      expectOneLineError(await cli([...REPORT, '--workspace', foreign], { ...asUser, env: userEnv }), /лежит база другого рабочего пространства/, /another workspace's/);
    } finally {
      chmodSync(foreign, 0o755);
    }
  });
});
