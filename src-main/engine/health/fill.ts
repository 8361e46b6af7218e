// «Качество данных»: how many calls and requests carry a city, a device and a landing page (issue
// 19), per source — sources matched case-insensitively, shown by the label reports show.
import type { EnrichmentFill } from '@shared/health-schema';
import type { Settings } from '@shared/contract';
import { labelKey } from '@shared/normalise';
import type { Db } from '../db/open';
import { loadLabels } from '../attribution/labels';

const TOUCHES = `SELECT source, city, device, landing FROM ct_call UNION ALL SELECT source, city, device, landing FROM ct_request`;

/** Per source (most touches first; no source last): touches and how many have each value. */
export function enrichmentFill(db: Db, settings: Pick<Settings, 'normalisation'>): EnrichmentFill[] {
  const labels = loadLabels(db, settings);
  const bySource = new Map<string | null, EnrichmentFill>();
  const rows = db
    .prepare(
      `SELECT source, count(*) AS touches, count(city) AS city, count(device) AS device, count(landing) AS landing
         FROM (${TOUCHES}) GROUP BY source`,
    )
    .all() as { source: string | null; touches: number; city: number; device: number; landing: number }[];
  for (const r of rows) {
    const key = labelKey(r.source);
    let f = bySource.get(key);
    if (!f) bySource.set(key, (f = { source: labels.of('source', key), touches: 0, city: 0, device: 0, landing: 0 }));
    f.touches += r.touches;
    f.city += r.city;
    f.device += r.device;
    f.landing += r.landing;
  }
  return [...bySource.values()].sort((a, b) => Number(a.source === null) - Number(b.source === null) || b.touches - a.touches);
}
