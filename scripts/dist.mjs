#!/usr/bin/env node
// `npm run dist [-- electron-builder options]`: the app and the `skvoz` command built, then
// installers with electron-builder. Its npmRebuild rebuilds better-sqlite3 for Electron inside
// node_modules before packing; the Node build that `npm test` and the CLI load is put back
// afterwards (scripts/native.mjs keepingNodeBuild).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StepError, firstLine, keepingNodeBuild, root } from './native.mjs';
import { checkNode } from './app.mjs';

const require = createRequire(import.meta.url);

function step(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new StepError(`${what.ru} (код ${r.status ?? r.signal}) / ${what.en} (exit ${r.status ?? r.signal})`);
}

export function dist(extra) {
  checkNode();
  step([join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { ru: 'Сборка приложения не удалась', en: 'The app build failed' });
  // the `skvoz` command the installers put on the PATH runs out/cli/skvoz.js with the app's Electron
  step([join(root, 'scripts/build-cli.mjs')], { ru: 'Сборка команды skvoz не удалась', en: 'The skvoz command build failed' });
  keepingNodeBuild(() =>
    step([require.resolve('electron-builder/cli.js'), '--config', 'electron-builder.yml', ...extra], {
      ru: 'electron-builder не собрал дистрибутив',
      en: 'electron-builder failed',
    }),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    dist(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof StepError ? err.message : `Skvoz: ${firstLine(err?.stack ?? err)}`);
    process.exit(1);
  }
}
