// Calltouch raw records → rows of ct_call / ct_request (schema 0001). Pure functions, no I/O.
// Quirks handled (reference/calltouch.md §1.3, §2, §3, §10, §12): ids as numbers or strings;
// booleans true / "true" / "True"; call `date` is "dd/mm/yyyy HH:MM:SS" in the project time
// zone; request `date` is epoch ms (with `dateStr` as a fallback); UTMs are flat on calls and
// nested under `session` on requests (session may be null); the keyword is `keyword` on calls
// and `keywords` on requests; tags live in `callTags[].names` / `RequestTags[].names`; city,
// device, landing page and the other enrichment fields: enrich.ts.
// Dimensions are stored as the source gave them (REPORTS.md "Touches"); normalisation happens
// when touches are derived.
import type { CtCallRaw, CtRequestRaw } from './api-types';
import { normaliseEmails, normalisePhone, normalisePhones } from '../ident';
import { ctBool, parseDmyInstant, str, toEpochMs, toInt } from '../parse';
import type { Enrichment } from '@shared/enrich';
import { callEnrichment, requestEnrichment } from './enrich';

export class CtMapError extends Error {
  constructor(
    readonly entity: string,
    readonly rawId: unknown,
    message: string,
  ) {
    super(`${entity} ${String(rawId)}: ${message}`);
    this.name = 'CtMapError';
  }
}

export interface CtDims {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
}

/** Enrichment (city, device, landing, …): enrich.ts. */
export interface CallRow extends CtDims, Enrichment {
  siteId: number;
  callId: number;
  at: number;
  /** caller's phone, E.164 */
  phone: string | null;
  duration: number;
  successful: 0 | 1;
  uniqueCall: 0 | 1;
  targetCall: 0 | 1;
  uniqTargetCall: 0 | 1;
  callbackCall: 0 | 1;
  /** JSON array of tag names, or null */
  tags: string | null;
  /** the record as JSON without null / "" / [] / {} values */
  raw: string;
  phones: string[];
  emails: string[];
}

export interface RequestRow extends CtDims, Enrichment {
  siteId: number;
  requestId: number;
  at: number;
  subject: string | null;
  uniqueRequest: 0 | 1;
  targetRequest: 0 | 1;
  uniqTargetRequest: 0 | 1;
  tags: string | null;
  raw: string;
  phones: string[];
  emails: string[];
}

/** true when v holds nothing but null / undefined / "" / [] / {} */
function isEmptyDeep(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) {
    for (const x of v as unknown[]) if (!isEmptyDeep(x)) return false;
    return true;
  }
  const rec = v as Record<string, unknown>;
  for (const k in rec) if (!isEmptyDeep(rec[k])) return false;
  return true;
}

function dropEmpty(_key: string, v: unknown): unknown {
  if (v === null || v === '') return undefined;
  if (typeof v === 'object' && isEmptyDeep(v)) return undefined;
  return v;
}

/**
 * JSON of a record without null, "", [] and {} members (recursively: what is left is what the
 * record says). Inside arrays an empty element stays as null, so positions keep their meaning.
 */
export function compactJson(v: unknown): string {
  return JSON.stringify(v, dropEmpty) ?? '{}';
}

function tagNames(tags: unknown): string | null {
  if (!Array.isArray(tags)) return null;
  const names: string[] = [];
  const add = (n: unknown) => {
    const s = str(n)?.trim();
    if (s && !names.includes(s)) names.push(s);
  };
  for (const t of tags as unknown[]) {
    if (typeof t === 'string') add(t);
    else if (t && typeof t === 'object') {
      const rec = t as { names?: unknown; name?: unknown };
      if (Array.isArray(rec.names)) for (const n of rec.names as unknown[]) add(n);
      else add(rec.name);
    }
  }
  return names.length ? JSON.stringify(names) : null;
}

function requireId(entity: string, v: unknown): number {
  const id = toInt(v);
  if (id === null || id <= 0) throw new CtMapError(entity, v, 'no usable id');
  return id;
}

