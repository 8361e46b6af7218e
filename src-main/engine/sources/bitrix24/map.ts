// Bitrix24 raw records → rows of the raw tables (schema 0001). Pure functions, no I/O.
// Quirks handled (reference/bitrix24.md §3.2, §5, §9, §12, addendum): legacy lists send every
// value as a string, "" or null for empty; crm.item.list sends numbers; flags are "Y"/"N";
// instants are ISO strings with the portal's offset; CLOSEDATE is a calendar date written as
// midnight with an offset; money stays an exact decimal string; "0" means "no contact/company".
import type {
  B24CategoryRaw,
  B24ContactRaw,
  B24CurrencyRaw,
  B24DealItemRaw,
  B24LeadRaw,
  B24MultiField,
  B24StatusRaw,
  B24UserRaw,
} from './api-types';
import { normaliseEmails, normalisePhones } from '../ident';
import { isoCalendarDate, isoOffsetMinutes, parseIsoInstant, str, toDecimal, toInt, toRefId, yn } from '../parse';

/** Zone assumed for a Bitrix24 date-time that arrives without an offset (undocumented, §15.3). */
export const B24_FALLBACK_TZ = 'Europe/Moscow';

export type Semantic = 'P' | 'S' | 'F';

/** A record that cannot be stored (no id, no creation time). Callers log and skip it. */
export class B24MapError extends Error {
  constructor(
    readonly entity: string,
    readonly rawId: unknown,
    message: string,
  ) {
    super(`${entity} ${String(rawId)}: ${message}`);
    this.name = 'B24MapError';
  }
}

export interface Identities {
  /** E.164, de-duplicated */
  phones: string[];
  /** lower-case, de-duplicated */
  emails: string[];
}

export interface Utm {
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
}

export interface LeadRow extends Utm, Identities {
  id: number;
  title: string | null;
  statusId: string | null;
  statusSemantic: Semantic | null;
  sourceId: string | null;
  opportunity: string | null;
  currencyId: string | null;
  createdAt: number;
  modifiedAt: number;
  closedAt: number | null;
  contactId: number | null;
  assignedById: number | null;
}

export interface DealRow extends Utm {
  id: number;
  title: string | null;
  categoryId: number;
  stageId: string | null;
  stageSemantic: Semantic | null;
  opportunity: string | null;
  currencyId: string | null;
  createdAt: number;
  modifiedAt: number;
  movedAt: number | null;
  /** calendar date YYYY-MM-DD as the portal wrote it */
  closedate: string | null;
  closed: 0 | 1;
  wonAt: number | null;
  sourceId: string | null;
  leadId: number | null;
  contactId: number | null;
  companyId: number | null;
  assignedById: number | null;
  /** every linked contact (contactIds ∪ contactId), for b24_deal_contact */
  contactIds: number[];
}

export interface ContactRow extends Identities {
  id: number;
  name: string | null;
  modifiedAt: number | null;
}

export interface StatusRow {
  entityId: string;
  statusId: string;
  name: string;
  semantics: 'S' | 'F' | null;
  sort: number | null;
  categoryId: number | null;
}

export interface CategoryRow {
  id: number;
  name: string;
  sort: number | null;
  isDefault: 0 | 1;
}

export interface CurrencyRow {
  code: string;
  amountCnt: number;
  /** base-currency units for amountCnt units of this currency, exact decimal */
  amount: string;
  base: 0 | 1;
}

export interface UserRow {
  id: number;
  name: string;
}

function semantic(v: unknown): Semantic | null {
  const s = str(v)?.trim().toUpperCase();
  return s === 'P' || s === 'S' || s === 'F' ? s : null;
}

function multi(fields: unknown, type: B24MultiField['TYPE_ID']): string[] {
  if (!Array.isArray(fields)) return [];
  const out: string[] = [];
  for (const f of fields as unknown[]) {
    if (typeof f !== 'object' || f === null) continue;
    const rec = f as Partial<Record<'TYPE_ID' | 'VALUE', unknown>>;
    if (rec.TYPE_ID !== undefined && rec.TYPE_ID !== null && rec.TYPE_ID !== type) continue;
    if (typeof rec.VALUE === 'string') out.push(rec.VALUE);
  }
  return out;
}

