// The README's server recipe (issue 20), followed as written: the package `npm run dist:cli`
// makes, unpacked into a fresh folder with the production dependencies only, then `skvoz init`
// and the crontab lines (sync, export) against the loopback fakes of Bitrix24 and Calltouch, the
// secrets in an environment file.
// `npm ci --omit=dev` itself is not run here (it would build better-sqlite3 from source and needs
// the registry): the fresh folder gets what it would install — every package the lock file does
// not mark `dev` — linked from this checkout's node_modules; nothing else is reachable from there.
// (Run for real once on this machine: `npm ci --omit=dev` in the unpacked package, 3 min, then
// demo / report / export worked.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantToDate } from '@shared/time';
import { generateDemo } from '../../src-main/engine/demo';
import { MemoryDataset, seedFromDemo, startFakeCalltouch, type FakeCalltouch } from '../fakes/calltouch';
import type { FakeBitrix24 } from '../fakes/bitrix24';
import { demoData, startFake } from '../bitrix24/helpers';
import { ROOT } from './helpers';

const SITE = 43769;
const TOKEN = 'server-token';
let root: string;
let app: string;
let bin: string;
let b24: FakeBitrix24;
let ct: FakeCalltouch;

/** What `npm ci --omit=dev` installs: the lock file's packages that are not dev-only. */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !path.slice('node_modules/'.length).includes('/node_modules/') && !p.dev)
    .map(([path]) => path.slice('node_modules/'.length));
}

const shEnv = (env: Record<string, string>) => ({ ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env });
const sh = (command: string, env: Record<string, string> = {}) =>
  spawnSync('/bin/sh', ['-c', command], { cwd: root, encoding: 'utf8', timeout: 120_000, env: shEnv(env) });
/** The same, without blocking this process: the fakes answering the command live here. */
const shAsync = (command: string): Promise<{ status: number | null; stderr: string }> =>
  new Promise((done) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: root, env: shEnv({}), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('close', (status) => done({ status, stderr }));
  });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-server-'));
  const { distCli } = (await import(join(ROOT, 'scripts/dist-cli.mjs'))) as { distCli(out: string): Promise<string> };
  const tgz = await distCli(join(root, 'dist'));
  app = join(root, 'opt-skvoz');
  mkdirSync(app);
  const untar = spawnSync('tar', ['-xzf', tgz, '-C', app, '--strip-components=1'], { encoding: 'utf8' });
  expect(untar.status, untar.stderr).toBe(0);
  for (const name of productionPackages()) {
    mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name));
  }
  bin = join(root, 'usr-local-bin');
  mkdirSync(bin);
  symlinkSync(join(app, 'bin/skvoz.mjs'), join(bin, 'skvoz'));
});
afterAll(async () => {
  await b24?.close();
  await ct?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('skvoz on a server', () => {
  it('the dist:cli package runs from a fresh folder with the production dependencies only', () => {
    const installed = readdirSync(join(app, 'node_modules'));
    for (const dev of ['tsx', 'esbuild', 'vite', 'electron', 'typescript', 'vitest', 'playwright-core']) expect(installed).not.toContain(dev);
    expect(installed).toContain('better-sqlite3');
    expect(statSync(join(app, 'bin/skvoz.mjs')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(app, 'out/cli/skvoz.js'))).toBe(true);
    expect(existsSync(join(app, 'src-main'))).toBe(false);

    const help = sh('skvoz --help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stderr).toBe('');
    const ws = join(root, 'demo');
    const demo = sh(`skvoz demo --workspace ${ws}`);
    expect(demo.status, demo.stderr).toBe(0);
    const exp = sh(`skvoz export --workspace ${ws} --view "Неделя" --format xlsx --out ${root}/reports-demo/`);
    expect(exp.status, exp.stderr).toBe(0);
    expect(exp.stderr).not.toMatch(/Warning/); // no Node deprecation notes in a cron log
    expect(statSync(exp.stdout.trim()).size).toBeGreaterThan(5_000);
    // PDF needs playwright-core (a development tool): said in one line, not a crash
    const pdf = sh(`skvoz export --workspace ${ws} --view "Неделя" --format pdf --out ${root}/reports-demo/`, { SKVOZ_CHROMIUM: '/usr/bin/chromium' });
    expect(pdf.status).toBe(1);
    expect(pdf.stderr).toMatch(/^skvoz: для PDF нужен браузер.* \/ PDF needs a browser/);
  });

  it('the README recipe: init, the crontab sync and export against the fakes', { timeout: 300_000 }, async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Сервер / Server'), readme.indexOf('\n## ', readme.indexOf('## Сервер / Server') + 5));
    const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, lines: m[2]!.split('\n').filter((l) => l.trim() && !l.startsWith('#')) }));
    const initLine = blocks.find((b) => b.lang === 'bash')!.lines.find((l) => l.includes('skvoz init'))!;
    const cron = blocks.find((b) => b.lang === 'cron')!.lines.map((l) => l.replace(/^(\S+\s+){5}/, '').replaceAll('\\%', '%'));
    expect(cron.map((c) => c.match(/skvoz (\w+)/)?.[1])).toEqual(['sync', 'export']);

    const today = instantToDate(Date.now(), 'Europe/Moscow');
    const data = new MemoryDataset();
    seedFromDemo(data, generateDemo({ size: 'small', seed: 9, now: Date.now() }), SITE, addDays(today, -20));
    ct = await startFakeCalltouch({ sites: [{ siteId: SITE, token: TOKEN }], data, rps: null });
    b24 = await startFake(demoData({ leads: 200, deals: 80 }));
    const paths = (s: string) =>
      s
        .replaceAll('/etc/skvoz/acme.env', join(root, 'acme.env'))
        .replaceAll('/srv/skvoz/acme', join(root, 'srv/acme'))
        .replaceAll('/srv/reports/', `${join(root, 'srv/reports')}/`)
        .replaceAll('/var/log/skvoz/', `${join(root, 'log')}/`)
        .replace(/^sudo -u skvoz /, '');
    mkdirSync(join(root, 'srv/reports'), { recursive: true });
    mkdirSync(join(root, 'log'));
    // the env file of the recipe, pointed at the fakes
    writeFileSync(join(root, 'acme.env'), `SKVOZ_BITRIX24_WEBHOOK=${b24.webhook}\nSKVOZ_CALLTOUCH_SITES=${SITE}:${TOKEN}\nSKVOZ_CALLTOUCH_BASE_URL=${ct.url}\n`);

    const init = sh(paths(initLine));
    expect(init.status, init.stderr).toBe(0);
    const sync = await shAsync(paths(cron[0]!));
    expect(sync.status).toBe(0);
    const syncLog = readFileSync(join(root, 'log/acme-sync.log'), 'utf8');
    expect(syncLog).toMatch(/Синхронизация завершена за [\d.]+ с, строк: .*bitrix24 [1-9]/);
    expect(syncLog).toMatch(/calltouch [1-9]/);
    const exp = sh(paths(cron[1]!));
    expect(exp.status, readFileSync(join(root, 'log/acme-export.log'), 'utf8')).toBe(0);
    const files = readdirSync(join(root, 'srv/reports'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^Skvoz_Отчёт_\d{4}-\d\d-\d\d_\d{4}-\d\d-\d\d\.xlsx$/);
    // the crontab line runs again next week — and again today: --force replaces the file
    expect(sh(paths(cron[1]!)).status).toBe(0);
  });
});
