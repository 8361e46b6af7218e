// Costs on report rows (REPORTS.md "Costs at a level"): imported rows (CSV, demo) and rows pulled
// from ad platforms. Both coexist; where an API gives a day + source / medium / campaign (after
// normalisation), the CSV rows of that key are left out, so a cost is never counted twice.
import type { AdPlatform, Dimension } from '@shared/contract';
import type { Dims } from '@shared/normalise';
import type { BaseMetrics } from '@shared/metrics';
import type { Workspace } from '../workspace';
import { currencyConverter } from '../attribution/currency';
import { dayInt } from '../attribution/tuples';
import { adDims } from './ad-mapping';
import { costDimsOf } from '../reports/dims';

export type CostSink = (dims: Partial<Dims> | null, day: number) => BaseMetrics | null;

interface Amounts {
  day: string;
  amount: number;
  currency: string;
  impressions: number | null;
  clicks: number | null;
}

const keyOf = (day: string, d: Dims) => `${day}\u0001${d.source ?? ''}\u0001${d.medium ?? ''}\u0001${d.campaign ?? ''}`;

export function addCosts(ws: Workspace, from: string, to: string, sink: CostSink, byDay = false): void {
  // channel by the same rules as touches, labels in the spelling the reports show
  const dimsOf = costDimsOf(ws);
  const convert = currencyConverter(ws.db, ws.settings.currency);
  const put = (d: Dims, r: Amounts) => {
    const m = sink(d, byDay ? dayInt(r.day) : 0);
    if (!m) return;
    m.cost += convert(String(r.amount), r.currency);
    m.impressions += r.impressions ?? 0;
    m.clicks += r.clicks ?? 0;
  };
  const hasApi = ws.db.prepare('SELECT 1 FROM ad_cost WHERE day >= ? AND day <= ? LIMIT 1').get(from, to) !== undefined;
  const dimsCache = new Map<string, Dims>();
  const apiDims = (platform: AdPlatform, id: string, name: string): Dims => {
    const k = `${platform}\u0001${id}\u0001${name}`;
    let d = dimsCache.get(k);
    if (!d) dimsCache.set(k, (d = dimsOf(adDims(ws.settings, platform, id, name))));
    return d;
  };
  // the keys an API covers, only on days that also have imported rows (the common case has none)
  const covered = new Set<string>();
  if (hasApi) {
    const keys = ws.db
      .prepare(
        `SELECT DISTINCT day, platform, campaign_id, campaign_name FROM ad_cost
          WHERE day >= ? AND day <= ? AND day IN (SELECT DISTINCT day FROM cost WHERE day >= ? AND day <= ?)`,
      )
      .all(from, to, from, to) as { day: string; platform: AdPlatform; campaign_id: string; campaign_name: string }[];
    for (const k of keys) covered.add(keyOf(k.day, apiDims(k.platform, k.campaign_id, k.campaign_name)));
    const apiDay = byDay ? 'day' : "'0'";
    const api = ws.db
      .prepare(
        `SELECT ${apiDay} AS day, platform, campaign_id, campaign_name, currency, sum(amount) AS amount,
                sum(impressions) AS impressions, sum(clicks) AS clicks
           FROM ad_cost WHERE day >= ? AND day <= ? GROUP BY ${byDay ? 'day, ' : ''}platform, campaign_id, campaign_name, currency`,
      )
      .all(from, to) as (Amounts & { platform: AdPlatform; campaign_id: string; campaign_name: string })[];
    for (const r of api) put(apiDims(r.platform, r.campaign_id, r.campaign_name), r);
  }
  const perDay = byDay || covered.size > 0;
  const day = perDay ? 'day' : "'0'";
  const csv = ws.db
    .prepare(
      `SELECT ${day} AS day, source, medium, campaign, content, term, currency, sum(amount) AS amount,
              sum(impressions) AS impressions, sum(clicks) AS clicks
         FROM cost WHERE day >= ? AND day <= ? GROUP BY ${perDay ? 'day, ' : ''}source, medium, campaign, content, term, currency`,
    )
    .all(from, to) as (Record<Exclude<Dimension, 'channel'>, string> & Amounts)[];
  for (const c of csv) {
    const d = dimsOf(c);
    if (covered.size > 0 && covered.has(keyOf(c.day, d))) continue;
    put(d, c);
  }
}
