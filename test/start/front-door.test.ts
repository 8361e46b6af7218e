// The README's first command, `npm start`, and `npm run dev` run through their real script chain
// with Electron pointed at a stand-in executable (ELECTRON_OVERRIDE_DIST_PATH, Electron's own
// variable): it answers the ABI probe as Node does (ELECTRON_RUN_AS_NODE) and otherwise records
// how it was launched. `npm run dist`'s configuration is checked by electron-builder --dir with
// the same stand-in as the Electron distribution.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const nodeBuild = join(root, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
const require = createRequire(import.meta.url);
const electronVersion = (require(join(root, 'node_modules/electron/package.json')) as { version: string }).version;

interface Launch {
  cwd: string;
  args: string[];
  env: Record<string, string>;
}

let dir: string;

/** A stand-in Electron folder; `answer` replaces Node's reply to the ABI probe. */
function stubElectron(name: string, answer?: string): string {
  const stubDir = join(dir, name);
  mkdirSync(stubDir);
  const log = join(stubDir, 'launch.json');
  const asNode = answer ? `echo '${answer}'; exit 0` : `exec "${process.execPath}" "$@"`;
  const script = `#!/bin/sh
if [ -n "$ELECTRON_RUN_AS_NODE" ]; then ${asNode}; fi
exec "${process.execPath}" -e 'require("fs").writeFileSync(${JSON.stringify(log)}, JSON.stringify({cwd: process.cwd(), args: process.argv.slice(1), env: {url: process.env.ELECTRON_RENDERER_URL ?? "", native: process.env.SKVOZ_SQLITE_NATIVE ?? ""}}))' -- "$@"
`;
  writeFileSync(join(stubDir, 'electron'), script);
  chmodSync(join(stubDir, 'electron'), 0o755);
  return stubDir;
}

function npm(args: string[], stubDir: string): SpawnSyncReturns<string> {
  return spawnSync('npm', args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: stubDir, ELECTRON_RUN_AS_NODE: '' },
    timeout: 240_000,
  });
}

const launched = (stubDir: string): Launch => JSON.parse(readFileSync(join(stubDir, 'launch.json'), 'utf8')) as Launch;
const md5 = (file: string): string => createHash('md5').update(readFileSync(file)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skvoz-front-door-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm start / npm run dev', () => {
  it('npm start builds the app and launches Electron on the built main, the native build skipped for a Node-ABI Electron', () => {
    const stub = stubElectron('start');
    const before = md5(nodeBuild);
    const started = Date.now();
    const r = npm(['start'], stub);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`сборка под ABI ${process.versions.modules} уже есть, пересборка не нужна`);
    const run = launched(stub);
    expect(run.cwd).toBe(root);
    expect(run.args).toEqual(['.']);
    expect(run.env.url).toBe(''); // the built renderer, not a dev server
    expect(run.env.native).toBe(''); // the Node build fits this runtime
    const main = join(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }).main);
    expect(main).toBe(join(root, 'out/main/index.js'));
    expect(statSync(main).mtimeMs).toBeGreaterThanOrEqual(started - 2000);
    for (const f of ['out/main/engine-worker.js', 'out/main/attribution-reader.js', 'out/main/db-check.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(existsSync(join(root, f)), f).toBe(true);
    }
    expect(md5(nodeBuild)).toBe(before);
  });

  it('npm run dev launches Electron against the dev server', () => {
    const stub = stubElectron('dev');
    const r = npm(['run', 'dev'], stub);
    expect(r.status, r.stderr).toBe(0);
    const run = launched(stub);
    expect(run.args).toEqual(['.']);
    expect(run.env.url).toMatch(/^http:\/\/localhost:\d+$/);
  });

  it('an Electron build already made is handed to the app through SKVOZ_SQLITE_NATIVE, without a rebuild', () => {
    const stub = stubElectron('cached', `["${electronVersion}","999"]`);
    const cached = join(root, `node_modules/.skvoz-native/electron-${electronVersion}-${process.platform}-${process.arch}`);
    const had = existsSync(join(cached, 'better_sqlite3.node'));
    mkdirSync(cached, { recursive: true });
    if (!had) copyFileSync(nodeBuild, join(cached, 'better_sqlite3.node'));
    try {
      const r = npm(['start'], stub);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toContain(`уже есть / already built for Electron ${electronVersion}`);
      expect(launched(stub).env.native).toBe(join(cached, 'better_sqlite3.node'));
    } finally {
      if (!had) rmSync(cached, { recursive: true, force: true });
    }
  });

  it('a step that cannot run says so in one line and exits 1', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const r = npm(['start'], empty);
    expect(r.status).toBe(1);
    const ours = r.stderr.split('\n').filter((l) => l.includes('ELECTRON_OVERRIDE_DIST_PATH'));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatch(/указывает на папку без Electron.* \/ ELECTRON_OVERRIDE_DIST_PATH has no Electron executable/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('the engine under `npm start`', () => {
  it('opens databases with the native build named in SKVOZ_SQLITE_NATIVE', () => {
    const code = "import('./src-main/engine/db/open.ts').then(m => { m.openDatabase(':memory:').close(); console.log('opened'); })";
    const run = (native: string): SpawnSyncReturns<string> =>
      spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: root, encoding: 'utf8', env: { ...process.env, SKVOZ_SQLITE_NATIVE: native } });
    const copy = join(dir, 'copy.node');
    copyFileSync(nodeBuild, copy);
    expect(run(copy).stdout).toContain('opened');
    const missing = run(join(dir, 'missing.node'));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('missing.node');
  });
});

describe('npm run dist configuration', () => {
  // electron-vite build, the CLI build and electron-builder: more than a minute on a busy machine
  it('npm run dist -- --dir packs the built app with better-sqlite3 unpacked and no dev tooling', { timeout: 300_000 }, () => {
    const dist = stubElectron('dist');
    const outDir = join(dir, 'packaged');
    const before = md5(nodeBuild);
    const r = spawnSync(
      'npm',
      ['run', 'dist', '--', '--dir', '--linux', `-c.electronDist=${dist}`, `-c.electronVersion=${electronVersion}`, '-c.npmRebuild=false', `-c.directories.output=${outDir}`],
      { cwd: root, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '' } },
    );
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const app = join(outDir, 'linux-unpacked');
    expect(existsSync(join(app, 'skvoz'))).toBe(true);
    const asar = require('@electron/asar') as { listPackage(p: string): string[] };
    const files = asar.listPackage(join(app, 'resources/app.asar'));
    for (const f of ['/out/main/index.js', '/out/main/engine-worker.js', '/out/main/attribution-reader.js', '/out/main/db-check.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/package.json']) {
      expect(files, f).toContain(f);
    }
    expect(files.some((f) => f.startsWith('/src-'))).toBe(false);
    for (const dev of ['electron', 'vite', 'vitest', 'typescript', 'playwright-core', 'svelte']) {
      expect(files, dev).not.toContain(`/node_modules/${dev}`);
    }
    expect(existsSync(join(app, 'resources/app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
    expect(md5(nodeBuild)).toBe(before); // the Node build the CLI and tests load is in place afterwards
  });
});
