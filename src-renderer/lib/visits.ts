// Offline visits (issue 7): the form's state ↔ the contract's inputs, validated with the shared
// zod schemas, the project's wall clock, and what the list shows for each state. Pure: Node tests.
import type { AppError, Settings, Visit, VisitInput, VisitState } from '@shared/contract';
import { VisitInputSchema, VisitPreviewSchema, VisitUpdateSchema, parseRevenue } from '@shared/visits-schema';
import { normaliseEmail, normalisePhone } from '@shared/identity';
import { instantParts, pad, zonedToInstant } from '@shared/time';
import type { z } from 'zod';
import { issuesToFields } from './forms';

/** What the form holds: strings as typed (the schemas normalise them). */
export interface VisitForm {
  phones: string[];
  emails: string[];
  name: string;
  /** wall clock in the project's time zone, `YYYY-MM-DDTHH:MM` (an `<input type="datetime-local">`) */
  at: string;
  revenue: string;
  status: string;
  /** comma-separated */
  tags: string;
  comment: string;
  siteId: number | null;
  createInBitrix24: boolean;
}

export const DEFAULT_STATUS = 'Визит';

/** The project's time zone: the chosen Calltouch site's, else the workspace's. */
export function visitTimeZone(settings: Settings | null | undefined, siteId: number | null): string {
  const site = siteId === null ? undefined : settings?.calltouch.sites.find((s) => s.siteId === siteId);
  return site?.timeZone ?? settings?.timeZone ?? 'Europe/Moscow';
}

