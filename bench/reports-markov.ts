// Issue 17's figures for bench/reports.ts: a year of Markov and a year-long drill-down of a source
// row, measured right after the workspace is opened (before any other report query), then warm.
//   markov year cold     the first `reports:query` after opening: Markov over the last 365 days
//                        by source/medium (tuples, statements and pages not yet in memory). ≤ 300 ms.
//   markov year warm     the same year by other groupings (channel; source; campaign; all five
//                        dimensions) right after: not cached results, warm pages. ≤ 100 ms (median).
//   markov year repeat   the cold query again (answered from the result cache).
//   drill first page     `reports:deals` for the top source row over the year, the renderer's
//                        first page (500), first call and median of the next ones. ≤ 300 ms.
import type { DealsQuerySchema, ReportQueryInput, ReportResult } from '@shared/contract';
import type { z } from 'zod';
import { addDays } from '@shared/time';
import type { Engine } from '../src-main/engine/engine';
import { median, report } from './lib';

export const TARGET_17 = { markovCold: 300, markovWarm: 100, drill: 300 };
const PAGE = 500;

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

  // the year's top source row, as the report tree drills into it
  const bySource = await timed<ReportResult>(engine, 'reports:query', { ...year, groupBy: ['source'] });
  const top = bySource.value.rows.find((r) => !r.unattributed);
  if (!top) return;
  const drill: z.input<typeof DealsQuerySchema> = { ...year, row: { dims: { source: top.source ?? null }, unattributed: false }, kind: 'deal', offset: 0, limit: PAGE };
  const first = await timed<{ total: number; items: unknown[] }>(engine, 'reports:deals', drill);
  report(`drill first page (year, source=${top.source}, ${first.value.items.length} of ${first.value.total}) first call`, first.ms, 'ms', {
    name: `target ${TARGET_17.drill} ms`,
    value: TARGET_17.drill,
  });
  const again: number[] = [];
  for (let i = 0; i < runs; i++) again.push((await timed(engine, 'reports:deals', { ...drill, sort: i % 2 ? 'won' : 'created' })).ms);
  report(`drill first page (median of ${runs}, sort created/won)`, median(again), 'ms', { name: `target ${TARGET_17.drill} ms`, value: TARGET_17.drill });
}