/** crm.item.list's `fm` array: [{ typeId: "PHONE", value: "…" }, …] */
function fm(fields: unknown, type: 'PHONE' | 'EMAIL'): string[] {
  if (!Array.isArray(fields)) return [];
  const out: string[] = [];
  for (const f of fields as unknown[]) {
    if (typeof f !== 'object' || f === null) continue;
    const rec = f as { typeId?: unknown; value?: unknown };
    if (rec.typeId === type && typeof rec.value === 'string') out.push(rec.value);
  }
  return out;
}

function identities(raw: { PHONE?: unknown; EMAIL?: unknown; fm?: unknown }): Identities {
  return {
    phones: normalisePhones([...multi(raw.PHONE, 'PHONE'), ...fm(raw.fm, 'PHONE')]),
    emails: normaliseEmails([...multi(raw.EMAIL, 'EMAIL'), ...fm(raw.fm, 'EMAIL')]),
  };
}

function requireId(entity: string, v: unknown): number {
  const id = toInt(v);
  if (id === null || id <= 0) throw new B24MapError(entity, v, 'no usable id');
  return id;
}

function instant(v: unknown, offsetHint: number | null = null): number | null {
  return parseIsoInstant(v, B24_FALLBACK_TZ, offsetHint);
}

function created(entity: string, id: number, createdRaw: unknown, modifiedRaw: unknown): { createdAt: number; modifiedAt: number } {
  const c = instant(createdRaw) ?? instant(modifiedRaw);
  if (c === null) throw new B24MapError(entity, id, 'no creation time');
  return { createdAt: c, modifiedAt: instant(modifiedRaw) ?? c };
}

/** crm.lead.list row (legacy, strings) → b24_lead row + its phones and e-mails. */
export function mapLead(raw: B24LeadRaw): LeadRow {
  const id = requireId('lead', raw.ID);
  const { createdAt, modifiedAt } = created('lead', id, raw.DATE_CREATE, raw.DATE_MODIFY);
  return {
    id,
    title: str(raw.TITLE),
    statusId: str(raw.STATUS_ID),
    statusSemantic: semantic(raw.STATUS_SEMANTIC_ID),
    sourceId: str(raw.SOURCE_ID),
    utmSource: str(raw.UTM_SOURCE),
    utmMedium: str(raw.UTM_MEDIUM),
    utmCampaign: str(raw.UTM_CAMPAIGN),
    utmContent: str(raw.UTM_CONTENT),
    utmTerm: str(raw.UTM_TERM),
    opportunity: toDecimal(raw.OPPORTUNITY),
    currencyId: str(raw.CURRENCY_ID),
    createdAt,
    modifiedAt,
    closedAt: instant(raw.DATE_CLOSED),
    contactId: toRefId(raw.CONTACT_ID),
    assignedById: toRefId(raw.ASSIGNED_BY_ID),
    ...identities(raw),
  };
}

/**
 * crm.item.list deal (entityTypeId 2) → b24_deal row + its contact ids.
 * Won time (semantic S only): `wonAtFromHistory` (crm.stagehistory.list) when given, else
 * movedTime, else CLOSEDATE (midnight in the portal's offset — a planned date unless the portal
 * updates it on close, bitrix24.md §9.3, so it is the last resort).
 */
export function mapDeal(raw: B24DealItemRaw, wonAtFromHistory?: number | null): DealRow {
  const id = requireId('deal', raw.id);
  const { createdAt, modifiedAt } = created('deal', id, raw.createdTime, raw.updatedTime);
  const stageSemantic = semantic(raw.stageSemanticId);
  const movedAt = instant(raw.movedTime);
  // A bare "YYYY-MM-DD" closedate is read in the offset the portal used for createdTime.
  const closeInstant = instant(raw.closedate, isoOffsetMinutes(raw.createdTime));
  const wonAt = stageSemantic === 'S' ? (wonAtFromHistory ?? movedAt ?? closeInstant) : null;
  const contactId = toRefId(raw.contactId);
  const contactIds: number[] = [];
  for (const c of [...(Array.isArray(raw.contactIds) ? raw.contactIds : []), contactId]) {
    const n = toRefId(c);
    if (n !== null && !contactIds.includes(n)) contactIds.push(n);
  }
  return {
    id,
    title: str(raw.title),
    categoryId: toInt(raw.categoryId) ?? 0,
    stageId: str(raw.stageId),
    stageSemantic,
    opportunity: toDecimal(raw.opportunity),
    currencyId: str(raw.currencyId),
    createdAt,
    modifiedAt,
    movedAt,
    closedate: isoCalendarDate(raw.closedate),
    closed: yn(raw.closed) === 1 || stageSemantic === 'S' || stageSemantic === 'F' ? 1 : 0,
    wonAt,
    sourceId: str(raw.sourceId),
    utmSource: str(raw.utmSource),
    utmMedium: str(raw.utmMedium),
    utmCampaign: str(raw.utmCampaign),
    utmContent: str(raw.utmContent),
    utmTerm: str(raw.utmTerm),
    leadId: toRefId(raw.leadId),
    contactId: contactId ?? contactIds[0] ?? null,
    companyId: toRefId(raw.companyId),
    assignedById: toRefId(raw.assignedById),
    contactIds,
  };
}

