// Match preview (issue 7 item 2): from the local Calltouch cache, the lead Calltouch would most
// likely tie the visit to. It mirrors the order we send: `callContact` first (a call by phone),
// then `requestContact` (a request by e-mail or phone), each "nearest" within searchDepth —
// 180 days BEFORE the visit — and otherwise the custom source «офлайн-визит».
import type { Settings, VisitPreview } from '@shared/contract';
import { instantParts, pad } from '@shared/time';
import type { Db } from '../db/open';

const DEPTH_MS = 180 * 86_400_000;

export interface PreviewQuery {
  phones: string[];
  emails: string[];
  at: string;
  siteId: number | null;
}

interface Hit {
  at: number;
  source: string | null;
  medium: string | null;
  campaign: string | null;
}

function nearest(db: Db, table: 'ct_call' | 'ct_request', owner: 'call' | 'request', values: string[], from: number, to: number, siteId: number | null): Hit | null {
  if (values.length === 0) return null;
  const site = siteId === null ? '' : ' AND x.site_id = ?';
  const sql = `SELECT x.at, x.source, x.medium, x.campaign FROM ident i JOIN ${table} x ON x.id = i.owner_id
               WHERE i.owner = ? AND i.value IN (${values.map(() => '?').join(', ')}) AND x.at >= ? AND x.at <= ?${site}
               ORDER BY x.at DESC LIMIT 1`;
  const args: (string | number)[] = [owner, ...values, from, to];
  if (siteId !== null) args.push(siteId);
  return (db.prepare(sql).get(...args) as Hit | undefined) ?? null;
}

function when(ms: number, tz: string): string {
  const p = instantParts(ms, tz);
  return `${pad(p.d)}.${pad(p.mo)}.${p.y} ${pad(p.h)}:${pad(p.mi)}`;
}

function channel(h: { source: string | null; medium: string | null; campaign: string | null }): string {
  return [h.source, h.medium, h.campaign].map((x) => (x && x.trim() ? x : '—')).join(' / ');
}

export function previewMatch(db: Db, q: PreviewQuery, settings: Settings, tz: string): VisitPreview {
  const at = Date.parse(q.at);
  const from = at - DEPTH_MS;
  const call = nearest(db, 'ct_call', 'call', q.phones, from, at, q.siteId);
  if (call) {
    return {
      match: { kind: 'call', at: new Date(call.at).toISOString(), source: call.source, medium: call.medium, campaign: call.campaign },
      message: `Calltouch, скорее всего, свяжет визит со звонком ${when(call.at, tz)} — ${channel(call)}`,
    };
  }
  const request = nearest(db, 'ct_request', 'request', [...q.emails, ...q.phones], from, at, q.siteId);
  if (request) {
    return {
      match: { kind: 'request', at: new Date(request.at).toISOString(), source: request.source, medium: request.medium, campaign: request.campaign },
      message: `Calltouch, скорее всего, свяжет визит с заявкой ${when(request.at, tz)} — ${channel(request)}`,
    };
  }
  const cs = settings.visits.customSource;
  const named = cs.source === 'офлайн-визит' && cs.medium === 'офлайн-визит' && cs.campaign === 'офлайн-визит' ? '' : ` (${channel(cs)})`;
  return {
    match: null,
    message: `Звонков и заявок этого клиента за 180 дней до визита нет — будет записан как офлайн-визит${named}`,
  };
}
