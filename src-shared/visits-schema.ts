// Offline visits (seed 002): the form's schema (shared by the renderer and the engine) and outputs.
import { z } from 'zod';
import { normaliseEmail, normalisePhone } from './identity';
import { MIN_DATE } from './time';

const DAY_MS = 86_400_000;

/** "1 234,50" / "1234.5" / 1234.5 → "1234.50"; null when not a non-negative amount. */
export function parseRevenue(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v.toFixed(2) : null;
  if (typeof v !== 'string') return null;
  const s = v.replace(/[\s\u00a0₽]/g, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return null;
  return Number(s).toFixed(2);
}

function phonesOf(list: string[], ctx: z.RefinementCtx): string[] {
  const out: string[] = [];
  list.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const p = normalisePhone(raw);
    if (!p) ctx.addIssue({ code: 'custom', path: [i], message: `Не похоже на телефон: «${raw}»` });
    else if (!out.includes(p)) out.push(p);
  });
  return out;
}

function emailsOf(list: string[], ctx: z.RefinementCtx): string[] {
  const out: string[] = [];
  list.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const e = normaliseEmail(raw);
    if (!e) ctx.addIssue({ code: 'custom', path: [i], message: `Не похоже на e-mail: «${raw}»` });
    else if (!out.includes(e)) out.push(e);
  });
  return out;
}

const phoneList = z.array(z.string()).default([]).transform(phonesOf);
const emailList = z.array(z.string()).default([]).transform(emailsOf);
/** without a default: an absent list in an edit means "unchanged" */
const phoneEdit = z.array(z.string()).transform(phonesOf);
const emailEdit = z.array(z.string()).transform(emailsOf);

/** The calendar date and time written in an ISO string exist (Date.parse rolls 02-30 over to March). */
function realDateTime(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const days = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  return mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= days && h! <= 23 && mi! <= 59 && sec! <= 59;
}

const instant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)) && /T/.test(s), 'Дата и время визита в формате ISO')
  .refine(realDateTime, 'Такой даты или времени нет в календаре')
  .refine((s) => Date.parse(s) >= Date.parse(`${MIN_DATE}T00:00:00Z`), `Дата визита — не раньше ${MIN_DATE}`)
  .refine((s) => Date.parse(s) <= Date.now() + DAY_MS, 'Дата визита не может быть позже завтрашнего дня');

const revenueValue = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const r = parseRevenue(v);
  if (r === null) ctx.addIssue({ code: 'custom', message: 'Выручка — число не меньше нуля, до копеек' });
  return r ?? '0.00';
});
const revenue = z.union([z.number(), z.string()]).default('0').pipe(revenueValue);

export const VisitInputSchema = z
  .object({
    phones: phoneList,
    emails: emailList,
    name: z.string().trim().max(200).default(''),
    /** visit instant, ISO 8601 with offset (the form converts the project's wall time) */
    at: instant,
    revenue,
    status: z.string().trim().min(1, 'Укажите статус').max(100).default('Визит'),
    tags: z.array(z.string().trim().min(1).max(60)).max(20).default([]),
    comment: z.string().max(2000).default(''),
    siteId: z.number().int().positive().nullable().default(null),
    createInBitrix24: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.phones.length === 0 && v.emails.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['phones'], message: 'Укажите хотя бы один телефон или e-mail' });
    }
  });
export type VisitInput = z.input<typeof VisitInputSchema>;
export type VisitParsed = z.output<typeof VisitInputSchema>;

/**
 * Editing a visit: only the fields given change. Status, revenue, comment and tags can be edited
 * at any time (once sent they go out as a Calltouch `update`); phones, e-mails, name, date and
 * site only until the visit may have reached Calltouch (the engine refuses later).
 */
export const VisitUpdateSchema = z
  .object({
    id: z.number().int().positive(),
    status: z.string().trim().min(1, 'Укажите статус').max(100).optional(),
    revenue: revenueValue.optional(),
    comment: z.string().max(2000).optional(),
    tags: z.array(z.string().trim().min(1).max(60)).max(20).optional(),
    phones: phoneEdit.optional(),
    emails: emailEdit.optional(),
    name: z.string().trim().max(200).optional(),
    at: instant.optional(),
    siteId: z.number().int().positive().nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.phones !== undefined && v.emails !== undefined && v.phones.length === 0 && v.emails.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['phones'], message: 'Укажите хотя бы один телефон или e-mail' });
    }
  });

export const VISIT_STATES = ['queued', 'sending', 'sent', 'failed', 'rejected', 'cancelled'] as const;
export type VisitState = (typeof VISIT_STATES)[number];

export const VisitListSchema = z
  .object({
    states: z.array(z.enum(VISIT_STATES)).optional(),
    search: z.string().trim().max(100).optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .default({ offset: 0, limit: 100 });

export const VisitPreviewSchema = z.object({
  phones: phoneList,
  emails: emailList,
  at: instant,
  /** limit the search to this Calltouch site's calls and requests */
  siteId: z.number().int().positive().nullable().default(null),
});

export interface Visit {
  id: number;
  orderNumber: string;
  siteId: number | null;
  name: string;
  phones: string[];
  emails: string[];
  at: string;
  revenue: string;
  status: string;
  tags: string[];
  comment: string;
  state: VisitState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  calltouchOrderId: string | null;
  sentAt: string | null;
  createdAt: string;
  bitrix24: { entity: 'lead' | 'deal'; id: number | null; state: VisitState } | null;
  /** nothing may have reached Calltouch or Bitrix24 yet: it can be cancelled, and its phones,
   *  e-mails, name, date and site can still be edited */
  cancellable: boolean;
}

export type VisitCounts = Record<VisitState, number> & {
  /** failed, rejected, and queued visits whose last attempt left an error (no token, no site) */
  withErrors?: number;
  /** of the queued ones, those with an error */
  queuedWithError?: number;
};

export interface VisitList {
  total: number;
  items: Visit[];
  counts: VisitCounts;
  /** recently used statuses, for the form's suggestions */
  recentStatuses: string[];
}

export interface VisitPreview {
  /** the call or request Calltouch would most likely match (nearest within 180 days before) */
  match: { kind: 'call' | 'request'; at: string; source: string | null; medium: string | null; campaign: string | null } | null;
  /** «будет записан как офлайн-визит» when there is no match */
  message: string;
}
