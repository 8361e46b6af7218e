#!/usr/bin/env node
// `npm run bench -- <name> [args…]` runs bench/<name>.ts with tsx (the same as `npx tsx bench/<name>.ts`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const names = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts') && f !== 'lib.ts').map((f) => f.slice(0, -3));
const [name, ...args] = process.argv.slice(2);
if (!name || !existsSync(join(root, 'bench', `${name}.ts`))) {
  console.error(`Укажите бенчмарк / name a benchmark: ${names.join(', ')}`);
  process.exit(name ? 1 : 0);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', `${name}.ts`), ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
