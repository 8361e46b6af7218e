// Vitest global set-up: the tests run the `skvoz` command as users do — bin/skvoz.mjs running the
// built CLI, out/cli/skvoz.js. `npm test` builds it first (`npm run build`); a single test file
// run by hand rebuilds it here with the same script when the sources are newer than the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (/\.(ts|mjs|js)$/.test(e.name)) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export default async function setup(): Promise<void> {
  const built = join(ROOT, 'out/cli/skvoz.js');
  const sources = Math.max(newest(join(ROOT, 'src-main')), newest(join(ROOT, 'src-shared')), statSync(join(ROOT, 'scripts/build-cli.mjs')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const { buildCli } = (await import(join(ROOT, 'scripts/build-cli.mjs'))) as { buildCli(o?: { quiet?: boolean }): Promise<unknown> };
  await buildCli();
}
