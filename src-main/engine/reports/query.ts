// reports:query — metrics per dimension tuple for a period, per docs/REPORTS.md.
import type { ReportQuery, ReportResult, ReportRow, Dimension, Model } from '@shared/contract';
import { emptyBaseMetrics, withRatios, type BaseMetrics } from '@shared/metrics';
import { makeNormaliser, type Dims, type Normaliser } from '@shared/normalise';
import { periodRange } from '@shared/time';
import { comparePeriod } from '@shared/periods';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { currencyConverter, loadConversions, type Conversion, type Period } from './conversions';
import { conversionWeights, creditMarkov } from './weights';

const DAY_MS = 86_400_000;
const UNATTRIBUTED = '\u0000unattributed';

interface Acc {
  dims: Partial<Dims>;
  unattributed: boolean;
  m: BaseMetrics;
}

class Rows {
  private readonly map = new Map<string, Acc>();
  constructor(private readonly groupBy: Dimension[]) {}

  key(d: Partial<Dims>): string {
    return this.groupBy.map((g) => d[g] ?? '\u0001').join('\u0002');
  }

  get(d: Partial<Dims> | null): BaseMetrics {
    const k = d === null ? UNATTRIBUTED : this.key(d);
    let acc = this.map.get(k);
    if (!acc) {
      const dims: Partial<Dims> = {};
      for (const g of this.groupBy) dims[g] = d === null ? null : (d[g] ?? null);
      acc = { dims, unattributed: d === null, m: emptyBaseMetrics() };
      this.map.set(k, acc);
    }
    return acc.m;
  }

  toRows(): ReportRow[] {
    const out = [...this.map.values()].map((a) => ({ ...a.dims, unattributed: a.unattributed, ...withRatios(a.m) }) as ReportRow);
    return out.sort((a, b) => Number(a.unattributed) - Number(b.unattributed) || b.leads - a.leads || b.revenue - a.revenue || b.calls - a.calls);
  }
}

function matchesDimFilter(q: ReportQuery, d: Partial<Dims> | null): boolean {
  const f = q.filters.dimensions;
  if (!f) return true;
  for (const [dim, values] of Object.entries(f) as [Dimension, (string | null)[]][]) {
    if (!values || values.length === 0) continue;
    if (d === null) return false;
    if (!values.includes(d[dim] ?? null)) return false;
  }
  return true;
}

function countTracking(db: Db, q: ReportQuery, p: Period, norm: Normaliser, rows: Rows): void {
  const sites = q.filters.calltouchSites?.length ? ` AND site_id IN (${q.filters.calltouchSites.map(Number).join(',')})` : '';
  const calls = db
    .prepare(
      `SELECT source, medium, campaign, content, term, count(*) AS n, sum(uniq_target_call) AS ut
         FROM ct_call WHERE at >= ? AND at < ?${sites} GROUP BY source, medium, campaign, content, term`,
    )
    .all(p.start, p.end) as (Record<Dimension, string | null> & { n: number; ut: number })[];
  for (const c of calls) {
    const d = norm.dims(c);
    if (!matchesDimFilter(q, d)) continue;
    const m = rows.get(d);
    m.calls += c.n;
    m.uniqueTargetCalls += c.ut;
  }
  const reqs = db
    .prepare(
      `SELECT source, medium, campaign, content, term, count(*) AS n, sum(uniq_target_request) AS ut
         FROM ct_request WHERE at >= ? AND at < ?${sites} GROUP BY source, medium, campaign, content, term`,
    )
    .all(p.start, p.end) as (Record<Dimension, string | null> & { n: number; ut: number })[];
  for (const r of reqs) {
    const d = norm.dims(r);
    if (!matchesDimFilter(q, d)) continue;
    const m = rows.get(d);
    m.requests += r.n;
    m.uniqueTargetRequests += r.ut;
  }
}

type Convert = (amount: string | null, currency: string | null) => number;

function addCosts(db: Db, q: ReportQuery, from: string, to: string, norm: Normaliser, rows: Rows, convert: Convert): void {
  const costs = db
    .prepare(
      `SELECT source, medium, campaign, content, term, currency, sum(amount) AS amount
         FROM cost WHERE day >= ? AND day <= ? GROUP BY source, medium, campaign, content, term, currency`,
    )
    .all(from, to) as (Record<Dimension, string> & { amount: number; currency: string })[];
  for (const c of costs) {
    const d = norm.dims(c);
    if (!matchesDimFilter(q, d)) continue;
    rows.get(d).cost += convert(String(c.amount), c.currency);
  }
}

function creditConversion(c: Conversion, weights: { dims: Dims; w: number }[] | null, q: ReportQuery, rows: Rows): void {
  const targets = weights ?? [{ dims: null, w: 1 }];
  for (const { dims, w } of targets) {
    if (!matchesDimFilter(q, dims)) continue;
    const m = rows.get(dims);
    if (c.kind === 'lead') {
      if (c.countsAsCreated) m.leads += w;
    } else {
      if (c.countsAsCreated) m.deals += w;
      if (c.countsAsWon) {
        m.wonDeals += w;
        m.revenue += w * c.revenue;
      }
    }
  }
}

function runPeriod(ws: Workspace, q: ReportQuery, model: Model, from: string, to: string): { rows: ReportRow[]; totals: ReportResult['totals'] } {
  const s = ws.settings;
  const norm = makeNormaliser(s.normalisation);
  const { start, end } = periodRange(from, to, s.timeZone);
  const period = { start, end };
  const rows = new Rows(q.groupBy);
  const convert = currencyConverter(ws.db, s.currency);
  const conversions = loadConversions(ws.db, {
    q: { ...q, from, to },
    period,
    lookbackMs: s.lookbackDays * DAY_MS,
    norm,
    toReportCurrency: convert,
  });
  if (model === 'markov') {
    creditMarkov(ws.db, conversions, q.groupBy, period, norm, (dims, patch) => {
      if (!matchesDimFilter(q, dims)) return;
      const m = rows.get(dims);
      for (const [k, v] of Object.entries(patch) as [keyof BaseMetrics, number][]) m[k] += v;
    });
  } else {
    for (const c of conversions) creditConversion(c, conversionWeights(c, model), q, rows);
  }
  countTracking(ws.db, q, period, norm, rows);
  addCosts(ws.db, q, from, to, norm, rows, convert);
  const list = rows.toRows();
  const totals = emptyBaseMetrics();
  for (const r of list) for (const k of Object.keys(totals) as (keyof BaseMetrics)[]) totals[k] += r[k];
  return { rows: list, totals: withRatios(totals) };
}

export function runReport(ws: Workspace, q: ReportQuery): ReportResult {
  const model = q.model ?? ws.settings.defaultModel;
  const main = runPeriod(ws, q, model, q.from, q.to);
  const result: ReportResult = {
    workspace: ws.meta.name,
    from: q.from,
    to: q.to,
    timeZone: ws.settings.timeZone,
    model,
    basis: q.basis,
    groupBy: q.groupBy,
    currency: ws.settings.currency,
    rows: main.rows,
    totals: main.totals,
  };
  if (q.compare) {
    const cp = comparePeriod(q.from, q.to, q.compare);
    const c = runPeriod(ws, q, model, cp.from, cp.to);
    result.compare = { from: cp.from, to: cp.to, rows: c.rows, totals: c.totals };
  }
  return result;
}
