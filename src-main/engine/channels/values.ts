// channels:values — the raw (source, medium, campaign) of every kind of touch with how many
// records carry them: the settings screen classifies them with the rules being edited (the same
// shared code as the engine), so its live preview and the reports can never disagree.
import type { ChannelValue, ChannelValues } from '@shared/contract';
import type { TouchKind } from '@shared/channel-rules';
import type { Db } from '../db/open';
import type { Workspace } from '../workspace';

type Row = [kind: TouchKind, source: string | null, medium: string | null, campaign: string | null, n: number];

const NO_UTM = "(utm_source IS NULL OR trim(utm_source) = '')";
/** calls and requests: (kind, source, medium, campaign, records) */
const TOUCHES = [
  "SELECT 'call', source, medium, campaign, count(*) FROM ct_call GROUP BY source, medium, campaign",
  "SELECT 'request', source, medium, campaign, count(*) FROM ct_request GROUP BY source, medium, campaign",
];
/**
 * leads and deals in one pass each: their UTM (crm_utm), or without UTM their CRM source id (each
 * may fall back to it: crm_source); names come from the SOURCE dictionary afterwards
 */
const RECORDS = ['b24_lead', 'b24_deal'].map(
  (t) => `SELECT CASE WHEN ${NO_UTM} THEN source_id END, utm_source, utm_medium, utm_campaign, count(*) FROM ${t}
           WHERE deleted = 0 AND (NOT ${NO_UTM} OR (source_id IS NOT NULL AND source_id <> ''))
           GROUP BY 1, 2, 3, 4`,
);

const cache = new WeakMap<Db, { key: string; all: ChannelValue[] }>();

function all(ws: Workspace): ChannelValue[] {
  const db = ws.db;
  const { changes } = db.prepare('SELECT total_changes() AS changes').get() as { changes: number };
  const vd = ws.settings.visits.customSource;
  const key = `${db.pragma('data_version', { simple: true }) as number}:${changes}:${vd.source}\u0001${vd.medium}\u0001${vd.campaign}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit.all;
  const merged = new Map<string, ChannelValue>();
  const add = (kind: TouchKind, s: string | null, m: string | null, c: string | null, n: number) => {
    const v: ChannelValue = { kind, source: s?.trim() || null, medium: m?.trim() || null, campaign: c?.trim() || null, records: n };
    const k = JSON.stringify([kind, v.source, v.medium, v.campaign]);
    const e = merged.get(k);
    if (e) e.records += n;
    else merged.set(k, v);
  };
  for (const sql of TOUCHES) for (const r of db.prepare(sql).raw(true).all() as Row[]) add(...r);
  const names = new Map(
    (db.prepare("SELECT status_id, name FROM b24_status WHERE entity_id = 'SOURCE'").raw(true).all() as [string, string][]).map(([id, name]) => [id, name]),
  );
  for (const sql of RECORDS) {
    for (const [sourceId, s, m, c, n] of db.prepare(sql).raw(true).all() as [string | null, string | null, string | null, string | null, number][]) {
      if (sourceId === null) add('crm_utm', s, m, c, n);
      else add('crm_source', names.get(sourceId) ?? sourceId, '(crm)', null, n);
    }
  }
  const visits = (db.prepare("SELECT count(*) AS n FROM visit WHERE cancelled = 0 AND NOT (b24_entity = 'deal' AND b24_id IS NOT NULL)").get() as { n: number }).n;
  if (visits > 0) add('visit', vd.source, vd.medium, vd.campaign, visits);
  const list = [...merged.values()].sort(
    (a, b) => b.records - a.records || a.kind.localeCompare(b.kind) || String(a.source).localeCompare(String(b.source)) || String(a.medium).localeCompare(String(b.medium)) || String(a.campaign).localeCompare(String(b.campaign)),
  );
  cache.set(db, { key, all: list });
  return list;
}

export function channelValues(ws: Workspace, limit: number): ChannelValues {
  const list = all(ws);
  const values = list.slice(0, limit);
  let otherRecords = 0;
  for (let i = limit; i < list.length; i++) otherRecords += list[i]!.records;
  return { values, truncated: list.length > limit, otherRecords };
}
