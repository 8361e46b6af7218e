#!/usr/bin/env node
// better-sqlite3 for each runtime that loads it, without touching postinstall.
//
// node_modules/better-sqlite3/build/Release/better_sqlite3.node is ALWAYS the plain-Node build:
// `npm test`, the `skvoz` CLI and the benchmarks load it. The Electron build lives beside it in
// node_modules/.skvoz-native/electron-<version>-<platform>-<arch>/ and the app is pointed at it
// through SKVOZ_SQLITE_NATIVE (scripts/app.mjs sets it; src-main/engine/db/open.ts reads it). A
// failed Electron rebuild therefore never leaves the CLI without a working module.
//
//   node scripts/native.mjs node             → the Node build loads (rebuilt if it does not)
//   node scripts/native.mjs electron [exe]   → the Electron build exists (exe: the binary to ask
//                                              for its version/ABI; default: node_modules/electron)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const moduleDir = join(root, 'node_modules', 'better-sqlite3');
export const nodeBuild = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
const cacheRoot = join(root, 'node_modules', '.skvoz-native');
const nodeSaved = join(cacheRoot, `node-${process.versions.modules}-${process.platform}-${process.arch}.node`);

/** A one-line, bilingual failure: what failed, why, what still works. */
export class StepError extends Error {}

export function firstLine(text) {
  const line = String(text ?? '').split('\n').map((l) => l.trim()).find((l) => l && !/^at /.test(l));
  return (line ?? '').replace(/^Error:\s*/, '').slice(0, 300);
}

/** Loads better-sqlite3 from `binding` (default: the Node build) in a fresh Node; null when fine. */
export function loadError(binding = null) {
  const code = `const D=require('better-sqlite3');new D(':memory:'${binding ? `,{nativeBinding:${JSON.stringify(binding)}}` : ''}).close()`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? null : firstLine(r.stderr) || `exit ${r.status}`;
}

