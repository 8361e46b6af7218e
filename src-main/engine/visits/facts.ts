// What an outbox row sends, read from the current local data at send time: an offline visit, or a
// synced Bitrix24 deal forwarded to Calltouch (seed 002 §2.1–2.2, issue 7 item 5).
import type { Settings } from '@shared/contract';
import type { Db } from '../db/open';
import { prepared } from '../sources/sql';
import type { CustomSource, OrderFacts, SentFacts } from './calltouch-orders';
import { ctRevenue } from './calltouch-orders';
import { emailsOf, getVisitRow, phonesOf, tagsOf, type VisitRow } from './records';

/** Calltouch order number of a forwarded deal. */
export function dealOrderNumber(dealId: number): string {
  return `b24-deal-${dealId}`;
}

export function offlineSource(settings: Settings): CustomSource {
  const cs = settings.visits.customSource;
  return { source: cs.source, medium: cs.medium, campaign: cs.campaign };
}

export function visitFacts(v: VisitRow, settings: Settings): OrderFacts {
  return {
    orderNumber: v.order_number,
    phones: phonesOf(v),
    emails: emailsOf(v),
    at: v.at,
    status: v.status,
    statusAt: v.status_at ?? v.at,
    revenue: v.revenue,
    tags: tagsOf(v),
    comment: v.comment,
    fallback: offlineSource(settings),
  };
}

interface DealRow {
  id: number;
  title: string | null;
  stage_id: string | null;
  stage_name: string | null;
  category_name: string | null;
  opportunity: string | null;
  created_at: number;
  moved_at: number | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  deleted: number;
}

const DEAL = `
  SELECT d.id, d.title, d.stage_id, d.opportunity, d.created_at, d.moved_at, d.deleted,
         d.utm_source, d.utm_medium, d.utm_campaign, d.utm_content, d.utm_term,
         (SELECT name FROM b24_status s WHERE s.status_id = d.stage_id AND s.entity_id LIKE 'DEAL_STAGE%' LIMIT 1) AS stage_name,
         (SELECT name FROM b24_category c WHERE c.id = d.category_id) AS category_name
  FROM b24_deal d`;

/** Phones and e-mails of the deal's contacts (all linked ones) and of the lead it came from. */
const DEAL_IDENT = `
  SELECT DISTINCT kind, value FROM ident
  WHERE (owner = 'contact' AND owner_id IN (
           SELECT contact_id FROM b24_deal_contact WHERE deal_id = @deal
           UNION SELECT contact_id FROM b24_deal WHERE id = @deal AND contact_id IS NOT NULL))
     OR (owner = 'lead' AND owner_id = (SELECT lead_id FROM b24_deal WHERE id = @deal))
  ORDER BY kind, value`;

const MAX_CONTACTS = 10;

function dealStatus(d: DealRow): { status: string; statusAt: number } {
  return { status: d.stage_name ?? d.stage_id ?? 'Сделка', statusAt: d.moved_at ?? d.created_at };
}

/** The deal's own UTMs as the fallback source, or «без источника» when it has none. */
function dealFallback(d: DealRow): CustomSource | 'withoutSource' {
  const s = d.utm_source?.trim();
  if (!s) return 'withoutSource';
  const out: CustomSource = { source: s };
  if (d.utm_medium?.trim()) out.medium = d.utm_medium.trim();
  if (d.utm_campaign?.trim()) out.campaign = d.utm_campaign.trim();
  if (d.utm_content?.trim()) out.content = d.utm_content.trim();
  if (d.utm_term?.trim()) out.term = d.utm_term.trim();
  return out;
}

/** Facts of a synced deal; null when it is gone or deleted in Bitrix24. */
export function dealFacts(db: Db, dealId: number): OrderFacts | null {
  const d = prepared(db, `${DEAL} WHERE d.id = ?`).get(dealId) as DealRow | undefined;
  if (!d || d.deleted) return null;
  const ids = prepared(db, DEAL_IDENT).all({ deal: dealId }) as { kind: 'phone' | 'email'; value: string }[];
  const { status, statusAt } = dealStatus(d);
  return {
    orderNumber: dealOrderNumber(d.id),
    phones: ids.filter((i) => i.kind === 'phone').slice(0, MAX_CONTACTS).map((i) => i.value),
    emails: ids.filter((i) => i.kind === 'email').slice(0, MAX_CONTACTS).map((i) => i.value),
    at: d.created_at,
    status,
    statusAt,
    revenue: d.opportunity ?? '0',
    tags: [],
    comment: '',
    fallback: dealFallback(d),
    ...(d.category_name ? { funnel: d.category_name } : {}),
    ...(d.title ? { orderName: d.title } : {}),
  };
}

/** Facts of whatever an outbox row carries. */
export function factsOf(db: Db, row: { visit_id: number | null; b24_deal_id: number | null }, settings: Settings): OrderFacts | null {
  if (row.visit_id !== null) {
    const v = getVisitRow(db, row.visit_id);
    return v ? visitFacts(v, settings) : null;
  }
  if (row.b24_deal_id !== null) return dealFacts(db, row.b24_deal_id);
  return null;
}

export function parseSent(payload: string | null): SentFacts | null {
  if (!payload) return null;
  try {
    const p = JSON.parse(payload) as Partial<SentFacts>;
    if (typeof p.status !== 'string' || typeof p.revenue !== 'string') return null;
    return {
      status: p.status,
      statusAt: typeof p.statusAt === 'number' ? p.statusAt : 0,
      revenue: p.revenue,
      tags: Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === 'string') : [],
      comment: typeof p.comment === 'string' ? p.comment : '',
    };
  } catch {
    return null;
  }
}

interface ScanRow extends DealRow {
  o_state: string | null;
  o_payload: string | null;
}

/**
 * Queues Calltouch messages for synced deals (when the setting is on): a create for every deal
 * created within `forwardDays` that has none yet, an update for a sent deal whose stage, status
 * date or amount changed since the last send. Returns how many rows were queued.
 */
export function queueDealForwards(
  db: Db,
  settings: Settings,
  now: number,
  siteId: number | null,
  enqueue: (e: { op: 'create' | 'update'; dealId: number; orderNumber: string; siteId: number | null }) => void,
): number {
  const since = now - settings.visits.forwardDays * 86_400_000;
  const rows = prepared(
    db,
    `WITH lo AS (SELECT b24_deal_id, max(id) AS id FROM outbox WHERE b24_deal_id IS NOT NULL AND target = 'calltouch' GROUP BY b24_deal_id)
     ${DEAL.replace('FROM b24_deal d', ', o.state AS o_state, o.payload AS o_payload FROM b24_deal d')}
     LEFT JOIN lo ON lo.b24_deal_id = d.id LEFT JOIN outbox o ON o.id = lo.id
     WHERE d.deleted = 0 AND d.created_at >= ? AND (o.state IS NULL OR o.state = 'sent')
     ORDER BY d.id`,
  ).all(since) as ScanRow[];
  let queued = 0;
  db.transaction(() => {
    for (const d of rows) {
      if (d.o_state === null) {
        enqueue({ op: 'create', dealId: d.id, orderNumber: dealOrderNumber(d.id), siteId });
        queued++;
        continue;
      }
      const last = parseSent(d.o_payload);
      const { status, statusAt } = dealStatus(d);
      if (last && last.status === status && last.statusAt === statusAt && last.revenue === ctRevenue(d.opportunity)) continue;
      enqueue({ op: 'update', dealId: d.id, orderNumber: dealOrderNumber(d.id), siteId });
      queued++;
    }
  })();
  return queued;
}
