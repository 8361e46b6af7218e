#!/usr/bin/env node
// `skvoz` (npx skvoz, npm run skvoz --): runs the built command, out/cli/skvoz.js — made by
// `npm run build` (or `npm run build:cli` alone, about a second; scripts/build-cli.mjs). No
// TypeScript at run time. Without the build (a fresh clone before `npm run build`) it falls back
// to the sources through tsx, a development tool, and says so.
import module from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// V8's compiled code is kept between runs (Node ≥ 22.1; under os.tmpdir()): a command starts faster
module.enableCompileCache?.();

const built = new URL('../out/cli/skvoz.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('skvoz: команда не собрана — выполните npm run build / the command is not built: run npm run build\n');
    process.exit(1);
  }
  process.stderr.write('skvoz: out/cli/skvoz.js нет — запуск из исходников через tsx (медленно; npm run build) / running from source (slow; npm run build)\n');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  await import('../src-main/cli/entry.ts');
}