function personName(first: unknown, last: unknown): string | null {
  const parts = [str(first)?.trim(), str(last)?.trim()].filter((p): p is string => !!p);
  return parts.length ? parts.join(' ') : null;
}

/** crm.contact.list row (legacy) → b24_contact row + its phones and e-mails. */
export function mapContact(raw: B24ContactRaw): ContactRow {
  const id = requireId('contact', raw.ID);
  return { id, name: personName(raw.NAME, raw.LAST_NAME), modifiedAt: instant(raw.DATE_MODIFY), ...identities(raw) };
}

/** crm.status.list row → b24_status row. Semantics: SEMANTICS (S/F/empty); EXTRA only if absent. */
export function mapStatus(raw: B24StatusRaw): StatusRow {
  const entityId = str(raw.ENTITY_ID)?.trim();
  const statusId = str(raw.STATUS_ID)?.trim();
  if (!entityId || !statusId) throw new B24MapError('status', raw.ID, 'no ENTITY_ID/STATUS_ID');
  let sem = semantic(raw.SEMANTICS);
  if (raw.SEMANTICS === undefined && raw.EXTRA?.SEMANTICS) {
    const x = raw.EXTRA.SEMANTICS.toLowerCase();
    sem = x === 'success' ? 'S' : x === 'failure' || x === 'apology' ? 'F' : null;
  }
  const pipeline = /^DEAL_STAGE(?:_(\d+))?$/.exec(entityId);
  const categoryId = toInt(raw.CATEGORY_ID) ?? (pipeline ? Number(pipeline[1] ?? '0') : null);
  return {
    entityId,
    statusId,
    name: str(raw.NAME) ?? str(raw.NAME_INIT) ?? statusId,
    semantics: sem === 'P' ? null : sem,
    sort: toInt(raw.SORT),
    categoryId,
  };
}

/** crm.category.list category → b24_category row. */
export function mapCategory(raw: B24CategoryRaw): CategoryRow {
  const id = toInt(raw.id);
  if (id === null || id < 0) throw new B24MapError('category', raw.id, 'no usable id');
  return { id, name: str(raw.name) ?? `#${id}`, sort: toInt(raw.sort), isDefault: yn(raw.isDefault) || (id === 0 ? 1 : 0) };
}

/** crm.currency.list row → b24_currency row (X in C = X × amount / amountCnt in the base). */
export function mapCurrency(raw: B24CurrencyRaw): CurrencyRow {
  const code = str(raw.CURRENCY)?.trim().toUpperCase();
  if (!code) throw new B24MapError('currency', raw.CURRENCY, 'no code');
  const base = yn(raw.BASE);
  const amount = toDecimal(raw.AMOUNT) ?? (base ? '1' : null);
  if (amount === null || amount === '0') throw new B24MapError('currency', code, `bad AMOUNT ${String(raw.AMOUNT)}`);
  const cnt = toInt(raw.AMOUNT_CNT);
  return { code, amountCnt: cnt !== null && cnt > 0 ? cnt : 1, amount, base };
}

/** user.get row → b24_user row. */
export function mapUser(raw: B24UserRaw): UserRow {
  const id = requireId('user', raw.ID);
  return { id, name: personName(raw.NAME, raw.LAST_NAME) ?? `#${id}` };
}
