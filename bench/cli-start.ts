// Start-up of the `skvoz` command (issue 20): wall time of `skvoz --help` and of `skvoz report`
// on the medium demo, node start included, against a bare `node -e 0` measured in the same run
// (interleaved, so machine noise hits all three alike):
//   npm run build && npx tsx bench/cli-start.ts [--workspace DIR] [--runs N]
// DIR defaults to /tmp/skvoz-medium (the medium demo is created there when it holds no
// workspace). The command is run as a user runs it: `node bin/skvoz.mjs …` (the built CLI,
// out/cli/skvoz.js). Medians after one warm-up round; the first ("cold") round runs with an empty
// compile cache. Bounds: --help ≤ 300 ms, report ≤ 600 ms.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDemoWorkspace } from '../src-main/engine/demo/workspace';
import { Workspace } from '../src-main/engine/workspace';
import { median, report } from './lib';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const DIR = arg('workspace') ?? '/tmp/skvoz-medium';
const RUNS = Number(arg('runs') ?? 15);

if (!existsSync(join(ROOT, 'out/cli/skvoz.js'))) throw new Error('out/cli/skvoz.js is missing: run `npm run build` first');
if (!Workspace.exists(DIR)) {
  console.error(`creating the medium demo in ${DIR}…`);
  (await createDemoWorkspace(DIR, { name: 'Демо-данные', size: 'medium', seed: 1 })).ws.close();
}
const ws = Workspace.open(DIR);
const { dataFrom, dataTo } = ws.summary();
ws.close();
if (!dataFrom || !dataTo) throw new Error(`${DIR} holds no data`);

const cache = mkdtempSync(join(tmpdir(), 'skvoz-bench-cc-'));
const env = { ...process.env, NODE_COMPILE_CACHE: cache };
const bin = join(ROOT, 'bin/skvoz.mjs');
const commands = {
  node: [process.execPath, '-e', '0'],
  help: [process.execPath, bin, '--help'],
  report: [process.execPath, bin, 'report', '--workspace', DIR, '--from', dataFrom, '--to', dataTo, '--group', 'source,medium'],
};

function time(cmd: string[]): number {
  const t = performance.now();
  const r = spawnSync(cmd[0]!, cmd.slice(1), { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd.slice(1).join(' ')}: exit ${r.status}: ${r.stderr}`);
  return ms;
}

const cold = { help: time(commands.help), report: time(commands.report) };
const runs: Record<keyof typeof commands, number[]> = { node: [], help: [], report: [] };
for (let i = 0; i <= RUNS; i++) {
  for (const k of Object.keys(commands) as (keyof typeof commands)[]) {
    const ms = time(commands[k]);
    if (i > 0) runs[k].push(ms);
  }
}
rmSync(cache, { recursive: true, force: true });

const node = median(runs.node);
console.log(`node -e 0: ${Math.round(node)} ms (median of ${RUNS}; the same machine, the same run)`);
for (const [k, label, bound] of [
  ['help', 'skvoz --help', 300],
  ['report', `skvoz report (medium demo, ${dataFrom} – ${dataTo}, source × medium)`, 600],
] as const) {
  const m = median(runs[k]);
  report(label, m, 'ms', { name: `${bound} ms`, value: bound });
  report(`${label} vs node -e 0`, m, 'ms', { name: `node -e 0 = ${Math.round(node)} ms`, value: node });
  console.log(`${label}, cold compile cache: ${Math.round(cold[k])} ms`);
}
