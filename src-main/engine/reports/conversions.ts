// Conversions of a report period and the touches that belong to them (REPORTS.md "Touches").
// Leads: calls/requests matched by the lead's phones/e-mails + its own crm_utm.
// Deals: the touches of its lead, of its contacts' phones/e-mails, its own crm_utm.
import type { ReportQuery } from '@shared/contract';
import type { Normaliser } from '@shared/normalise';
import type { Db } from '../db/open';
import { DEFAULT_TOLERANCE_MS as TOLERANCE_MS, type Touch } from '../attribution/touches';

export interface Conversion {
  kind: 'lead' | 'deal';
  id: number;
  at: number;
  /** deal: won in the counted window */
  wonAt: number | null;
  /** deal revenue in the report currency (0 when none) */
  revenue: number;
  /** which metrics this conversion contributes to */
  countsAsCreated: boolean;
  countsAsWon: boolean;
  touches: Touch[];
  /** had any phone/e-mail or UTM to match by */
  hasContact: boolean;
  /** had matching touches that were all outside the window */
  hadOutside: boolean;
}

interface RawTouchRow {
  conv: number;
  kind: 'call' | 'request';
  id: number;
  at: number;
  convAt: number;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
}

export interface Period {
  start: number;
  end: number;
}

/** Revenue converter to the report currency with the portal's rates (bitrix24.md addendum). */
export function currencyConverter(db: Db, reportCurrency: string): (amount: string | null, currency: string | null) => number {
  const rates = new Map<string, number>();
  for (const r of db.prepare('SELECT code, amount_cnt, amount FROM b24_currency').all() as {
    code: string;
    amount_cnt: number;
    amount: string;
  }[]) {
    const perUnit = Number(r.amount) / (r.amount_cnt || 1);
    if (Number.isFinite(perUnit) && perUnit > 0) rates.set(r.code, perUnit);
  }
  const target = rates.get(reportCurrency) ?? 1;
  return (amount, currency) => {
    const v = amount === null ? 0 : Number(amount);
    if (!Number.isFinite(v) || v === 0) return 0;
    const rate = currency ? (rates.get(currency) ?? (currency === reportCurrency ? target : 1)) : target;
    return (v * rate) / target;
  };
}

function siteFilter(q: ReportQuery, alias: string): string {
  const sites = q.filters.calltouchSites;
  return sites && sites.length ? ` AND ${alias}.site_id IN (${sites.map((s) => Number(s)).join(',')})` : '';
}

function matchedTouchSql(convCte: string, q: ReportQuery): string {
  return `WITH cv AS (${convCte})
    SELECT cv.conv, 'call' AS kind, c.id, c.at, cv.at AS convAt, c.source, c.medium, c.campaign, c.content, c.term
      FROM cv JOIN ident ci ON ci.value = cv.value AND ci.owner = 'call'
      JOIN ct_call c ON c.id = ci.owner_id
      WHERE 1 = 1 ${siteFilter(q, 'c')}
    UNION ALL
    SELECT cv.conv, 'request', r.id, r.at, cv.at, r.source, r.medium, r.campaign, r.content, r.term
      FROM cv JOIN ident ri ON ri.value = cv.value AND ri.owner = 'request'
      JOIN ct_request r ON r.id = ri.owner_id
      WHERE 1 = 1 ${siteFilter(q, 'r')}`;
}

interface ConvRow {
  id: number;
  created_at: number;
  won_at: number | null;
  lead_id: number | null;
  opportunity: string | null;
  currency_id: string | null;
  source_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  has_ident: number;
}

export interface LoadOptions {
  q: ReportQuery;
  period: Period;
  lookbackMs: number;
  norm: Normaliser;
  toReportCurrency: (amount: string | null, currency: string | null) => number;
}

