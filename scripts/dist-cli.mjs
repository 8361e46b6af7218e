#!/usr/bin/env node
// `npm run dist:cli [-- --out DIR]`: the `skvoz` command for a server, without the app —
// dist/skvoz-cli-<version>.tgz holding skvoz-cli/ with package.json + package-lock.json (so the
// server runs `npm ci --omit=dev`: the runtime dependencies only, better-sqlite3 built or
// downloaded for its Node), bin/skvoz.mjs and the built command out/cli/ (no TypeScript, no
// build tools on the server). README.md «Сервер» shows the whole recipe.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StepError, firstLine, root } from './native.mjs';
import { buildCli } from './build-cli.mjs';

export async function distCli(outDir = join(root, 'dist')) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await buildCli({ quiet: true });
  const stage = join(outDir, 'skvoz-cli');
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(join(stage, 'bin'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'README.md']) copyFileSync(join(root, f), join(stage, f));
  copyFileSync(join(root, 'bin/skvoz.mjs'), join(stage, 'bin/skvoz.mjs'));
  cpSync(join(root, 'out/cli'), join(stage, 'out/cli'), { recursive: true });
  mkdirSync(join(stage, 'docs'));
  copyFileSync(join(root, 'docs/REPORTS.md'), join(stage, 'docs/REPORTS.md'));
  const tgz = join(outDir, `skvoz-cli-${version}.tgz`);
  const r = spawnSync('tar', ['-czf', tgz, '-C', outDir, 'skvoz-cli'], { encoding: 'utf8' });
  if (r.status !== 0) throw new StepError(`tar не упаковал ${stage}: ${firstLine(r.stderr)} / tar failed`);
  rmSync(stage, { recursive: true, force: true });
  return tgz;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--out');
  try {
    console.log(await distCli(i > 0 ? resolve(process.argv[i + 1]) : undefined));
  } catch (err) {
    console.error(err instanceof StepError ? err.message : `Skvoz: ${firstLine(err?.stack ?? err)}`);
    process.exit(1);
  }
}
