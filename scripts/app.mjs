#!/usr/bin/env node
// `npm start` and `npm run dev`: the app's front door.
//   node scripts/app.mjs start   → Electron installed, better-sqlite3 built for it, app built, window opened
//   node scripts/app.mjs dev     → the same with electron-vite's dev server (hot reload)
// Each step that fails says why in one Russian / English line and exits 1; node_modules stays
// usable for `npm test` and the CLI (scripts/native.mjs never removes the Node build).
// ELECTRON_OVERRIDE_DIST_PATH (Electron's own variable) points at another Electron folder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StepError, ensureElectronBuild, firstLine, probeRuntime, root } from './native.mjs';

const electronDir = join(root, 'node_modules', 'electron');
const MIN_NODE = [22, 12];

export function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])) return;
  throw new StepError(
    `Нужен Node.js ${MIN_NODE.join('.')} или новее, установлен ${process.version} (https://nodejs.org) / ` +
      `Node.js ${MIN_NODE.join('.')} or newer is required, this is ${process.version}`,
  );
}

function electronVersion() {
  return JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version;
}

/** The Electron executable `electron` (the npm package) resolves to, without downloading. */
export function electronExecutable() {
  const pathFile = join(electronDir, 'path.txt');
  const rel = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) return join(override, rel ?? (process.platform === 'win32' ? 'electron.exe' : 'electron'));
  return rel ? join(electronDir, 'dist', rel) : null;
}

/** Electron's own installer (node_modules/electron/install.js) when the binary is missing. */
function ensureElectronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const exe = electronExecutable();
  if (override) {
    if (exe && existsSync(exe)) return exe;
    throw new StepError(
      `ELECTRON_OVERRIDE_DIST_PATH указывает на папку без Electron: ${exe} / ELECTRON_OVERRIDE_DIST_PATH has no Electron executable: ${exe}`,
    );
  }
  if (exe && existsSync(exe) && existsSync(join(electronDir, 'dist', 'version'))) return exe;
  const version = electronVersion();
  console.error(`Electron ${version}: скачиваю / downloading…`);
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  const installed = electronExecutable();
  if (r.status !== 0 || !installed || !existsSync(installed)) {
    throw new StepError(
      `Не удалось скачать Electron ${version}: ${firstLine(r.stderr) || `exit ${r.status}`} ` +
        `(нужен доступ к github.com или зеркало в ELECTRON_MIRROR) / Could not download Electron ${version} ` +
        `(needs github.com or a mirror in ELECTRON_MIRROR)`,
    );
  }
  return installed;
}

function electronVite(args, env, what) {
  const cli = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) {
    throw new StepError(`${what.ru}: electron-vite ${args[0]} завершился с кодом ${r.status ?? r.signal} / ${what.en} (exit ${r.status ?? r.signal})`);
  }
}

export async function run(mode) {
  checkNode();
  const exe = ensureElectronBinary();
  const runtime = probeRuntime(exe) ?? { electron: electronVersion(), modules: null };
  const binding = await ensureElectronBuild(runtime);
  const env = { ...process.env, ELECTRON_EXEC_PATH: exe };
  delete env.ELECTRON_RUN_AS_NODE;
  if (binding) env.SKVOZ_SQLITE_NATIVE = binding;
  else delete env.SKVOZ_SQLITE_NATIVE;
  if (mode === 'dev') {
    electronVite(['dev'], env, { ru: 'Режим разработки не запустился', en: 'The dev mode failed' });
    return;
  }
  electronVite(['build'], env, { ru: 'Сборка приложения не удалась', en: 'The app build failed' });
  electronVite(['preview', '--skipBuild'], env, { ru: 'Приложение завершилось с ошибкой', en: 'The app exited with an error' });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mode = process.argv[2];
  if (mode !== 'start' && mode !== 'dev') {
    console.error('usage: node scripts/app.mjs start|dev');
    process.exit(2);
  }
  run(mode).catch((err) => {
    console.error(err instanceof StepError ? err.message : `Skvoz: ${firstLine(err?.stack ?? err)}`);
    process.exit(1);
  });
}