const first = (...vs: unknown[]): string | null => {
  for (const v of vs) {
    const s = str(v);
    if (s !== null) return s;
  }
  return null;
};

/** A calls-diary record → ct_call row. `projectTimeZone` is the site's zone (default Moscow). */
export function mapCall(raw: CtCallRaw, siteId: number, projectTimeZone: string): CallRow {
  const callId = requireId('call', raw.callId);
  const at = parseDmyInstant(raw.date, projectTimeZone) ?? toEpochMs(raw.timestamp);
  if (at === null) throw new CtMapError('call', callId, `unreadable date ${String(raw.date)}`);
  const phone = normalisePhone(raw.callerNumber);
  return {
    siteId,
    callId,
    at,
    phone,
    duration: Math.max(0, toInt(raw.duration) ?? 0),
    successful: ctBool(raw.successful),
    uniqueCall: ctBool(raw.uniqueCall),
    targetCall: ctBool(raw.targetCall),
    uniqTargetCall: ctBool(raw.uniqTargetCall),
    callbackCall: ctBool(raw.callbackCall),
    source: first(raw.utmSource, raw.source),
    medium: first(raw.utmMedium, raw.medium),
    campaign: first(raw.utmCampaign),
    content: first(raw.utmContent),
    term: first(raw.utmTerm, raw.keyword),
    ...callEnrichment(raw),
    tags: tagNames(raw.callTags),
    raw: compactJson(raw),
    phones: phone ? [phone] : [],
    emails: [],
  };
}

function requestEmails(client: CtRequestRaw['client']): string[] {
  const contacts = client?.contacts;
  if (!Array.isArray(contacts)) return [];
  const values: unknown[] = [];
  for (const c of contacts as unknown[]) {
    if (!c || typeof c !== 'object') continue;
    // contactType/contactValue per most clients; one client reads {type, value} (calltouch.md §3.3)
    const rec = c as { contactType?: unknown; contactValue?: unknown; type?: unknown; value?: unknown };
    const type = String(rec.contactType ?? rec.type ?? '').toLowerCase();
    const value = rec.contactValue ?? rec.value;
    if (type.includes('mail') || (typeof value === 'string' && value.includes('@'))) values.push(value);
  }
  return normaliseEmails(values);
}

function requestPhones(client: CtRequestRaw['client']): string[] {
  const phones = client?.phones;
  if (!Array.isArray(phones)) return [];
  return normalisePhones(
    (phones as unknown[]).map((p) => (p && typeof p === 'object' ? (p as { phoneNumber?: unknown }).phoneNumber : p)),
  );
}

/** A requests-journal record → ct_request row. */
export function mapRequest(raw: CtRequestRaw, siteId: number, projectTimeZone: string): RequestRow {
  const requestId = requireId('request', raw.requestId);
  const at = toEpochMs(raw.date) ?? parseDmyInstant(raw.dateStr, projectTimeZone);
  if (at === null) throw new CtMapError('request', requestId, `unreadable date ${String(raw.date)} / ${String(raw.dateStr)}`);
  const s = raw.session && typeof raw.session === 'object' ? raw.session : null;
  return {
    siteId,
    requestId,
    at,
    subject: str(raw.subject),
    uniqueRequest: ctBool(raw.uniqueRequest),
    targetRequest: ctBool(raw.targetRequest),
    uniqTargetRequest: ctBool(raw.uniqTargetRequest),
    source: first(s?.utmSource, s?.source),
    medium: first(s?.utmMedium, s?.medium),
    campaign: first(s?.utmCampaign),
    content: first(s?.utmContent),
    term: first(s?.utmTerm, s?.keywords),
    ...requestEnrichment(raw),
    tags: tagNames(raw.RequestTags),
    raw: compactJson(raw),
    phones: requestPhones(raw.client),
    emails: requestEmails(raw.client),
  };
}
