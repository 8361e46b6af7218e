// The read API of the fake (calls-service/RestAPI): the calls diary in both modes and the requests
// journal, each reading its dates in its OWN order — calls dd/mm/yyyy, requests mm/dd/yyyy — so a
// client that mixes them up gets another day's records (or a 400 for an impossible date).
import { addDays } from '@shared/time';
import type { CtCallRaw, CtRequestRaw } from '../../../src-main/engine/sources/calltouch/api-types';
import { parseCallsDiaryDate, parseRequestsJournalDate } from '../../../src-main/engine/sources/calltouch/dates';
import type { CtDataset } from './data';
import type { FakeRequest, FakeResponse, Route } from './server';

export interface FakeSite {
  siteId: number;
  token: string;
  name?: string;
}

export interface ReadApiOptions {
  sites: FakeSite[];
  data: CtDataset;
  /** longest period one calls-diary request may ask for, days (the docs are silent; 93 ≈ 3 months) */
  maxCallsRangeDays?: number;
  maxRequestsRangeDays?: number;
}

const bad = (message: string): FakeResponse => ({ status: 400, json: { message } });
const flag = (v: string | null) => v === 'true' || v === 'True' || v === '1';

/**
 * null when allowed; else the 4xx the fake answers (401 bad token, 403 foreign site, 404 unknown
 * site — the real codes are undocumented). Exported for other API families (lead-service routes
 * read the token from `Access-Token` and the site from `SiteId`).
 */
export function authorize(opts: Pick<ReadApiOptions, 'sites'>, siteId: number, token: string | null): FakeResponse | null {
  if (!token || !opts.sites.some((s) => s.token === token)) return { status: 401, json: { message: 'Invalid clientApiId' } };
  const site = opts.sites.find((s) => s.siteId === siteId);
  if (!site) return { status: 404, json: { message: `Site ${siteId} not found` } };
  if (site.token !== token) return { status: 403, json: { message: 'Access denied' } };
  return null;
}

function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

function shapeCall(r: CtCallRaw, q: URLSearchParams): CtCallRaw {
  const out: CtCallRaw = { ...r };
  if (!flag(q.get('withCallTags'))) delete out.callTags;
  if (!flag(q.get('withYandexDirect'))) delete out.yandexDirect;
  return out;
}

function shapeRequest(r: CtRequestRaw, q: URLSearchParams): CtRequestRaw {
  const out: CtRequestRaw = { ...r };
  if (!flag(q.get('withRequestTags'))) delete out.RequestTags;
  return out;
}

function callsDiary(opts: ReadApiOptions, req: FakeRequest, siteId: number): FakeResponse {
  const denied = authorize(opts, siteId, req.query.get('clientApiId'));
  if (denied) return denied;
  const from = parseCallsDiaryDate(req.query.get('dateFrom') ?? '');
  const to = parseCallsDiaryDate(req.query.get('dateTo') ?? '');
  if (!from || !to) return bad('dateFrom/dateTo: expected dd/mm/yyyy');
  if (from > to) return bad('dateFrom is after dateTo');
  const pageQ = req.query.get('page');
  const limitQ = req.query.get('limit');
  if (pageQ === null && limitQ === null) {
    // the documented default: one day, a bare array
    if (from !== to) return bad('Without page/limit dateFrom must equal dateTo');
    return { status: 200, json: opts.data.calls(siteId, from).map((r) => shapeCall(r, req.query)) };
  }
  const page = Number(pageQ ?? '1');
  const limit = Number(limitQ ?? '1000');
  if (!Number.isInteger(page) || page < 1) return bad('page must be ≥ 1');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return bad('limit must be 1…1000');
  const span = days(from, to);
  if (span.length > (opts.maxCallsRangeDays ?? 93)) return bad('Period too long');
  const counts = span.map((d) => opts.data.callCount(siteId, d));
  const total = counts.reduce((a, b) => a + b, 0);
  const start = (page - 1) * limit;
  const end = start + limit;
  const records: CtCallRaw[] = [];
  let offset = 0;
  for (let i = 0; i < span.length && offset < end; i++) {
    const n = counts[i] as number;
    if (offset + n > start) {
      const list = opts.data.calls(siteId, span[i] as string);
      for (let k = Math.max(0, start - offset); k < n && offset + k < end; k++) records.push(shapeCall(list[k] as CtCallRaw, req.query));
    }
    offset += n;
  }
  return { status: 200, json: { page, pageTotal: Math.ceil(total / limit), pageSize: limit, recordsTotal: total, records } };
}

const HMS = /^(\d{2}):(\d{2}):(\d{2})$/;

function requestsJournal(opts: ReadApiOptions, req: FakeRequest): FakeResponse {
  const siteQ = req.query.get('siteId');
  if (siteQ === null) return bad('siteId is required');
  const siteId = Number(siteQ);
  const denied = authorize(opts, siteId, req.query.get('clientApiId'));
  if (denied) return denied;
  const from = parseRequestsJournalDate(req.query.get('dateFrom') ?? '');
  const to = parseRequestsJournalDate(req.query.get('dateTo') ?? '');
  if (!from || !to) return bad('dateFrom/dateTo: expected mm/dd/yyyy');
  if (from > to) return bad('dateFrom is after dateTo');
  const span = days(from, to);
  if (span.length > (opts.maxRequestsRangeDays ?? 93)) return bad('Period too long');
  const tFrom = req.query.get('timeFrom') ?? '00:00:00';
  const tTo = req.query.get('timeTo') ?? '23:59:59';
  if (!HMS.test(tFrom) || !HMS.test(tTo)) return bad('timeFrom/timeTo: expected hh:mm:ss');
  const out: CtRequestRaw[] = [];
  for (const d of span) {
    for (const r of opts.data.requests(siteId, d)) {
      const t = r.dateStr.slice(11);
      if (t >= tFrom && t <= tTo) out.push(shapeRequest(r, req.query));
    }
  }
  return { status: 200, json: out };
}

export function readApiRoutes(opts: ReadApiOptions): Route[] {
  return [
    {
      name: 'calls-diary',
      method: 'GET',
      pattern: /^\/calls-service\/RestAPI\/(\d+)\/calls-diary\/calls\/?$/,
      handler: (req, m) => callsDiary(opts, req, Number(m[1])),
    },
    {
      name: 'requests',
      method: 'GET',
      pattern: /^\/calls-service\/RestAPI\/requests\/?$/,
      handler: (req) => requestsJournal(opts, req),
    },
  ];
}
