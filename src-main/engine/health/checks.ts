// «Качество данных»: counts of records that weaken the attribution, and the records themselves.
// The definitions are in src-shared/health-schema.ts; matching follows the attribution inputs
// (a deal's phones/e-mails are its lead's and its contacts' — attribution/inputs.ts).
import {
  HEALTH_CHECKS,
  type HealthCheck,
  type HealthCheckKey,
  type HealthRecord,
  type HealthRecords,
  type HealthRecordsQuery,
  type HealthSummary,
  type UnattributedReasonKey,
} from '@shared/health-schema';
import { UNATTRIBUTED_REASONS } from '@shared/metrics';
import type { Workspace } from '../workspace';
import type { Db } from '../db/open';
import { ensureAttribution } from '../attribution/materialise';
import { currencyConverter } from '../attribution/currency';
import { enrichmentFill } from './fill';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** deal id → has a phone/e-mail equal to one of a Calltouch call or request */
const MATCHED_DEALS = `
  SELECT DISTINCT di.deal_id AS id FROM (
    SELECT d.id AS deal_id, i.value FROM b24_deal d JOIN ident i ON i.owner = 'lead' AND i.owner_id = d.lead_id
     WHERE d.deleted = 0
    UNION
    SELECT dc.deal_id, i.value FROM b24_deal_contact dc JOIN b24_deal d ON d.id = dc.deal_id AND d.deleted = 0
      JOIN ident i ON i.owner = 'contact' AND i.owner_id = dc.contact_id
  ) di
  WHERE EXISTS (SELECT 1 FROM ident c WHERE c.value = di.value AND c.owner IN ('call', 'request'))`;

/** WHERE clauses (over b24_lead x / b24_deal x) of the record checks */
const WHERE: Record<'leads_without_utm' | 'deals_unmatched' | 'deals_without_amount' | 'deals_won_time_pending', string> = {
  leads_without_utm: `x.deleted = 0 AND (x.utm_source IS NULL OR trim(x.utm_source) = '')`,
  deals_unmatched: `x.deleted = 0 AND x.id NOT IN (${MATCHED_DEALS})`,
  deals_without_amount: `x.deleted = 0 AND (x.opportunity IS NULL OR trim(x.opportunity) = '' OR CAST(x.opportunity AS REAL) = 0)`,
  deals_won_time_pending: `x.deleted = 0 AND x.id IN (SELECT deal_id FROM b24_won_pending)`,
};

const DUPLICATE_PHONES = `
  SELECT i.value AS phone, count(DISTINCT i.owner_id) AS n, group_concat(DISTINCT i.owner_id) AS ids, max(l.created_at) AS last_at
    FROM ident i JOIN b24_lead l ON l.id = i.owner_id AND l.deleted = 0
   WHERE i.owner = 'lead' AND i.kind = 'phone'
   GROUP BY i.value HAVING count(DISTINCT i.owner_id) > 1`;

