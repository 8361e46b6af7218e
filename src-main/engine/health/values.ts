// Source and medium values present in the data (calls, requests, leads' and deals' UTM, costs),
// with how many records carry each — the settings screen previews alias rules over them with the
// shared normaliser, so the preview and the engine can never disagree.
import type { DimensionValue, HealthValues } from '@shared/health-schema';
import type { Db } from '../db/open';

const SOURCES: Record<'source' | 'medium', string[]> = {
  source: [
    'SELECT source AS v, count(*) AS n FROM ct_call GROUP BY source',
    'SELECT source AS v, count(*) AS n FROM ct_request GROUP BY source',
    'SELECT utm_source AS v, count(*) AS n FROM b24_lead WHERE deleted = 0 GROUP BY utm_source',
    'SELECT utm_source AS v, count(*) AS n FROM b24_deal WHERE deleted = 0 GROUP BY utm_source',
    "SELECT source AS v, count(*) AS n FROM cost WHERE source <> '' GROUP BY source",
  ],
  medium: [
    'SELECT medium AS v, count(*) AS n FROM ct_call GROUP BY medium',
    'SELECT medium AS v, count(*) AS n FROM ct_request GROUP BY medium',
    'SELECT utm_medium AS v, count(*) AS n FROM b24_lead WHERE deleted = 0 GROUP BY utm_medium',
    'SELECT utm_medium AS v, count(*) AS n FROM b24_deal WHERE deleted = 0 GROUP BY utm_medium',
    "SELECT medium AS v, count(*) AS n FROM cost WHERE medium <> '' GROUP BY medium",
  ],
};

export function dimensionValues(db: Db, limit: number): HealthValues {
  const all: DimensionValue[] = [];
  for (const dimension of ['source', 'medium'] as const) {
    const counts = new Map<string, number>();
    for (const sql of SOURCES[dimension]) {
      for (const r of db.prepare(sql).all() as { v: string | null; n: number }[]) {
        const v = r.v?.trim();
        if (!v) continue;
        counts.set(v, (counts.get(v) ?? 0) + r.n);
      }
    }
    for (const [value, records] of counts) all.push({ dimension, value, records });
  }
  all.sort((a, b) => b.records - a.records || a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
  return { values: all.slice(0, limit), truncated: all.length > limit };
}
