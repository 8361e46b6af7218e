// The REST methods the fake portal implements, with the documented shapes and quirks
// (reference/bitrix24.md §3–§9, addendum): legacy lists answer arrays of strings, crm.item.list
// answers `result.items`, pages are 50 rows, `start=-1` means total 0 and no `next`, legacy
// errors are HTTP 400 with `error: ""`.
import type { PortalData, Table } from './data';
import { asList, comparable, parseFilter, test, type Cond, type Kind } from './query';

export class MethodError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code}: ${description}`);
  }
}

export interface MethodCtx {
  data: PortalData;
  scopes: string[];
  mode: 1 | 2;
  nowIso: string;
}

export interface MethodAnswer {
  result: unknown;
  total?: number;
  next?: number;
  /** rows touched (operating cost) */
  rows: number;
}

const PAGE = 50;

const legacyError = (description: string) => new MethodError(400, '', description);

interface ListSpec {
  id: string;
  kinds: Record<string, Kind>;
  /** fields returned by "*" (multi-fields never are) */
  multi: string[];
  /** crm.item.list: unknown filter fields are INVALID_ARG_VALUE; legacy: a general error */
  universal: boolean;
}

const LEAD_SPEC: ListSpec = {
  id: 'ID',
  kinds: { ID: 'int', DATE_MODIFY: 'date', DATE_CREATE: 'date', STATUS_ID: 'str', SOURCE_ID: 'str', ORIGIN_ID: 'str', ORIGINATOR_ID: 'str' },
  multi: ['PHONE', 'EMAIL', 'WEB', 'IM', 'LINK'],
  universal: false,
};
const CONTACT_SPEC: ListSpec = { id: 'ID', kinds: { ID: 'int', DATE_MODIFY: 'date' }, multi: ['PHONE', 'EMAIL', 'WEB', 'IM', 'LINK'], universal: false };
const DEAL_SPEC: ListSpec = { id: 'id', kinds: { id: 'int', updatedTime: 'date', createdTime: 'date', categoryId: 'int', stageId: 'str' }, multi: [], universal: true };

function list<T>(table: Table<T>, spec: ListSpec, params: Record<string, unknown>, offsetMin: number): { rows: T[]; total: number; next?: number } {
  let conds: Cond[];
  try {
    conds = parseFilter(params.filter);
  } catch (e) {
    throw legacyError((e as Error).message);
  }
  for (const c of conds) {
    if (!(c.field in spec.kinds)) {
      if (spec.universal) throw new MethodError(400, 'INVALID_ARG_VALUE', `Invalid filter: field '${c.field}' is not allowed in filter`);
      throw legacyError('Failed to get list. General error.');
    }
  }
  const order = params.order && typeof params.order === 'object' ? (params.order as Record<string, unknown>) : {};
  const desc = String(order[spec.id] ?? 'ASC').toUpperCase() === 'DESC';
  const start = params.start === undefined ? 0 : Number(params.start);
  let lo = -Infinity;
  let hi = Infinity;
  let only: Set<number> | null = null;
  const rest: Cond[] = [];
  for (const c of conds) {
    if (c.field !== spec.id) {
      rest.push(c);
      continue;
    }
    const v = Number(c.value);
    if (c.op === '>=') lo = Math.max(lo, v);
    else if (c.op === '>') lo = Math.max(lo, Math.floor(v) + 1);
    else if (c.op === '<') hi = Math.min(hi, Math.ceil(v) - 1);
    else if (c.op === '<=') hi = Math.min(hi, v);
    else if (c.op === '@') only = new Set(asList(c.value).map(Number));
    else if (c.op === '=') only = new Set([v]);
    else rest.push(c);
  }
  const ids = table.ids();
  // binary search for the first id ≥ lo
  let a = 0;
  let b = ids.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if ((ids[m] ?? 0) < lo) a = m + 1;
    else b = m;
  }
  let z = a;
  while (z < ids.length && (ids[z] ?? 0) <= hi) z++;
  const limit = start === -1 ? PAGE : Infinity;
  const out: T[] = [];
  let total = 0;
  for (let k = 0; k < z - a && out.length < limit; k++) {
    const id = ids[desc ? z - 1 - k : a + k] ?? 0;
    if (only && !only.has(id)) continue;
    const row = table.rows.get(id);
    if (!row) continue;
    const rec = row as Record<string, unknown>;
    let ok = true;
    for (const c of rest) {
      const kind = spec.kinds[c.field] ?? 'str';
      const value = kind === 'date' && (c.field === 'DATE_MODIFY' || c.field === 'updatedTime') ? (table.modified.get(id) ?? NaN) : comparable(kind, rec[c.field], offsetMin);
      if (!test(c, value, kind, offsetMin)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    total++;
    if (start === -1 || (total > start && out.length < PAGE)) out.push(row);
  }
  if (start === -1) return { rows: out, total: 0 };
  return { rows: out, total, next: start + PAGE < total ? start + PAGE : undefined };
}

function project<T>(rows: T[], spec: ListSpec, select: unknown): Record<string, unknown>[] {
  const fields = asList(select).map(String);
  const all = fields.length === 0 || fields.includes('*');
  return rows.map((row) => {
    const rec = row as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec)) {
      const named = fields.includes(k) || k === spec.id;
      if (named || (all && !spec.multi.includes(k))) out[k] = v;
    }
    return out;
  });
}

function needScope(ctx: MethodCtx, scope: string): void {
  if (!ctx.scopes.includes(scope)) {
    throw new MethodError(401, 'insufficient_scope', 'The request requires higher privileges than provided by the webhook token');
  }
}

export function callMethod(method: string, params: Record<string, unknown>, ctx: MethodCtx): MethodAnswer {
  const d = ctx.data;
  const off = d.offsetMin;
  if (method.startsWith('crm.')) needScope(ctx, 'crm');
  switch (method) {
    case 'scope':
      return { result: ctx.scopes, rows: 0 };
    case 'server.time':
      return { result: ctx.nowIso, rows: 0 };
    case 'crm.settings.mode.get':
      return { result: ctx.mode, rows: 0 };
    case 'crm.status.list': {
      const f = (params.filter ?? {}) as Record<string, unknown>;
      const rows = d.dictionaries.statuses.filter((s) => f.ENTITY_ID === undefined || s.ENTITY_ID === f.ENTITY_ID);
      return { result: rows, total: rows.length, rows: rows.length };
    }
    case 'crm.category.list': {
      if (Number(params.entityTypeId) !== 2) throw new MethodError(400, 'NOT_SUPPORTED', 'Only deals in the fake');
      const cats = d.dictionaries.categories;
      return { result: { categories: cats }, total: cats.length, rows: cats.length };
    }
    case 'crm.currency.list':
      return { result: d.dictionaries.currencies, total: 0, rows: d.dictionaries.currencies.length };
    case 'user.get': {
      needScope(ctx, 'user');
      const start = Number(params.start ?? 0) || 0;
      const users = d.dictionaries.users;
      const page = users.slice(start, start + PAGE);
      return { result: page, total: users.length, next: start + PAGE < users.length ? start + PAGE : undefined, rows: page.length };
    }
    case 'crm.lead.list': {
      if (ctx.mode === 2) throw legacyError('Leads are not available in simple CRM mode.');
      const r = list(d.leads, LEAD_SPEC, params, off);
      return { result: project(r.rows, LEAD_SPEC, params.select), total: r.total, next: r.next, rows: r.rows.length };
    }
    case 'crm.contact.list': {
      const r = list(d.contacts, CONTACT_SPEC, params, off);
      return { result: project(r.rows, CONTACT_SPEC, params.select), total: r.total, next: r.next, rows: r.rows.length };
    }
    case 'crm.item.list': {
      if (Number(params.entityTypeId) !== 2) throw new MethodError(400, 'NOT_SUPPORTED', 'Only deals (entityTypeId 2) in the fake');
      const r = list(d.deals, DEAL_SPEC, params, off);
      return { result: { items: project(r.rows, DEAL_SPEC, params.select) }, total: r.total, next: r.next, rows: r.rows.length };
    }
    case 'crm.stagehistory.list': {
      const f = (params.filter ?? {}) as Record<string, unknown>;
      const owners = f['@OWNER_ID'] !== undefined ? asList(f['@OWNER_ID']).map(Number) : [Number(f.OWNER_ID)];
      let items = owners.flatMap((o) => d.history(o));
      if (f.STAGE_SEMANTIC_ID !== undefined) items = items.filter((i) => i.STAGE_SEMANTIC_ID === f.STAGE_SEMANTIC_ID);
      const order = (params.order ?? {}) as Record<string, unknown>;
      items.sort((x, y) => (String(order.ID).toUpperCase() === 'DESC' ? y.ID - x.ID : x.ID - y.ID));
      return { result: { items: items.slice(0, PAGE) }, total: 0, rows: items.length };
    }
    case 'crm.lead.add': {
      const fields = (params.fields ?? {}) as Record<string, unknown>;
      if (typeof fields !== 'object' || Array.isArray(fields)) throw legacyError("Parameter 'fields' must be array.");
      const id = (d.leads.ids().at(-1) ?? 0) + 1;
      d.addLeads([
        {
          ID: String(id), TITLE: String(fields.TITLE ?? ''), STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P', SOURCE_ID: String(fields.SOURCE_ID ?? ''),
          UTM_SOURCE: null, UTM_MEDIUM: null, UTM_CAMPAIGN: null, UTM_CONTENT: null, UTM_TERM: null, OPPORTUNITY: '0.00', CURRENCY_ID: 'RUB',
          DATE_CREATE: ctx.nowIso, DATE_MODIFY: ctx.nowIso, DATE_CLOSED: null, CONTACT_ID: null, ASSIGNED_BY_ID: '1',
        },
      ]);
      return { result: id, rows: 1 };
    }
    default:
      throw new MethodError(404, 'ERROR_METHOD_NOT_FOUND', 'Method not found!');
  }
}
