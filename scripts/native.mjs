#!/usr/bin/env node
// Keeps better-sqlite3 built for the runtime about to use it, without touching postinstall:
//   node scripts/native.mjs node      → plain Node ABI (tests, CLI, benchmarks)
//   node scripts/native.mjs electron  → Electron ABI (npm start / npm run dev)
// A stamp file remembers the current build so repeated runs are instant.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.skvoz-native-abi');
const target = process.argv[2];
if (target !== 'node' && target !== 'electron') {
  console.error('usage: node scripts/native.mjs node|electron');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;
const want = target === 'node' ? `node-${process.versions.modules}` : `electron-${electronVersion}`;
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;

function loadsInNode() {
  const r = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root });
  return r.status === 0;
}

if (target === 'node') {
  if (have === want && loadsInNode()) process.exit(0);
  if (!loadsInNode()) {
    console.error('better-sqlite3: пересборка под Node / rebuilding for Node…');
    execSync('npm rebuild better-sqlite3', { cwd: root, stdio: 'inherit' });
  }
} else {
  if (have === want) process.exit(0);
  console.error(`better-sqlite3: пересборка под Electron ${electronVersion} / rebuilding for Electron…`);
  const rebuild = require.resolve('@electron/rebuild/lib/cli.js');
  execSync(`"${process.execPath}" "${rebuild}" -f -o better-sqlite3 -v ${electronVersion}`, { cwd: root, stdio: 'inherit' });
}
writeFileSync(stamp, `${want}\n`);