function count(db: Db, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

function zeroReasons(): Record<UnattributedReasonKey, number> {
  return { no_contact: 0, no_match: 0, outside_window: 0 };
}

export function healthSummary(ws: Workspace, now: number): HealthSummary {
  const db = ws.db;
  ensureAttribution(db, ws.settings);
  const leads = count(db, 'SELECT count(*) AS n FROM b24_lead WHERE deleted = 0');
  const deals = count(db, 'SELECT count(*) AS n FROM b24_deal WHERE deleted = 0');
  const leadPhones = count(
    db,
    `SELECT count(DISTINCT i.value) AS n FROM ident i JOIN b24_lead l ON l.id = i.owner_id AND l.deleted = 0
      WHERE i.owner = 'lead' AND i.kind = 'phone'`,
  );
  const unattributed = { 1: zeroReasons(), 2: zeroReasons() } as Record<1 | 2, Record<UnattributedReasonKey, number>>;
  const convTotals = { 1: 0, 2: 0 } as Record<1 | 2, number>;
  for (const r of db.prepare('SELECT kind, reason, count(*) AS n FROM conv WHERE kind IN (1, 2) GROUP BY kind, reason').all() as {
    kind: 1 | 2;
    reason: string | null;
    n: number;
  }[]) {
    convTotals[r.kind] += r.n;
    if (r.reason && (UNATTRIBUTED_REASONS as readonly string[]).includes(r.reason)) unattributed[r.kind][r.reason as UnattributedReasonKey] += r.n;
  }
  const sum = (o: Record<UnattributedReasonKey, number>) => o.no_contact + o.no_match + o.outside_window;
  const checks: HealthCheck[] = [
    { key: 'leads_without_utm', count: count(db, `SELECT count(*) AS n FROM b24_lead x WHERE ${WHERE.leads_without_utm}`), total: leads },
    { key: 'deals_unmatched', count: count(db, `SELECT count(*) AS n FROM b24_deal x WHERE ${WHERE.deals_unmatched}`), total: deals },
    { key: 'deals_without_amount', count: count(db, `SELECT count(*) AS n FROM b24_deal x WHERE ${WHERE.deals_without_amount}`), total: deals },
    { key: 'duplicate_phones', count: count(db, `SELECT count(*) AS n FROM (${DUPLICATE_PHONES})`), total: leadPhones },
    { key: 'unattributed_leads', count: sum(unattributed[1]), total: convTotals[1], reasons: unattributed[1] },
    { key: 'unattributed_deals', count: sum(unattributed[2]), total: convTotals[2], reasons: unattributed[2] },
    {
      key: 'deals_won_time_pending',
      count: count(db, `SELECT count(*) AS n FROM b24_deal x WHERE ${WHERE.deals_won_time_pending}`),
      total: count(db, "SELECT count(*) AS n FROM b24_deal WHERE deleted = 0 AND stage_semantic = 'S'"),
    },
  ];
  // the order of HEALTH_CHECKS is the screen's order
  checks.sort((a, b) => HEALTH_CHECKS.indexOf(a.key) - HEALTH_CHECKS.indexOf(b.key));
  return { computedAt: new Date(now).toISOString(), checks, fill: enrichmentFill(db, ws.settings) };
}

interface CrmRow {
  id: number;
  title: string | null;
  created_at: number;
  opportunity?: string | null;
  currency_id?: string | null;
  lead_id?: number | null;
  reason?: string | null;
}

function leadIdsOf(row: CrmRow, kind: 'lead' | 'deal'): number[] {
  if (kind === 'lead') return [row.id];
  return row.lead_id ? [row.lead_id] : [];
}

export function healthRecords(ws: Workspace, q: HealthRecordsQuery): HealthRecords {
  const db = ws.db;
  const page = { limit: q.limit, offset: q.offset };
  const toMoney = currencyConverter(db, ws.settings.currency);
  const crm = (kind: 'lead' | 'deal', rows: CrmRow[]): HealthRecord[] =>
    rows.map((r) => ({
      kind,
      id: r.id,
      title: r.title,
      at: iso(r.created_at),
      amount: kind === 'deal' ? toMoney(r.opportunity ?? null, r.currency_id ?? null) : null,
      reason: (r.reason as UnattributedReasonKey | null | undefined) ?? null,
      leadIds: leadIdsOf(r, kind),
    }));
  const check: HealthCheckKey = q.check;
  switch (check) {
    case 'leads_without_utm': {
      const total = count(db, `SELECT count(*) AS n FROM b24_lead x WHERE ${WHERE[check]}`);
      const rows = db
        .prepare(`SELECT x.id, x.title, x.created_at FROM b24_lead x WHERE ${WHERE[check]} ORDER BY x.created_at DESC, x.id DESC LIMIT @limit OFFSET @offset`)
        .all(page) as CrmRow[];
      return { check, total, offset: q.offset, items: crm('lead', rows) };
    }
    case 'deals_unmatched':
    case 'deals_without_amount':
    case 'deals_won_time_pending': {
      const total = count(db, `SELECT count(*) AS n FROM b24_deal x WHERE ${WHERE[check]}`);
      const rows = db
        .prepare(
          `SELECT x.id, x.title, x.created_at, x.opportunity, x.currency_id, x.lead_id FROM b24_deal x WHERE ${WHERE[check]}
            ORDER BY x.created_at DESC, x.id DESC LIMIT @limit OFFSET @offset`,
        )
        .all(page) as CrmRow[];
      return { check, total, offset: q.offset, items: crm('deal', rows) };
    }
    case 'duplicate_phones': {
      const total = count(db, `SELECT count(*) AS n FROM (${DUPLICATE_PHONES})`);
      const rows = db
        .prepare(`SELECT * FROM (${DUPLICATE_PHONES}) ORDER BY n DESC, last_at DESC, phone LIMIT @limit OFFSET @offset`)
        .all(page) as { phone: string; n: number; ids: string; last_at: number }[];
      return {
        check,
        total,
        offset: q.offset,
        items: rows.map((r) => ({
          kind: 'phone',
          id: null,
          title: r.phone,
          at: iso(r.last_at),
          amount: null,
          reason: null,
          leadIds: r.ids
            .split(',')
            .map(Number)
            .sort((a, b) => a - b),
        })),
      };
    }
    case 'unattributed_leads':
    case 'unattributed_deals': {
      ensureAttribution(db, ws.settings);
      const kind = check === 'unattributed_leads' ? 'lead' : 'deal';
      const table = kind === 'lead' ? 'b24_lead' : 'b24_deal';
      const where = `c.kind = ${kind === 'lead' ? 1 : 2} AND c.reason IS NOT NULL${q.reason ? ' AND c.reason = @reason' : ''}`;
      const params = q.reason ? { ...page, reason: q.reason } : page;
      const total = (db.prepare(`SELECT count(*) AS n FROM conv c WHERE ${where}`).get(params) as { n: number }).n;
      const extra = kind === 'deal' ? ', x.opportunity, x.currency_id, x.lead_id' : '';
      const rows = db
        .prepare(
          `SELECT c.ref_id AS id, x.title, c.at AS created_at, c.reason${extra}
             FROM conv c LEFT JOIN ${table} x ON x.id = c.ref_id
            WHERE ${where} ORDER BY c.at DESC, c.ref_id DESC LIMIT @limit OFFSET @offset`,
        )
        .all(params) as CrmRow[];
      return { check, total, offset: q.offset, items: crm(kind, rows) };
    }
  }
}
