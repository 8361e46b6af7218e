// Data health (issue 16): cost coverage by source / medium over a period — leads (default model),
// cost in the report currency, days with a cost row, and whether the costs came from a file, an
// ad platform's API or both. Sources with leads and no cost are the ones whose CPL/ROMI are missing.
import { ReportQuerySchema, type AdPlatform, type CostCoverage, type CostCoverageRow } from '@shared/contract';
import { makeNormaliser } from '@shared/normalise';
import { daysBetween } from '@shared/time';
import type { Workspace } from '../workspace';
import { runReport } from '../reports/query';
import { adDims } from './ad-mapping';

export function costCoverage(ws: Workspace, from: string, to: string): CostCoverage {
  const report = runReport(ws, ReportQuerySchema.parse({ from, to, groupBy: ['source', 'medium'] }));
  const norm = makeNormaliser(ws.settings.normalisation);
  const key = (s: string | null, m: string | null) => `${s ?? ''}\u0001${m ?? ''}`;
  const seen = new Map<string, { csv: Set<string>; api: Set<string> }>();
  const mark = (k: string, kind: 'csv' | 'api', day: string) => {
    let e = seen.get(k);
    if (!e) seen.set(k, (e = { csv: new Set(), api: new Set() }));
    e[kind].add(day);
  };
  for (const r of ws.db.prepare('SELECT DISTINCT day, source, medium FROM cost WHERE day >= ? AND day <= ? AND amount > 0').all(from, to) as { day: string; source: string; medium: string }[]) {
    const d = norm.dims(r);
    mark(key(d.source, d.medium), 'csv', r.day);
  }
  for (const r of ws.db
    .prepare('SELECT DISTINCT day, platform, campaign_id, campaign_name FROM ad_cost WHERE day >= ? AND day <= ? AND amount > 0')
    .all(from, to) as { day: string; platform: AdPlatform; campaign_id: string; campaign_name: string }[]) {
    const d = norm.dims(adDims(ws.settings, r.platform, r.campaign_id, r.campaign_name));
    mark(key(d.source, d.medium), 'api', r.day);
  }
  const rows: CostCoverageRow[] = report.rows
    .filter((r) => !r.unattributed && (r.leads > 0 || r.cost > 0))
    .map((r) => {
      const e = seen.get(key(r.source ?? null, r.medium ?? null));
      const days = e ? new Set([...e.csv, ...e.api]).size : 0;
      const origin: CostCoverageRow['origin'] = !e ? 'none' : e.csv.size && e.api.size ? 'both' : e.api.size ? 'api' : 'csv';
      return { source: r.source ?? null, medium: r.medium ?? null, leads: r.leads, cost: r.cost, days, origin };
    })
    .sort((a, b) => b.leads - a.leads || b.cost - a.cost);
  return { from, to, days: daysBetween(from, to) + 1, rows };
}
