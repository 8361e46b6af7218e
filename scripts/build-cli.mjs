#!/usr/bin/env node
// The `skvoz` command built like the app (part of `npm run build`; alone: `npm run build:cli`):
// esbuild bundles src-main/cli/entry.ts into out/cli/skvoz.js with every command in its own
// chunk (loaded when that command runs, so `skvoz --help` loads almost nothing), and the full
// attribution recompute's reader thread as out/cli/attribution-reader.js, found next to the CLI
// by engine/attribution/reader-thread.ts, and the integrity check's thread (`skvoz check`) as
// out/cli/db-check.js, found the same way by engine/safety/integrity.ts. Pure-JS dependencies
// are bundled in; better-sqlite3 (native) stays in node_modules, playwright-core (PDF from the
// CLI, a dev tool) is optional.
// No TypeScript at run time: bin/skvoz.mjs runs the bundle (Node ≥ 22.12, or the app's
// Electron with ELECTRON_RUN_AS_NODE=1).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { root } from './native.mjs';

export const CLI_OUT = join(root, 'out', 'cli');

export async function buildCli({ quiet = false } = {}) {
  rmSync(CLI_OUT, { recursive: true, force: true });
  const started = Date.now();
  const r = await build({
    absWorkingDir: root,
    entryPoints: {
      skvoz: 'src-main/cli/entry.ts',
      'attribution-reader': 'src-main/engine/attribution/reader-worker.ts',
      'db-check': 'src-main/engine/safety/check-worker.ts',
    },
    outdir: CLI_OUT,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    tsconfig: join(root, 'tsconfig.json'),
    external: ['better-sqlite3', 'playwright-core', 'electron'],
    // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins
    banner: { js: "import { createRequire as __skvozRequire } from 'node:module'; const require = __skvozRequire(import.meta.url);" },
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  if (!quiet) {
    const bytes = Object.values(r.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
    console.error(`out/cli: ${Object.keys(r.metafile.outputs).length} файлов, ${(bytes / 1e6).toFixed(1)} МБ за ${Date.now() - started} мс`);
  }
  return r;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    await buildCli();
  } catch (err) {
    console.error(`Сборка CLI не удалась / the CLI build failed: ${String(err?.message ?? err).split('\n')[0]}`);
    process.exit(1);
  }
}
