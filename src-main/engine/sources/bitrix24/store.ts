// Upserts of mapped Bitrix24 rows into the raw tables. No function here opens a transaction:
// the caller (sync, demo loader) wraps one page and its cursor in a single db.transaction.
// Every upsert returns how many records were inserted or actually changed (row, identities or
// deal contacts), so re-writing an unchanged page returns 0 and leaves the file as it was.
import type { Db } from '../../db/open';
import { defineTable, deleteIdentities, prepared, replaceIdentities, writeRow, type SqlValue, type TableSpec } from '../sql';
import type { CategoryRow, ContactRow, CurrencyRow, DealRow, LeadRow, StatusRow, UserRow } from './map';

const LEAD = defineTable('b24_lead', ['id'], [
  'title', 'status_id', 'status_semantic', 'source_id',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term',
  'opportunity', 'currency_id', 'created_at', 'modified_at', 'closed_at',
  'contact_id', 'assigned_by_id', 'deleted',
]);

function leadValues(r: LeadRow): SqlValue[] {
  return [
    r.id, r.title, r.statusId, r.statusSemantic, r.sourceId,
    r.utmSource, r.utmMedium, r.utmCampaign, r.utmContent, r.utmTerm,
    r.opportunity, r.currencyId, r.createdAt, r.modifiedAt, r.closedAt,
    r.contactId, r.assignedById, 0,
  ];
}

const DEAL = defineTable('b24_deal', ['id'], [
  'title', 'category_id', 'stage_id', 'stage_semantic', 'opportunity', 'currency_id',
  'created_at', 'modified_at', 'moved_at', 'closedate', 'closed', 'won_at', 'source_id',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term',
  'lead_id', 'contact_id', 'company_id', 'assigned_by_id', 'deleted',
]);

function dealValues(r: DealRow): SqlValue[] {
  return [
    r.id, r.title, r.categoryId, r.stageId, r.stageSemantic, r.opportunity, r.currencyId,
    r.createdAt, r.modifiedAt, r.movedAt, r.closedate, r.closed, r.wonAt, r.sourceId,
    r.utmSource, r.utmMedium, r.utmCampaign, r.utmContent, r.utmTerm,
    r.leadId, r.contactId, r.companyId, r.assignedById, 0,
  ];
}

const CONTACT = defineTable('b24_contact', ['id'], ['name', 'modified_at', 'deleted']);
const STATUS = defineTable('b24_status', ['entity_id', 'status_id'], ['name', 'semantics', 'sort', 'category_id']);
const CATEGORY = defineTable('b24_category', ['id'], ['name', 'sort', 'is_default']);
const CURRENCY = defineTable('b24_currency', ['code'], ['amount_cnt', 'amount', 'base']);
const USER = defineTable('b24_user', ['id'], ['name']);

const SELECT_DEAL_CONTACTS = 'SELECT contact_id FROM b24_deal_contact WHERE deal_id = ?';
const DELETE_DEAL_CONTACTS = 'DELETE FROM b24_deal_contact WHERE deal_id = ?';
const INSERT_DEAL_CONTACT = 'INSERT OR IGNORE INTO b24_deal_contact (deal_id, contact_id) VALUES (?, ?)';

export function upsertLeads(db: Db, rows: readonly LeadRow[]): number {
  let changed = 0;
  for (const r of rows) {
    const rowChanged = writeRow(db, LEAD, leadValues(r)).changed;
    const identChanged = replaceIdentities(db, 'lead', r.id, r);
    if (rowChanged || identChanged) changed++;
  }
  return changed;
}

function replaceDealContacts(db: Db, dealId: number, contactIds: readonly number[]): boolean {
  const have = (prepared(db, SELECT_DEAL_CONTACTS).all(dealId) as { contact_id: number }[]).map((r) => r.contact_id);
  if (have.length === contactIds.length && have.every((c) => contactIds.includes(c))) return false;
  if (have.length > 0) prepared(db, DELETE_DEAL_CONTACTS).run(dealId);
  const ins = prepared(db, INSERT_DEAL_CONTACT);
  for (const c of contactIds) ins.run(dealId, c);
  return true;
}