/** Loads leads and deals counted in the period with their eligible touches. */
export function loadConversions(db: Db, o: LoadOptions): Conversion[] {
  const { q, period } = o;
  const sourceNames = new Map(
    (db.prepare("SELECT status_id, name FROM b24_status WHERE entity_id = 'SOURCE'").all() as { status_id: string; name: string }[]).map(
      (r) => [r.status_id, r.name] as const,
    ),
  );
  const resp = q.filters.responsible?.length ? ` AND x.assigned_by_id IN (${q.filters.responsible.map(Number).join(',')})` : '';
  const pipes = q.filters.pipelines?.length ? ` AND x.category_id IN (${q.filters.pipelines.map(Number).join(',')})` : '';
  const identExists = (owner: string, idExpr: string) =>
    `EXISTS (SELECT 1 FROM ident WHERE owner = '${owner}' AND owner_id = ${idExpr})`;

  // leads are counted by creation in both bases
  const leadWhere = `x.deleted = 0 AND x.created_at >= @start AND x.created_at < @end${resp}`;
  const dealWhere =
    q.basis === 'cohort'
      ? `x.deleted = 0${resp}${pipes} AND (
           (x.lead_id IS NOT NULL AND x.lead_id IN (SELECT id FROM b24_lead WHERE deleted = 0 AND created_at >= @start AND created_at < @end))
           OR (x.lead_id IS NULL AND x.created_at >= @start AND x.created_at < @end)
           OR (x.lead_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM b24_lead l WHERE l.id = x.lead_id) AND x.created_at >= @start AND x.created_at < @end))`
      : `x.deleted = 0${resp}${pipes} AND ((x.created_at >= @start AND x.created_at < @end) OR (x.won_at >= @start AND x.won_at < @end))`;

  const params = { start: period.start, end: period.end };
  const leads = db
    .prepare(
      `SELECT x.id, x.created_at, NULL AS won_at, NULL AS lead_id, x.opportunity, x.currency_id, x.source_id,
              x.utm_source, x.utm_medium, x.utm_campaign, x.utm_content, x.utm_term, ${identExists('lead', 'x.id')} AS has_ident
         FROM b24_lead x WHERE ${leadWhere}`,
    )
    .all(params) as ConvRow[];
  const deals = db
    .prepare(
      `SELECT x.id, x.created_at, x.won_at, x.lead_id, x.opportunity, x.currency_id, x.source_id,
              x.utm_source, x.utm_medium, x.utm_campaign, x.utm_content, x.utm_term,
              (${identExists('lead', 'x.lead_id')} OR EXISTS (SELECT 1 FROM b24_deal_contact dc JOIN ident i ON i.owner = 'contact' AND i.owner_id = dc.contact_id WHERE dc.deal_id = x.id)) AS has_ident
         FROM b24_deal x WHERE ${dealWhere}`,
    )
    .all(params) as ConvRow[];

  const leadPeriod = `l.deleted = 0 AND l.created_at >= @start AND l.created_at < @end${resp.replaceAll('x.', 'l.')}`;
  const leadTouches = db
    .prepare(matchedTouchSql(`SELECT l.id AS conv, l.created_at AS at, i.value FROM b24_lead l JOIN ident i ON i.owner = 'lead' AND i.owner_id = l.id WHERE ${leadPeriod}`, q))
    .all(params) as RawTouchRow[];

  const dealIds = deals.map((d) => d.id);
  const dealTouches: RawTouchRow[] = [];
  const dealTouchStmt = db.prepare(
    matchedTouchSql(
      `SELECT d.id AS conv, d.created_at AS at, i.value FROM b24_deal d JOIN ident i ON i.owner = 'lead' AND i.owner_id = d.lead_id
         WHERE d.id IN (SELECT value FROM json_each(@ids))
       UNION
       SELECT d.id, d.created_at, i.value FROM b24_deal d JOIN b24_deal_contact dc ON dc.deal_id = d.id
         JOIN ident i ON i.owner = 'contact' AND i.owner_id = dc.contact_id
         WHERE d.id IN (SELECT value FROM json_each(@ids))`,
      q,
    ),
  );
  for (let i = 0; i < dealIds.length; i += 5000) {
    dealTouches.push(...(dealTouchStmt.all({ ids: JSON.stringify(dealIds.slice(i, i + 5000)) }) as RawTouchRow[]));
  }
  // a deal's lead's own crm_utm is one of the deal's touches
  const leadUtm = new Map<number, ConvRow>();
  const leadIdsOfDeals = [...new Set(deals.map((d) => d.lead_id).filter((x): x is number => x !== null))];
  const leadUtmStmt = db.prepare(
    `SELECT id, created_at, NULL AS won_at, NULL AS lead_id, NULL AS opportunity, NULL AS currency_id, source_id,
            utm_source, utm_medium, utm_campaign, utm_content, utm_term, 0 AS has_ident
       FROM b24_lead WHERE id IN (SELECT value FROM json_each(?)) AND utm_source IS NOT NULL AND trim(utm_source) <> ''`,
  );
  for (let i = 0; i < leadIdsOfDeals.length; i += 5000) {
    for (const r of leadUtmStmt.all(JSON.stringify(leadIdsOfDeals.slice(i, i + 5000))) as ConvRow[]) leadUtm.set(r.id, r);
  }

  const group = (rows: RawTouchRow[]) => {
    const m = new Map<number, RawTouchRow[]>();
    for (const r of rows) {
      let a = m.get(r.conv);
      if (!a) m.set(r.conv, (a = []));
      a.push(r);
    }
    return m;
  };
  const leadMap = group(leadTouches);
  const dealMap = group(dealTouches);

  const build = (kind: 'lead' | 'deal', r: ConvRow, matched: RawTouchRow[] | undefined): Conversion => {
    const touches: Touch[] = [];
    const seen = new Set<string>();
    let hadOutside = false;
    const from = r.created_at - o.lookbackMs;
    const to = r.created_at + TOLERANCE_MS;
    for (const t of matched ?? []) {
      if (t.at < from || t.at > to) {
        hadOutside = true;
        continue;
      }
      const key = `${t.kind}:${t.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const dims = o.norm.dims(t);
      touches.push({ id: t.id, at: t.at, kind: t.kind, ...dims, direct: o.norm.isDirect(dims) });
    }
    const utmRows = [r, ...(kind === 'deal' && r.lead_id !== null && leadUtm.has(r.lead_id) ? [leadUtm.get(r.lead_id)!] : [])];
    let hasUtm = false;
    for (const u of utmRows) {
      if (!u.utm_source || u.utm_source.trim() === '') continue;
      hasUtm = true;
      if (u.created_at < from || u.created_at > to) continue;
      const dims = o.norm.dims({ source: u.utm_source, medium: u.utm_medium, campaign: u.utm_campaign, content: u.utm_content, term: u.utm_term });
      touches.push({ id: u.id, at: u.created_at, kind: 'crm_utm', ...dims, direct: o.norm.isDirect(dims) });
    }
    if (touches.length === 0 && r.source_id) {
      const dims = o.norm.dims({ source: sourceNames.get(r.source_id) ?? r.source_id, medium: '(crm)' });
      touches.push({ id: r.id, at: r.created_at, kind: 'crm_source', ...dims, direct: o.norm.isDirect(dims) });
    }
    const inP = (t: number | null) => t !== null && t >= period.start && t < period.end;
    return {
      kind,
      id: r.id,
      at: r.created_at,
      wonAt: r.won_at,
      revenue: kind === 'deal' ? o.toReportCurrency(r.opportunity, r.currency_id) : 0,
      countsAsCreated: q.basis === 'cohort' ? true : inP(r.created_at),
      countsAsWon: r.won_at !== null && (q.basis === 'cohort' ? true : inP(r.won_at)),
      touches,
      hasContact: r.has_ident === 1 || hasUtm,
      hadOutside,
    };
  };
  return [...leads.map((r) => build('lead', r, leadMap.get(r.id))), ...deals.map((r) => build('deal', r, dealMap.get(r.id)))];
}
