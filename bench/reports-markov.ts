// Issue 17's figures for bench/reports.ts: a year of Markov and a year-long drill-down of a source
// row, measured right after the workspace is opened (before any other report query), then warm.
//   markov year cold     the first `reports:query` after opening: Markov over the last 365 days
//                        by source/medium (tuples, statements and pages not yet in memory). ≤ 300 ms.
//   markov year warm     the same year by other groupings (channel; source; campaign; all five
//                        dimensions) right after: not cached results, warm pages. ≤ 100 ms (median).
//   markov year repeat   the cold query again (answered from the result cache).
//   drill first page     `reports:deals` for the top source row over the year, the renderer's
//                        first page (500) newest first, first call and median of the next ones;
//                        then every source row and every source › medium › campaign row (median,
//                        slowest). ≤ 300 ms. The other orders (weight, revenue, won day) read the
//                        row's whole year: printed against the same bound.
import type { DealsQuerySchema, DealsResult, ReportQueryInput, ReportResult } from '@shared/contract';
import type { z } from 'zod';
import { addDays } from '@shared/time';
import type { Engine } from '../src-main/engine/engine';
import { median, report } from './lib';

export const TARGET_17 = { markovCold: 300, markovWarm: 100, drill: 300 };
const PAGE = 500;
type DealsInput = z.input<typeof DealsQuerySchema>;
type DealsRow = NonNullable<DealsInput['row']>['dims'];

async function timed<T>(engine: Engine, channel: 'reports:query' | 'reports:deals', q: unknown): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const r = await engine.dispatch(channel, q as never);
  const ms = performance.now() - t;
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)} for ${JSON.stringify(q)}`);
  return { ms, value: r.value as T };
}

export async function markovAndDrill(engine: Engine, anchor: string, runs: number): Promise<void> {
  const year = { from: addDays(anchor, -364), to: anchor };
  const markov = (groupBy: ReportQueryInput['groupBy']): ReportQueryInput => ({ ...year, groupBy, model: 'markov' });

  const cold = await timed<ReportResult>(engine, 'reports:query', markov(['source', 'medium']));
  report(`markov year cold (first query after opening, ${cold.value.rows.length} rows)`, cold.ms, 'ms', { name: `target ${TARGET_17.markovCold} ms`, value: TARGET_17.markovCold });
  const warm: number[] = [];
  for (const g of [['channel'], ['source'], ['campaign'], ['source', 'medium', 'campaign', 'content', 'term']] as ReportQueryInput['groupBy'][]) {
    warm.push((await timed(engine, 'reports:query', markov(g))).ms);
    warm.push((await timed(engine, 'reports:query', { ...markov(g), basis: 'cohort' })).ms);
  }
  console.log(`#   markov year warm runs (4 groupings × event, cohort): ${warm.map((x) => x.toFixed(0)).join(', ')} ms`);
  report('markov year warm (median, other groupings, not cached)', median(warm), 'ms', { name: `target ${TARGET_17.markovWarm} ms`, value: TARGET_17.markovWarm });
  const repeat = await timed(engine, 'reports:query', markov(['source', 'medium']));
  report('markov year repeat (cached result)', repeat.ms, 'ms', { name: `target ${TARGET_17.markovWarm} ms`, value: TARGET_17.markovWarm });

  // the year's top source row, as the report tree drills into it (newest first, its default)
  const bySource = await timed<ReportResult>(engine, 'reports:query', { ...year, groupBy: ['source'] });
  const top = bySource.value.rows.find((r) => !r.unattributed);
  if (!top) return;
  const drill = (dims: DealsRow, extra: Partial<DealsInput> = {}): DealsInput => ({ ...year, row: { dims, unattributed: false }, kind: 'deal', offset: 0, limit: PAGE, ...extra });
  const count = (r: DealsResult) => `${r.items.length} of ${r.total ?? 'more'}`;
  const first = await timed<DealsResult>(engine, 'reports:deals', drill({ source: top.source ?? null }));
  report(`drill first page (year, source=${top.source}, ${count(first.value)}) first call`, first.ms, 'ms', { name: `target ${TARGET_17.drill} ms`, value: TARGET_17.drill });
  const again: number[] = [];
  for (let i = 0; i < runs; i++) again.push((await timed(engine, 'reports:deals', drill({ source: top.source ?? null }))).ms);
  report(`drill first page (median of ${runs})`, median(again), 'ms', { name: `target ${TARGET_17.drill} ms`, value: TARGET_17.drill });

  // "any row": every source row and every source › medium › campaign row of the year, and the unattributed row
  const bySmc = await timed<ReportResult>(engine, 'reports:query', { ...year, groupBy: ['source', 'medium', 'campaign'] });
  const rows: { label: string; q: DealsInput }[] = [
    ...bySource.value.rows.filter((r) => !r.unattributed).map((r) => ({ label: `source=${r.source}`, q: drill({ source: r.source ?? null }) })),
    ...bySmc.value.rows
      .filter((r) => !r.unattributed)
      .map((r) => ({ label: `${r.source} › ${r.medium} › ${r.campaign}`, q: drill({ source: r.source ?? null, medium: r.medium ?? null, campaign: r.campaign ?? null }) })),
    { label: 'unattributed', q: { ...drill({}), row: { dims: {}, unattributed: true } } },
  ];
  const each: { label: string; ms: number; shown: string }[] = [];
  for (const r of rows) {
    const t = await timed<DealsResult>(engine, 'reports:deals', r.q);
    each.push({ label: r.label, ms: t.ms, shown: count(t.value) });
  }
  const sorted = [...each].sort((a, b) => b.ms - a.ms);
  console.log(`#   slowest rows: ${sorted.slice(0, 5).map((r) => `${r.label} ${r.ms.toFixed(0)} ms (${r.shown})`).join('; ')}`);
  report(`drill first page, every row (${each.length} rows) median`, median(each.map((r) => r.ms)), 'ms', { name: `target ${TARGET_17.drill} ms`, value: TARGET_17.drill });
  report(`drill first page, every row, slowest (${sorted[0]!.label})`, sorted[0]!.ms, 'ms', { name: `target ${TARGET_17.drill} ms`, value: TARGET_17.drill });

  // the other orders read the row's whole year (a conversion's place depends on all of them)
  for (const sort of ['weight', 'revenue', 'won'] as const) {
    const t = await timed<DealsResult>(engine, 'reports:deals', drill({ source: top.source ?? null }, { sort }));
    report(`drill first page sorted by ${sort} (whole year read, ${count(t.value)})`, t.ms, 'ms', { name: `target ${TARGET_17.drill} ms`, value: TARGET_17.drill });
  }
}
