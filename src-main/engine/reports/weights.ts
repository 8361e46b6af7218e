// Turns a conversion's touches into credited dimension tuples under a model.
import type { Dimension, Model } from '@shared/contract';
import type { Dims, Normaliser } from '@shared/normalise';
import type { BaseMetrics } from '@shared/metrics';
import type { Db } from '../db/open';
import { orderTouches, type Touch } from '../attribution/touches';
import { weightsFor, type ClassicModel } from '../attribution/models';
import { markovCredits } from '../attribution/markov';
import type { Conversion, Period } from './conversions';

export function touchDims(t: Touch): Dims {
  return { source: t.source, medium: t.medium, campaign: t.campaign, content: t.content, term: t.term };
}

/** Weighted tuples for a classic model; null when the conversion has no touch (unattributed). */
export function conversionWeights(c: Conversion, model: Exclude<Model, 'markov'>): { dims: Dims; w: number }[] | null {
  if (c.touches.length === 0) return null;
  const ordered = orderTouches(c.touches);
  const w = weightsFor(model as ClassicModel, ordered, c.at);
  const out: { dims: Dims; w: number }[] = [];
  ordered.forEach((t, i) => {
    if (w[i]! > 0) out.push({ dims: touchDims(t), w: w[i]! });
  });
  return out;
}

type Add = (dims: Dims | null, patch: Partial<BaseMetrics>) => void;

function stateKey(t: Touch, groupBy: Dimension[]): string {
  return JSON.stringify(groupBy.map((g) => t[g]));
}

/**
 * Markov removal-effect credits (REPORTS.md "Models"): states are the report's dimension tuples;
 * converting paths are the conversions' touch sequences; non-converting paths are the touch
 * sequences in the period of phones/e-mails that have no CRM record at all. One chain per metric
 * (leads, deals, won deals with revenue as value). Conversions without touches stay unattributed.
 */
export function creditMarkov(db: Db, conversions: Conversion[], groupBy: Dimension[], period: Period, norm: Normaliser, add: Add): void {
  const dimsOfState = new Map<string, Dims>();
  const path = (touches: Touch[]) =>
    orderTouches(touches).map((t) => {
      const k = stateKey(t, groupBy);
      if (!dimsOfState.has(k)) dimsOfState.set(k, touchDims(t));
      return k;
    });

  const rows = db
    .prepare(
      `SELECT i.value AS who, 'call' AS kind, c.id, c.at, c.source, c.medium, c.campaign, c.content, c.term
         FROM ct_call c JOIN ident i ON i.owner = 'call' AND i.owner_id = c.id
        WHERE c.at >= @start AND c.at < @end
          AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = i.value AND x.owner IN ('lead', 'contact'))
       UNION ALL
       SELECT i.value, 'request', r.id, r.at, r.source, r.medium, r.campaign, r.content, r.term
         FROM ct_request r JOIN ident i ON i.owner = 'request' AND i.owner_id = r.id
        WHERE r.at >= @start AND r.at < @end
          AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = i.value AND x.owner IN ('lead', 'contact'))`,
    )
    .all(period) as ({ who: string; kind: 'call' | 'request'; id: number; at: number } & Record<Dimension, string | null>)[];
  const byWho = new Map<string, Touch[]>();
  for (const r of rows) {
    const d = norm.dims(r);
    let list = byWho.get(r.who);
    if (!list) byWho.set(r.who, (list = []));
    if (!list.some((t) => t.kind === r.kind && t.id === r.id)) list.push({ id: r.id, at: r.at, kind: r.kind, ...d, direct: norm.isDirect(d) });
  }
  const nullPaths = [...byWho.values()].map(path);

  const run = (pick: (c: Conversion) => boolean, value: (c: Conversion) => number, metric: 'leads' | 'deals' | 'wonDeals') => {
    const paths: { states: string[]; conversions: number; value: number }[] = [];
    for (const c of conversions) {
      if (!pick(c)) continue;
      if (c.touches.length === 0) {
        add(null, metric === 'wonDeals' ? { wonDeals: 1, revenue: value(c) } : { [metric]: 1 });
        continue;
      }
      paths.push({ states: path(c.touches), conversions: 1, value: value(c) });
    }
    if (paths.length === 0) return;
    for (const [state, credit] of markovCredits(paths, nullPaths).credits) {
      const dims = dimsOfState.get(state) ?? null;
      add(dims, metric === 'wonDeals' ? { wonDeals: credit.conversions, revenue: credit.value } : { [metric]: credit.conversions });
    }
  };
  run((c) => c.kind === 'lead' && c.countsAsCreated, () => 0, 'leads');
  run((c) => c.kind === 'deal' && c.countsAsCreated, () => 0, 'deals');
  run((c) => c.kind === 'deal' && c.countsAsWon, (c) => c.revenue, 'wonDeals');
}
