// What the sync reads for each CRM entity: list method, field names, the narrow select, and how
// a page of raw records becomes rows (map.ts) and lands in the raw tables (store.ts).
// Leads use legacy crm.lead.list (PHONE/EMAIL can be selected there, §5.3); deals use
// crm.item.list entityTypeId 2 (contactIds, §5.3); contacts crm.contact.list with PHONE/EMAIL.
// Multi-fields are never covered by "*" — they are named explicitly (§3.1).
import type { Db } from '../../db/open';
import type { Logger } from '../../log';
import type { B24ContactRaw, B24DealItemRaw, B24LeadRaw } from './api-types';
import { B24MapError, mapContact, mapDeal, mapLead, type ContactRow, type DealRow, type LeadRow } from './map';
import { upsertContacts, upsertDeals, upsertLeads, type B24Entity } from './store';
import { prepared } from '../sql';

export interface EntitySpec {
  entity: B24Entity;
  method: string;
  /** fixed parameters (entityTypeId for crm.item.list) */
  base: Record<string, unknown>;
  /** id field in filter/order/select */
  id: 'ID' | 'id';
  /** "modified" field for delta filters */
  modified: 'DATE_MODIFY' | 'updatedTime';
  select: string[];
}

export const LEAD: EntitySpec = {
  entity: 'lead',
  method: 'crm.lead.list',
  base: {},
  id: 'ID',
  modified: 'DATE_MODIFY',
  select: [
    'ID', 'TITLE', 'STATUS_ID', 'STATUS_SEMANTIC_ID', 'SOURCE_ID',
    'UTM_SOURCE', 'UTM_MEDIUM', 'UTM_CAMPAIGN', 'UTM_CONTENT', 'UTM_TERM',
    'OPPORTUNITY', 'CURRENCY_ID', 'DATE_CREATE', 'DATE_MODIFY', 'DATE_CLOSED',
    'CONTACT_ID', 'ASSIGNED_BY_ID', 'PHONE', 'EMAIL',
  ],
};

export const DEAL: EntitySpec = {
  entity: 'deal',
  method: 'crm.item.list',
  base: { entityTypeId: 2 },
  id: 'id',
  modified: 'updatedTime',
  select: [
    'id', 'title', 'categoryId', 'stageId', 'stageSemanticId', 'opportunity', 'currencyId',
    'createdTime', 'updatedTime', 'movedTime', 'closedate', 'closed', 'sourceId',
    'utmSource', 'utmMedium', 'utmCampaign', 'utmContent', 'utmTerm',
    'leadId', 'contactId', 'contactIds', 'companyId', 'assignedById',
  ],
};

export const CONTACT: EntitySpec = {
  entity: 'contact',
  method: 'crm.contact.list',
  base: {},
  id: 'ID',
  modified: 'DATE_MODIFY',
  select: ['ID', 'NAME', 'LAST_NAME', 'DATE_MODIFY', 'PHONE', 'EMAIL'],
};

/** Numeric id of a raw record of either naming style (NaN when unusable). */
export function rawId(spec: EntitySpec, raw: unknown): number {
  if (!raw || typeof raw !== 'object') return NaN;
  const v = (raw as Record<string, unknown>)[spec.id];
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : NaN;
}

/** Maps what can be mapped; a record without id or creation time is logged and skipped. */
function mapAll<R, T>(entity: string, raws: readonly R[], map: (r: R) => T, log: Logger): T[] {
  const out: T[] = [];
  for (const r of raws) {
    try {
      out.push(map(r));
    } catch (err) {
      if (!(err instanceof B24MapError)) throw err;
      log.warn(`${entity}: запись пропущена — ${err.message}`);
    }
  }
  return out;
}

export function mapLeads(raws: readonly unknown[], log: Logger): LeadRow[] {
  return mapAll('lead', raws as B24LeadRaw[], mapLead, log);
}

export function mapDeals(raws: readonly unknown[], wonAt: ReadonlyMap<number, number>, log: Logger): DealRow[] {
  return mapAll('deal', raws as B24DealItemRaw[], (r) => mapDeal(r, wonAt.get(Number(r.id)) ?? null), log);
}

export function mapContacts(raws: readonly unknown[], log: Logger): ContactRow[] {
  return mapAll('contact', raws as B24ContactRaw[], mapContact, log);
}

/** Won deals that carry no movedTime: their won time must come from crm.stagehistory.list. */
export function dealsNeedingHistory(raws: readonly unknown[]): number[] {
  const out: number[] = [];
  for (const r of raws as B24DealItemRaw[]) {
    const sem = typeof r.stageSemanticId === 'string' ? r.stageSemanticId.toUpperCase() : '';
    if (sem === 'S' && (r.movedTime === null || r.movedTime === undefined || r.movedTime === '')) {
      const id = Number(r.id);
      if (Number.isInteger(id) && id > 0) out.push(id);
    }
  }
  return out;
}

export function writeLeads(db: Db, rows: readonly LeadRow[]): number {
  return upsertLeads(db, rows);
}

export function writeDeals(db: Db, rows: readonly DealRow[]): number {
  return upsertDeals(db, rows);
}

const LINKED = 'SELECT 1 FROM b24_deal_contact WHERE contact_id = ? UNION ALL SELECT 1 FROM b24_contact WHERE id = ? LIMIT 1';

/** Contacts are kept for deals: a changed contact no synced deal links to is not stored. */
export function writeLinkedContacts(db: Db, rows: readonly ContactRow[]): number {
  const st = prepared(db, LINKED);
  return upsertContacts(
    db,
    rows.filter((r) => st.get(r.id, r.id) !== undefined),
  );
}

export function writeContacts(db: Db, rows: readonly ContactRow[]): number {
  return upsertContacts(db, rows);
}
