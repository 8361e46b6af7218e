// Shapes of Bitrix24 REST responses as the references document them (reference/bitrix24.md).
// Legacy list methods return every value as a string, empty values as null *or* "" (§3.2);
// crm.item.list returns numbers and camelCase names (§5). Parse defensively — see map.ts.

export type B24Str = string | null;

export interface B24MultiField {
  ID: string;
  VALUE_TYPE: string;
  VALUE: string;
  TYPE_ID: 'PHONE' | 'EMAIL' | 'WEB' | 'IM' | 'LINK';
}

/** crm.item.list multi-field (`fm`, only with select ["*"], §5.1). */
export interface B24FmField {
  id?: number;
  typeId: string;
  valueType?: string;
  value: string;
}

/** crm.lead.list row (legacy, §3.4) with explicit PHONE and EMAIL. */
export interface B24LeadRaw {
  ID: string;
  TITLE: B24Str;
  STATUS_ID: B24Str;
  STATUS_SEMANTIC_ID: B24Str;
  SOURCE_ID: B24Str;
  UTM_SOURCE: B24Str;
  UTM_MEDIUM: B24Str;
  UTM_CAMPAIGN: B24Str;
  UTM_CONTENT: B24Str;
  UTM_TERM: B24Str;
  OPPORTUNITY: B24Str;
  CURRENCY_ID: B24Str;
  DATE_CREATE: string;
  DATE_MODIFY: string;
  DATE_CLOSED: B24Str;
  CONTACT_ID: B24Str;
  ASSIGNED_BY_ID: B24Str;
  PHONE?: B24MultiField[];
  EMAIL?: B24MultiField[];
  /** present when the row came from crm.item.list with select ["*"] */
  fm?: B24FmField[];
}

/** crm.item.list item for entityTypeId 2 (deals, §5.2). */
export interface B24DealItemRaw {
  id: number;
  title: string | null;
  categoryId: number;
  stageId: string;
  stageSemanticId: 'P' | 'S' | 'F' | null;
  opportunity: number | string | null;
  currencyId: string | null;
  createdTime: string;
  updatedTime: string;
  movedTime: string | null;
  closedate: string | null;
  closed: 'Y' | 'N';
  sourceId: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmContent: string | null;
  utmTerm: string | null;
  leadId: number | null;
  contactId: number | null;
  contactIds: number[];
  companyId: number | null;
  assignedById: number | null;
}

/** crm.contact.list row (legacy, §6) with PHONE and EMAIL selected. */
export interface B24ContactRaw {
  ID: string;
  NAME: B24Str;
  LAST_NAME: B24Str;
  DATE_MODIFY?: string;
  PHONE?: B24MultiField[];
  EMAIL?: B24MultiField[];
  /** present when the row came from crm.item.list with select ["*"] */
  fm?: B24FmField[];
}

/** crm.status.list row (§9.1). */
export interface B24StatusRaw {
  ID: string;
  ENTITY_ID: string;
  STATUS_ID: string;
  NAME: string;
  NAME_INIT?: string | null;
  SORT: string;
  SYSTEM: 'Y' | 'N';
  CATEGORY_ID: string | null;
  COLOR: string | null;
  SEMANTICS: 'S' | 'F' | '' | null;
  EXTRA?: { SEMANTICS?: string; COLOR?: string };
}

/** crm.category.list category (§9.2). */
export interface B24CategoryRaw {
  id: number;
  name: string;
  sort: number;
  entityTypeId: number;
  isDefault: 'Y' | 'N';
  originId?: string;
  originatorId?: string;
}

/** crm.currency.list row (addendum). */
export interface B24CurrencyRaw {
  CURRENCY: string;
  AMOUNT_CNT: string;
  AMOUNT: string;
  SORT: string;
  BASE: 'Y' | 'N';
  FULL_NAME: string;
  LID?: string;
  FORMAT_STRING?: string;
  DEC_POINT?: string;
  THOUSANDS_SEP?: string | null;
  DECIMALS?: string;
  DATE_UPDATE?: string;
}

/** crm.stagehistory.list item for deals (§9.3). */
export interface B24StageHistoryRaw {
  ID: number;
  TYPE_ID: 1 | 2 | 3 | 5;
  OWNER_ID: number;
  CREATED_TIME: string;
  CATEGORY_ID: number;
  STAGE_SEMANTIC_ID: 'P' | 'S' | 'F';
  STAGE_ID: string;
}

/** user.get row (only the fields we read). */
export interface B24UserRaw {
  ID: string;
  NAME: B24Str;
  LAST_NAME: B24Str;
  ACTIVE?: boolean;
}

export interface B24Time {
  start?: number;
  finish?: number;
  duration?: number;
  processing?: number;
  date_start?: string;
  date_finish?: string;
  operating?: number;
  operating_reset_at?: number;
}

export interface B24Success<T> {
  result: T;
  total?: number;
  next?: number;
  time: B24Time;
}

export interface B24ErrorBody {
  error: string;
  error_description?: string;
}