/** An instant → the `datetime-local` value in `tz`. */
export function toLocalInput(ms: number, tz: string): string {
  const p = instantParts(ms, tz);
  return `${p.y}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A `datetime-local` value read as wall time in `tz` → ISO instant; null when empty or malformed. */
export function localToIso(local: string, tz: string): string | null {
  const m = LOCAL.exec(local.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const ms = zonedToInstant(y, mo, d, h, mi, s, tz);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function emptyForm(settings: Settings | null | undefined, now: number): VisitForm {
  const siteId = settings?.calltouch.sites[0]?.siteId ?? null;
  return {
    phones: [''],
    emails: [''],
    name: '',
    at: toLocalInput(now, visitTimeZone(settings, siteId)),
    revenue: '',
    status: DEFAULT_STATUS,
    tags: '',
    comment: '',
    siteId,
    createInBitrix24: settings?.visits.createInBitrix24 ?? false,
  };
}

/** A saved visit back into the form (editing). */
export function formOf(v: Visit, settings: Settings | null | undefined): VisitForm {
  return {
    phones: v.phones.length ? [...v.phones] : [''],
    emails: v.emails.length ? [...v.emails] : [''],
    name: v.name,
    at: toLocalInput(Date.parse(v.at), visitTimeZone(settings, v.siteId)),
    revenue: v.revenue === '0.00' ? '' : v.revenue.replace('.', ','),
    status: v.status,
    tags: v.tags.join(', '),
    comment: v.comment,
    siteId: v.siteId,
    createInBitrix24: v.bitrix24 !== null,
  };
}

export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[,;\n]/)) {
    const tag = raw.trim();
    if (tag && !out.some((x) => x.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  return out;
}

/** The phone as it will be stored (`+79161234567`), or null when it is not (yet) a phone. */
export function phoneEcho(raw: string): string | null {
  return raw.trim() === '' ? null : normalisePhone(raw);
}

export { formatPhone } from './format';

export function emailEcho(raw: string): string | null {
  return raw.trim() === '' ? null : normaliseEmail(raw);
}

/** `"1 234,5"` → `1234.5`, null when it is not an amount (or empty). */
export function revenueValue(raw: string): number | null {
  if (raw.trim() === '') return null;
  const r = parseRevenue(raw);
  return r === null ? null : Number(r);
}

/** Field keys the form shows messages under: `phones.0`, `phones`, `at`, `revenue`, `tags`… */
function fieldKey(key: string): string {
  if (/^tags\.\d+$/.test(key)) return 'tags';
  return key;
}

export function normaliseFields(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, msg] of Object.entries(fields)) {
    const key = fieldKey(k);
    if (!(key in out)) out[key] = msg;
  }
  return out;
}

const AT_MISSING = 'Укажите дату и время визита';

export function toInput(form: VisitForm, tz: string): { input: VisitInput; atMissing: boolean } {
  const at = localToIso(form.at, tz);
  return {
    input: {
      phones: form.phones,
      emails: form.emails,
      name: form.name,
      at: at ?? '',
      revenue: form.revenue.trim() === '' ? '0' : form.revenue,
      status: form.status,
      tags: parseTags(form.tags),
      comment: form.comment,
      siteId: form.siteId,
      createInBitrix24: form.createInBitrix24,
    },
    atMissing: at === null,
  };
}

export type Checked<T> = { ok: true; value: T } | { ok: false; fields: Record<string, string> };

/** The form checked with `VisitInputSchema` (the engine runs the same schema again). */
/**
 * The contacts alone through the same schema (with a harmless date): zod runs the object's
 * "at least one phone or e-mail" refinement only once every field is valid, and the form should
 * say it together with the other messages.
 */
function contactFields(form: Pick<VisitForm, 'phones' | 'emails'>): Record<string, string> {
  const r = VisitInputSchema.safeParse({ phones: form.phones, emails: form.emails, at: '2020-01-01T00:00:00.000Z' });
  return r.success ? {} : normaliseFields(issuesToFields(r.error.issues));
}

function allFields(form: VisitForm, input: VisitInput): Record<string, string> {
  const r = VisitInputSchema.safeParse(input);
  return { ...contactFields(form), ...(r.success ? {} : normaliseFields(issuesToFields(r.error.issues))) };
}

export function checkCreate(form: VisitForm, tz: string): Checked<VisitInput> {
  const { input, atMissing } = toInput(form, tz);
  const fields = allFields(form, input);
  if (atMissing) fields.at = AT_MISSING;
  if (Object.keys(fields).length) return { ok: false, fields };
  return { ok: true, value: input };
}

type UpdateInput = z.input<typeof VisitUpdateSchema>;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Only what changed, checked with `VisitUpdateSchema`. Contacts (phones, e-mails, name, date,
 * site) go along only when they changed — the engine refuses them once the visit may be out.
 */
export function checkUpdate(v: Visit, form: VisitForm, tz: string): Checked<UpdateInput> {
  const { input, atMissing } = toInput(form, tz);
  const parsed = VisitInputSchema.safeParse(input);
  if (atMissing || !parsed.success) {
    const fields = allFields(form, input);
    if (atMissing) fields.at = AT_MISSING;
    return { ok: false, fields };
  }
  const p = parsed.data;
  const patch: UpdateInput = { id: v.id };
  if (p.status !== v.status) patch.status = p.status;
  if (p.revenue !== v.revenue) patch.revenue = p.revenue;
  if (p.comment !== v.comment) patch.comment = p.comment;
  if (!sameList(p.tags, v.tags)) patch.tags = p.tags;
  if (!sameList(p.phones, v.phones)) patch.phones = p.phones;
  if (!sameList(p.emails, v.emails)) patch.emails = p.emails;
  if (p.name !== v.name) patch.name = p.name;
  if (Date.parse(p.at) !== Date.parse(v.at)) patch.at = p.at;
  if (p.siteId !== v.siteId) patch.siteId = p.siteId;
  if (patch.phones !== undefined || patch.emails !== undefined) {
    patch.phones = p.phones;
    patch.emails = p.emails;
  }
  const r = VisitUpdateSchema.safeParse(patch);
  if (!r.success) return { ok: false, fields: normaliseFields(issuesToFields(r.error.issues)) };
  return { ok: true, value: patch };
}

export function changedFields(patch: UpdateInput): string[] {
  return Object.keys(patch).filter((k) => k !== 'id');
}

/** The preview query, or null while there is nothing valid to look up. */
export function previewQuery(form: Pick<VisitForm, 'phones' | 'emails' | 'at' | 'siteId'>, tz: string): z.output<typeof VisitPreviewSchema> | null {
  const at = localToIso(form.at, tz);
  if (!at) return null;
  const phones = form.phones.map(phoneEcho).filter((x): x is string => x !== null);
  const emails = form.emails.map(emailEcho).filter((x): x is string => x !== null);
  if (phones.length === 0 && emails.length === 0) return null;
  const r = VisitPreviewSchema.safeParse({ phones, emails, at, siteId: form.siteId });
  return r.success ? r.data : null;
}

export function previewKey(q: z.output<typeof VisitPreviewSchema> | null): string {
  return q ? JSON.stringify([q.phones, q.emails, q.at, q.siteId]) : '';
}

// ---------- the list ----------

export type Tone = 'neutral' | 'progress' | 'ok' | 'warn' | 'danger' | 'muted';

export const STATE_TONE: Record<VisitState, Tone> = {
  queued: 'neutral',
  sending: 'progress',
  sent: 'ok',
  failed: 'warn',
  rejected: 'danger',
  cancelled: 'muted',
};

/** The states counted by the navigation badge: waiting to go out, or needing attention. */
export function badgeCount(counts: Partial<Record<VisitState, number>> | null | undefined): number {
  if (!counts) return 0;
  return (counts.queued ?? 0) + (counts.failed ?? 0) + (counts.rejected ?? 0);
}

export type NextStep = 'settings' | 'retry' | 'edit' | null;

/** What the user can do about a visit's last error. */
export function nextStep(v: Pick<Visit, 'state' | 'lastError'>): NextStep {
  if (v.state === 'sent' || v.state === 'cancelled' || v.state === 'sending') return null;
  if (v.lastError && /настройк|токен|вебхук|кабинет/i.test(v.lastError)) return 'settings';
  if (v.state === 'rejected') return 'edit';
  if (v.state === 'failed' || (v.state === 'queued' && v.lastError)) return 'retry';
  return null;
}

export function canRetry(v: Pick<Visit, 'state' | 'lastError'>): boolean {
  return v.state === 'failed' || v.state === 'rejected' || (v.state === 'queued' && v.lastError !== null);
}

/** An engine error's field messages in the form's keys. */
export function errorFields(error: AppError | null): Record<string, string> {
  return error?.fields ? normaliseFields(error.fields) : {};
}

export const PAGE_SIZE = 25;

/** `1–25` of `total` for the pager. */
export function pageRange(offset: number, count: number): { from: number; to: number } {
  return count === 0 ? { from: 0, to: 0 } : { from: offset + 1, to: offset + count };
}