/** Upserts deals and rewrites their b24_deal_contact links. */
export function upsertDeals(db: Db, rows: readonly DealRow[]): number {
  let changed = 0;
  for (const r of rows) {
    const rowChanged = writeRow(db, DEAL, dealValues(r)).changed;
    const linksChanged = replaceDealContacts(db, r.id, r.contactIds);
    if (rowChanged || linksChanged) changed++;
  }
  return changed;
}

export function upsertContacts(db: Db, rows: readonly ContactRow[]): number {
  let changed = 0;
  for (const r of rows) {
    const rowChanged = writeRow(db, CONTACT, [r.id, r.name, r.modifiedAt, 0]).changed;
    const identChanged = replaceIdentities(db, 'contact', r.id, r);
    if (rowChanged || identChanged) changed++;
  }
  return changed;
}

function writeAll<T>(db: Db, spec: TableSpec, rows: readonly T[], values: (r: T) => SqlValue[]): number {
  let changed = 0;
  for (const r of rows) if (writeRow(db, spec, values(r)).changed) changed++;
  return changed;
}

export function upsertStatuses(db: Db, rows: readonly StatusRow[]): number {
  return writeAll(db, STATUS, rows, (r) => [r.entityId, r.statusId, r.name, r.semantics, r.sort, r.categoryId]);
}

export function upsertCategories(db: Db, rows: readonly CategoryRow[]): number {
  return writeAll(db, CATEGORY, rows, (r) => [r.id, r.name, r.sort, r.isDefault]);
}

export function upsertCurrencies(db: Db, rows: readonly CurrencyRow[]): number {
  return writeAll(db, CURRENCY, rows, (r) => [r.code, r.amountCnt, r.amount, r.base]);
}

export function upsertUsers(db: Db, rows: readonly UserRow[]): number {
  return writeAll(db, USER, rows, (r) => [r.id, r.name]);
}

export type B24Entity = 'lead' | 'deal' | 'contact';

const MARK_DELETED: Record<B24Entity, string> = {
  lead: 'UPDATE b24_lead SET deleted = 1 WHERE id = ? AND deleted = 0',
  deal: 'UPDATE b24_deal SET deleted = 1 WHERE id = ? AND deleted = 0',
  contact: 'UPDATE b24_contact SET deleted = 1 WHERE id = ? AND deleted = 0',
};

/**
 * Marks records the portal no longer returns (id reconciliation, bitrix24.md §10) as deleted
 * and drops the phones/e-mails of deleted leads and contacts, so they stop matching touches.
 * Rows stay (a restored record reappears in a later page; its upsert clears the flag and
 * brings the identities back). Returns how many records were newly marked.
 */
export function markDeleted(db: Db, entity: B24Entity, ids: readonly number[]): number {
  const st = prepared(db, MARK_DELETED[entity]);
  let n = 0;
  for (const id of ids) {
    n += st.run(id).changes;
    if (entity !== 'deal') deleteIdentities(db, entity, id);
  }
  return n;
}

const CONTACT_TOMBSTONE = 'INSERT OR IGNORE INTO b24_contact (id, name, modified_at, deleted) VALUES (?, NULL, NULL, 1)';

/**
 * Contacts a deal links to but the portal does not return (deleted, or hidden from the webhook
 * owner): existing rows are marked deleted, unknown ids get a deleted placeholder so the sync
 * does not ask for them again. A later upsert of the same id revives it.
 */
export function markContactsMissing(db: Db, ids: readonly number[]): number {
  const st = prepared(db, CONTACT_TOMBSTONE);
  let n = 0;
  for (const id of ids) n += st.run(id).changes;
  return n + markDeleted(db, 'contact', ids);
}
