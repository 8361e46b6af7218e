// The Markov model in a report (REPORTS.md "Models"): states are the report's dimension tuples.
// Without pipeline/responsible filters the paths come from the materialised daily counts (issue
// 17; attribution/paths.ts, attribution/orphan-paths.ts): a period sums its days, the paths are
// projected to the report's grouping and the chain is solved. With those filters scan.ts reads
// the period's conversions instead and hands its paths to the same crediting.
import type { ReportQuery } from '@shared/contract';
import { markovCredits, type MarkovPath, type NullPath, type NullTransition } from '../attribution/markov';
import { dayInt } from '../attribution/tuples';
import { SkvozError } from '../errors';
import type { Workspace } from '../workspace';
import type { Rows, TupleMap } from './query';
import { periodSums } from './markov-sums';
import { nonConvertingPaths } from './orphans';
import { ensureOrphanPaths } from '../attribution/orphan-paths';

export const METRICS = ['leads', 'deals', 'won', 'visits'] as const;
export type Metric = (typeof METRICS)[number];

/** A metric's paths at the report's grouping, identical ones counted once. */
export type PathsByMetric = Map<Metric, Map<string, MarkovPath>>;

/** The report's states: a tuple's dims at the report's grouping, as a key; remembers a tuple of each state. */
export class States {
  readonly dimsOfState = new Map<string, number>();
  private readonly cache = new Map<number, string>();

  constructor(
    private readonly q: Pick<ReportQuery, 'groupBy'>,
    private readonly tuples: TupleMap,
  ) {}

  readonly of = (tupleId: number): string => {
    let s = this.cache.get(tupleId);
    if (s === undefined) {
      const d = this.tuples.get(tupleId);
      s = JSON.stringify(this.q.groupBy.map((g) => d?.[g] ?? null));
      this.cache.set(tupleId, s);
      if (!this.dimsOfState.has(s)) this.dimsOfState.set(s, tupleId);
    }
    return s;
  };
}

export const emptyPaths = (): PathsByMetric => new Map(METRICS.map((m) => [m, new Map()]));

/** Adds `n` conversions of value `value` taking `states` to a metric's paths. */
export function addPath(paths: PathsByMetric, metric: Metric, states: string[], n: number, value: number): void {
  const byKey = paths.get(metric)!;
  const key = states.join('\u0000');
  let p = byKey.get(key);
  if (!p) byKey.set(key, (p = { states, conversions: 0, value: 0 }));
  p.conversions += n;
  p.value += value;
}

/** Solves each metric's chain and adds its credits to the report's rows. */
export function creditMarkov(rows: Rows, tuples: TupleMap, states: States, paths: PathsByMetric, nullPaths: readonly NullPath[], nullTransitions: readonly NullTransition[] = []): void {
  for (const metric of METRICS) {
    const list = [...paths.get(metric)!.values()];
    if (list.length === 0) continue;
    let result;
    try {
      result = markovCredits(list, nullPaths, {}, nullTransitions);
    } catch (err) {
      if (err instanceof RangeError) {
        throw new SkvozError('invalid_input', 'Слишком много каналов для марковской модели: сгруппируйте по меньшему числу измерений (например, только по источнику).');
      }
      throw err;
    }
    for (const [state, cr] of result.credits) {
      const m = rows.get(tuples.get(states.dimsOfState.get(state) ?? -1) ?? null);
      if (!m) continue;
      if (metric === 'leads') m.leads += cr.conversions;
      else if (metric === 'deals') m.deals += cr.conversions;
      else if (metric === 'visits') {
        m.visits += cr.conversions;
        m.visitRevenue += cr.value;
      } else {
        m.wonDeals += cr.conversions;
        m.revenue += cr.value;
      }
    }
  }
}

/** Conversions without touches of a metric, on the unattributed row. */
function creditUnattributed(rows: Rows, metric: Metric, n: number, value: number): void {
  const m = rows.get(null);
  if (!m) return;
  if (metric === 'leads') m.leads += n;
  else if (metric === 'deals') m.deals += n;
  else if (metric === 'visits') {
    m.visits += n;
    m.visitRevenue += value;
  } else {
    m.wonDeals += n;
    m.revenue += value;
  }
}

/** Markov credits for a period without pipeline/responsible filters, from the materialised counts. */
export function markovFromCounts(ws: Workspace, q: Pick<ReportQuery, 'groupBy' | 'basis'>, from: string, to: string, tuples: TupleMap, rows: Rows): void {
  const sums = periodSums(ws.db, q.basis, dayInt(from), dayInt(to), ensureOrphanPaths(ws.db, ws.settings));
  const states = new States(q, tuples);
  const paths = emptyPaths();
  for (const metric of METRICS) {
    const p = sums.paths[metric];
    p.path.forEach((path, i) => {
      if (path.length === 0) creditUnattributed(rows, metric, p.n[i]!, p.value[i]!);
      else addPath(paths, metric, path.map(states.of), p.n[i]!, p.value[i]!);
    });
  }
  // a read-only workspace whose non-converting paths were never counted reads them (orphans.ts)
  if (!sums.nulls) {
    creditMarkov(rows, tuples, states, paths, nonConvertingPaths(ws, from, to, states.of));
    return;
  }
  // the period's non-converting transitions at the report's grouping (see orphan-paths.ts)
  const nul = sums.nulls;
  const transitions: NullTransition[] = [];
  for (let i = 0; i < nul.size; i++) {
    const s = states.of(nul.tuple[i]!);
    transitions.push({ from: nul.follows[i] ? states.of(nul.prev[i]!) : null, to: s, count: nul.n[i]! });
    if (nul.ends[i]) transitions.push({ from: s, to: null, count: nul.n[i]! });
  }
  creditMarkov(rows, tuples, states, paths, [], transitions);
}