/** `npm rebuild better-sqlite3` with the old build kept until the new one loads. */
export function ensureNodeBuild() {
  if (loadError() === null) return 'ok';
  // an Electron rebuild that was interrupted leaves the Node build it set aside here
  if (existsSync(nodeSaved)) {
    mkdirSync(dirname(nodeBuild), { recursive: true });
    copyFileSync(nodeSaved, nodeBuild);
    if (loadError() === null) return 'restored';
  }
  console.error('better-sqlite3: пересборка под Node / rebuilding for Node…');
  const r = spawnSync('npm', ['rebuild', 'better-sqlite3'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  const err = r.status === 0 ? loadError() : `npm rebuild: exit ${r.status}`;
  if (err) {
    throw new StepError(
      `Не удалось собрать better-sqlite3 под Node ${process.version} (нужны python3, make и компилятор C++): ${err} / ` +
        `Could not build better-sqlite3 for Node ${process.version} (needs python3, make and a C++ compiler)`,
    );
  }
  return 'rebuilt';
}

/**
 * What an Electron (or a stand-in) binary reports about itself when run as Node: its Electron
 * version (null for a plain Node runtime) and its native-module ABI.
 */
export function probeRuntime(exe) {
  const r = spawnSync(exe, ['-p', 'JSON.stringify([process.versions.electron ?? null, process.versions.modules])'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) return null;
  try {
    const [electron, modules] = JSON.parse(r.stdout.trim().split('\n').pop());
    return { electron, modules: String(modules) };
  } catch {
    return null;
  }
}

/**
 * The native build for a runtime: null when the default Node build already fits it (a runtime
 * with Node's own ABI), else the path of the Electron build, rebuilt through @electron/rebuild's
 * API if it is not cached yet. The Node build in build/Release is put back whatever happens.
 */
export async function ensureElectronBuild({ electron, modules }) {
  if (!electron) {
    if (modules === process.versions.modules && loadError() === null) {
      console.error(`better-sqlite3: сборка под ABI ${modules} уже есть, пересборка не нужна / already built for ABI ${modules}, rebuild skipped`);
      return null;
    }
    throw new StepError(
      `Исполняемый файл Electron сообщил ABI ${modules}, но не версию Electron — пересобрать под него нельзя / ` +
        `The Electron executable reports ABI ${modules} but no Electron version: cannot rebuild for it`,
    );
  }
  const dir = join(cacheRoot, `electron-${electron}-${process.platform}-${process.arch}`);
  const built = join(dir, 'better_sqlite3.node');
  if (existsSync(built)) {
    console.error(`better-sqlite3: сборка под Electron ${electron} уже есть / already built for Electron ${electron}`);
    return built;
  }
  console.error(`better-sqlite3: пересборка под Electron ${electron} (ABI ${modules ?? '?'}) / rebuilding for Electron ${electron}…`);
  try {
    return keepingNodeBuild(() => {
      rebuildInChild(electron);
      if (!existsSync(nodeBuild)) throw new Error('the rebuild produced no better_sqlite3.node');
      mkdirSync(dir, { recursive: true });
      copyFileSync(nodeBuild, `${built}.tmp`);
      renameSync(`${built}.tmp`, built);
      return built;
    });
  } catch (err) {
    throw new StepError(
      `Не удалось собрать better-sqlite3 под Electron ${electron} / Could not rebuild better-sqlite3 for Electron ${electron}: ` +
        `${firstLine(err?.message ?? err)}. Сборка для Node не тронута, npm test и skvoz работают / the Node build is untouched ` +
        `(${rebuildLog})`,
    );
  }
}

/**
 * Runs `work` (which may rebuild better-sqlite3 in place for Electron: @electron/rebuild here,
 * electron-builder's npmRebuild when packaging) and puts the Node build back afterwards, whether
 * `work` succeeded or not. A copy waits in node_modules/.skvoz-native in case this process dies.
 */
export function keepingNodeBuild(work) {
  mkdirSync(cacheRoot, { recursive: true });
  const saved = loadError() === null ? nodeSaved : null;
  if (saved) copyFileSync(nodeBuild, saved);
  try {
    return work();
  } finally {
    if (saved) {
      mkdirSync(dirname(nodeBuild), { recursive: true });
      copyFileSync(saved, nodeBuild);
    } else {
      rmSync(nodeBuild, { force: true }); // never leave an Electron build where Node looks
    }
  }
}

const rebuildLog = join(cacheRoot, 'rebuild.log');

/**
 * @electron/rebuild (its supported API, `rebuild()`) in a child process whose output goes to
 * rebuild.log, so a failure reads as one line here. npm passes its `nodedir` setting down as
 * npm_config_nodedir: node-gyp would then build against that Node's headers instead of
 * Electron's and the result would be labelled Electron's, so it is left out.
 */
function rebuildInChild(electron) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.toLowerCase() === 'npm_config_nodedir') delete env[k];
  console.error('better-sqlite3: сборка займёт 1–3 минуты / this takes 1–3 minutes…');
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'rebuild-for', electron], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  writeFileSync(rebuildLog, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
    if (/network connectivity|fetch failed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(out)) {
      throw new Error('нет доступа к electronjs.org (заголовки Electron) / cannot reach electronjs.org for the Electron headers');
    }
    if (/find Python|not found: make|No such file or directory.*(g\+\+|c\+\+|cc)|MSBuild|Visual Studio/i.test(out)) {
      throw new Error('нужны python3, make и компилятор C++ / needs python3, make and a C++ compiler');
    }
    throw new Error(String(r.stderr ?? '').trim().split('\n').pop().replace(/^better-sqlite3:\s*/, '') || `exit ${r.status ?? r.signal}`);
  }
}

async function cli(argv) {
  const [target, exe] = argv;
  if (target === 'node') {
    ensureNodeBuild();
    return;
  }
  if (target === 'rebuild-for') {
    const { rebuild } = await import('@electron/rebuild');
    await rebuild({ buildPath: root, electronVersion: exe, onlyModules: ['better-sqlite3'], force: true });
    return;
  }
  if (target === 'electron') {
    const { electronExecutable } = await import('./app.mjs');
    const binary = exe ?? electronExecutable();
    const runtime = probeRuntime(binary);
    if (!runtime) throw new StepError(`Electron не запускается: ${binary} / Electron does not run: ${binary}`);
    const built = await ensureElectronBuild(runtime);
    if (built) console.log(built);
    return;
  }
  console.error('usage: node scripts/native.mjs node|electron [electron-executable]');
  process.exit(2);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  cli(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof StepError ? err.message : `better-sqlite3: ${firstLine(err?.stack ?? err)}`);
    process.exit(1);
  });
}
