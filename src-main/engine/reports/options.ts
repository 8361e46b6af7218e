// reports:options — what the period bar's filters can offer for a period, taken from the data:
// pipelines with deals in the period, responsibles with leads/deals, Calltouch sites with calls or
// requests, and the dimension values seen (touch tuples credited by any model, tracked calls and
// requests, imported costs). Every list is busiest first; names come from the Bitrix24
// dictionaries and the Calltouch settings (null when unknown, the renderer shows the id).
import { DIMENSIONS, type Dimension } from '@shared/metrics';
import type { FilterOption, OptionsQuery, ReportOptions } from '@shared/contract';
import type { Workspace } from '../workspace';
import { ensureAttribution } from '../attribution/materialise';
import { CLASSIC_MODELS } from '../attribution/models';
import { dayInt } from '../attribution/tuples';
import { loadTuples } from './query';
import { costDimsOf } from './dims';
import { eventPeriod } from './conv-period';

type Counted = { id: number; name: string | null; count: number };

function byCount<K>(list: FilterOption<K>[], limit: number): FilterOption<K>[] {
  return list
    .sort((a, b) => b.count - a.count || String(a.name ?? a.id ?? '').localeCompare(String(b.name ?? b.id ?? ''), 'ru'))
    .slice(0, limit);
}

export function reportOptions(ws: Workspace, q: OptionsQuery): ReportOptions {
  ensureAttribution(ws.db, ws.settings);
  const a = dayInt(q.from);
  const b = dayInt(q.to);
  const db = ws.db;

  // deals created or won in the period, per pipeline (leads have none)
  const pipelines = db
    .prepare(
      `SELECT c.category AS id, k.name AS name, count(*) AS count
         FROM conv c LEFT JOIN b24_category k ON k.id = c.category
        WHERE c.kind = 2 AND c.category IS NOT NULL AND ${eventPeriod('2')}
        GROUP BY c.category`,
    )
    .all({ a, b }) as Counted[];

  const responsible = db
    .prepare(
      `SELECT c.assigned AS id, u.name AS name, count(*) AS count
         FROM conv c LEFT JOIN b24_user u ON u.id = c.assigned
        WHERE c.kind IN (1, 2) AND c.assigned IS NOT NULL AND ${eventPeriod('1, 2')}
        GROUP BY c.assigned`,
    )
    .all({ a, b }) as Counted[];

  const siteNames = new Map(ws.settings.calltouch.sites.map((s) => [s.siteId, s.name.trim() || null]));
  const siteCounts = db
    .prepare('SELECT site_id AS id, sum(calls) + sum(requests) AS count FROM rollup_tracking WHERE day BETWEEN ? AND ? GROUP BY site_id')
    .all(a, b) as { id: number; count: number }[];
  const sites = new Map<number, FilterOption>();
  for (const s of siteCounts) sites.set(s.id, { id: s.id, name: siteNames.get(s.id) ?? null, count: s.count });
  // a configured site with nothing in the period is still a choice (it shows 0)
  for (const [id, name] of siteNames) if (!sites.has(id)) sites.set(id, { id, name, count: 0 });

  // dimension values: activity per tuple = leads/deals credited under the linear model (every touch
  // of a path gets a share, so every touched tuple appears) + tracked calls and requests
  const tuples = loadTuples(ws);
  const activity = new Map<number, number>();
  const add = (id: number, n: number) => activity.set(id, (activity.get(id) ?? 0) + n);
  const linear = CLASSIC_MODELS.indexOf('linear');
  for (const r of db
    .prepare(
      `SELECT tuple_id AS id, sum(leads) + sum(deals) + sum(visits) AS n FROM rollup
        WHERE model = ? AND day BETWEEN ? AND ? AND tuple_id <> 0 GROUP BY tuple_id`,
    )
    .all(linear, a, b) as { id: number; n: number }[])
    add(r.id, r.n);
  for (const r of db
    .prepare('SELECT tuple_id AS id, sum(calls) + sum(requests) AS n FROM rollup_tracking WHERE day BETWEEN ? AND ? GROUP BY tuple_id')
    .all(a, b) as { id: number; n: number }[])
    add(r.id, r.n);

  const values = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map<string | null, number>()])) as Record<Dimension, Map<string | null, number>>;
  const bump = (d: Dimension, v: string | null, n: number) => values[d].set(v, (values[d].get(v) ?? 0) + n);
  for (const [id, n] of activity) {
    const t = tuples.get(id);
    if (!t) continue;
    for (const d of DIMENSIONS) bump(d, t[d], n);
  }
  // campaigns with spend but no lead yet are worth filtering by too
  const costDims = costDimsOf(ws);
  for (const c of db
    .prepare('SELECT DISTINCT source, medium, campaign, content, term FROM cost WHERE day >= ? AND day <= ?')
    .all(q.from, q.to) as Record<Exclude<Dimension, 'channel'>, string | null>[]) {
    const t = costDims(c);
    for (const d of DIMENSIONS) bump(d, t[d] ?? null, 0);
  }

  const dimensions = Object.fromEntries(
    DIMENSIONS.map((d) => [
      d,
      byCount(
        [...values[d]].map(([v, n]) => ({ id: v, name: v, count: round2(n) })),
        q.limit,
      ),
    ]),
  ) as Record<Dimension, FilterOption<string | null>[]>;

  return {
    pipelines: byCount(pipelines, q.limit),
    responsible: byCount(responsible, q.limit),
    sites: byCount([...sites.values()], q.limit),
    dimensions,
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
