// Channels on the `large` demo workspace (issue 14): what grouping by channel costs a report, and
// how long the settings screen waits for its rules preview.
//   npx tsx bench/channels.ts [--workspace DIR] [--runs N]
// DIR defaults to /tmp/skvoz-large (made by `bench/reports.ts` or `skvoz demo --size large`); its
// attribution is brought up to date in place first if needed, as opening it in the app would.
// Figures (`name: value unit (ratio R vs BOUND)`):
//   channel grouping p50 / p95   `reports:query` through Engine.dispatch for groupings that start
//                                with the channel (channel; channel,source; channel,source,medium,
//                                campaign; a channel filter), over a month, a quarter and a year,
//                                the default and the linear model — interleaved round by round with
//                                the same queries grouped by source alone, so machine noise hits
//                                both alike. Bound: p95 ≤ 100 ms (the reports target), and the
//                                channel queries' p50 against the source ones' p50 (≤ 1.25).
//   channels:values cold / warm  the settings preview's values (a GROUP BY over every call,
//                                request, lead and deal) the first time and from its cache.
//                                Bound: 3 s cold (the panel shows a skeleton meanwhile), 50 ms warm.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportQueryInput } from '@shared/contract';
import { addDays } from '@shared/time';
import { Engine } from '../src-main/engine/engine';
import { MemorySecrets } from '../src-main/engine/secrets';
import { ensureAttribution } from '../src-main/engine/attribution/materialise';
import { Workspace } from '../src-main/engine/workspace';
import { median, report } from './lib';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const DIR = arg('workspace') ?? '/tmp/skvoz-large';
const RUNS = Number(arg('runs') ?? 5);

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}

async function main(): Promise<void> {
  if (!existsSync(join(DIR, 'workspace.json'))) {
    console.error(`# no workspace in ${DIR}: make the large demo first (npx tsx bench/reports.ts, or npx skvoz demo --workspace ${DIR} --size large)`);
    process.exit(1);
  }
  const ws = Workspace.open(DIR);
  const t = performance.now();
  const r = ensureAttribution(ws.db, ws.settings);
  if (r) console.log(`# attribution brought up to date in place in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const anchor = ws.summary().dataTo!;
  ws.close();

  const engine = new Engine({ workspaceDir: DIR, secrets: new MemorySecrets() });
  const call = async (q: ReportQueryInput) => {
    const res = await engine.dispatch('reports:query', q);
    if (!res.ok) throw new Error(res.error.message);
    return res.value as { rows: unknown[] };
  };

  // the settings preview: cold, then cached
  let t0 = performance.now();
  const values = await engine.dispatch('channels:values', {});
  const cold = performance.now() - t0;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    t0 = performance.now();
    await engine.dispatch('channels:values', {});
    warm.push(performance.now() - t0);
  }
  if (!values.ok) throw new Error(values.error.message);
  console.log(`# channels:values: ${(values.value as { values: unknown[] }).values.length} distinct values`);

  const periods = { month: { from: addDays(anchor, -29), to: anchor }, quarter: { from: addDays(anchor, -89), to: anchor }, year: { from: addDays(anchor, -364), to: anchor } };
  const pairs: { label: string; channel: ReportQueryInput; source: ReportQueryInput }[] = [];
  for (const [name, p] of Object.entries(periods)) {
    for (const model of ['last_non_direct', 'linear'] as const) {
      pairs.push({ label: `${name} ${model} channel`, channel: { ...p, model, groupBy: ['channel'] }, source: { ...p, model, groupBy: ['source'] } });
      pairs.push({ label: `${name} ${model} channel,source`, channel: { ...p, model, groupBy: ['channel', 'source'] }, source: { ...p, model, groupBy: ['source'] } });
    }
    pairs.push({
      label: `${name} channel,source,medium,campaign`,
      channel: { ...p, groupBy: ['channel', 'source', 'medium', 'campaign'] },
      source: { ...p, groupBy: ['source', 'medium', 'campaign'] },
    });
    pairs.push({
      label: `${name} source where channel=Контекстная реклама`,
      channel: { ...p, groupBy: ['source'], filters: { dimensions: { channel: ['Контекстная реклама'] } } },
      source: { ...p, groupBy: ['source'], filters: { dimensions: { source: ['yandex'] } } },
    });
  }
  // a first round: caches (tuples, labels, compiled rules) filled as after the first screen
  for (const p of pairs) {
    await call(p.channel);
    await call(p.source);
  }
  const ch: number[] = [];
  const src: number[] = [];
  const per = new Map<string, number[]>();
  for (let i = 0; i < RUNS; i++) {
    for (const p of pairs) {
      let s = performance.now();
      const rows = (await call(p.channel)).rows.length;
      const ms = performance.now() - s;
      ch.push(ms);
      per.set(p.label, [...(per.get(p.label) ?? []), ms]);
      if (i === 0 && rows === 0) console.log(`# ${p.label}: no rows`);
      s = performance.now();
      await call(p.source);
      src.push(performance.now() - s);
    }
  }
  for (const [label, runs] of per) console.log(`#   ${label.padEnd(48)} ${median(runs).toFixed(1).padStart(7)} ms median, max ${Math.max(...runs).toFixed(1).padStart(7)} ms`);
  await engine.close();

  report(`reports:query grouped by channel p50 (${pairs.length} queries × ${RUNS})`, median(ch), 'ms', { name: 'target p95 100 ms', value: 100 });
  report(`reports:query grouped by channel p95 (${pairs.length} queries × ${RUNS})`, percentile(ch, 95), 'ms', { name: 'target 100 ms', value: 100 });
  report('channel grouping p50 ÷ source grouping p50 (same queries, interleaved)', median(ch) / median(src), '×', { name: 'bound 1.25', value: 1.25 });
  report('channels:values cold (settings preview)', cold, 'ms', { name: 'bound 3000 ms', value: 3000 });
  report('channels:values warm (cached)', median(warm), 'ms', { name: 'bound 50 ms', value: 50 });
}

void main();
