// `batch`: up to 50 named sub-calls in one HTTP request (reference/bitrix24.md §7).
// Sub-call parameters travel as GET-style query strings in PHP bracket notation
// (filter[>=ID]=100&select[0]=ID&start=-1). The answer's maps (result, result_error,
// result_total, result_next, result_time) are `[]` when empty and `{}` otherwise — both accepted.
import type { B24Time } from './api-types';
import { B24ApiError, classify, effectiveCode, type B24ErrorKind } from './api-error';
import type { B24Client } from './client';

export const BATCH_MAX = 50;

export interface SubCall {
  /** a name of letters, digits and underscores */
  key: string;
  method: string;
  params: Record<string, unknown>;
}

export interface SubResult {
  result?: unknown;
  error?: { code: string; description: string; kind: B24ErrorKind };
  total?: number;
  next?: number;
  time?: B24Time;
}

export interface BatchAnswer {
  results: Map<string, SubResult>;
  /** the outer response's time block (date_start = server time of the request) */
  time: B24Time;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function scalar(v: unknown): string | null {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return v ? 'Y' : 'N';
  if (typeof v === 'bigint') return v.toString();
  return null;
}

function walk(prefix: string, v: unknown, out: string[]): void {
  if (v === undefined) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => walk(`${prefix}[${i}]`, item, out));
    return;
  }
  if (v !== null && typeof v === 'object') {
    for (const [k, item] of Object.entries(v)) walk(`${prefix}[${enc(k)}]`, item, out);
    return;
  }
  const s = scalar(v);
  if (s !== null) out.push(`${prefix}=${enc(s)}`);
}

/**
 * Params → PHP bracket-notation query string. Key segments and values are percent-encoded,
 * brackets stay literal. Empty arrays vanish (PHP cannot express them), so callers must never
 * send an empty `@ID` list. Booleans become Y/N, null an empty value.
 */
export function toPhpQuery(params: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) walk(enc(k), v, out);
  return out.join('&');
}

/** A `[]`-or-`{}` map of the answer as a plain record. */
function asMap(v: unknown): Record<string, unknown> {
  if (Array.isArray(v)) {
    const out: Record<string, unknown> = {};
    v.forEach((item, i) => (out[String(i)] = item));
    return out;
  }
  return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Splits a batch answer into one result per sub-call (present keys only). */
export function parseBatchResult(result: unknown): Map<string, SubResult> {
  const r = asMap(result);
  const res = asMap(r.result);
  const errs = asMap(r.result_error);
  const totals = asMap(r.result_total);
  const nexts = asMap(r.result_next);
  const times = asMap(r.result_time);
  const out = new Map<string, SubResult>();
  const keys = new Set([...Object.keys(res), ...Object.keys(errs)]);
  for (const key of keys) {
    const sub: SubResult = {};
    const e = errs[key];
    if (e !== undefined && e !== null) {
      const eo = (typeof e === 'object' ? e : { error: e }) as { error?: unknown; error_description?: unknown };
      const code = effectiveCode(eo.error, eo.error_description);
      const description = typeof eo.error_description === 'string' ? eo.error_description : '';
      // sub-calls have no HTTP status; 400 is what a lone call would have answered
      sub.error = { code, description, kind: classify(400, code) };
    } else {
      sub.result = res[key];
    }
    const total = num(totals[key]);
    if (total !== undefined) sub.total = total;
    const next = num(nexts[key]);
    if (next !== undefined) sub.next = next;
    const t = times[key];
    if (t && typeof t === 'object') sub.time = t as B24Time;
    out.set(key, sub);
  }
  return out;
}

/**
 * Runs ≤ 50 sub-calls in one request (halt = 0: every sub-call runs, failures come back per
 * key). The HTTP request goes through the client's queue and retry policy; failed sub-calls are
 * not retried here — the caller decides, because it knows what a sub-call means.
 */
export async function runBatch(client: B24Client, calls: readonly SubCall[], signal?: AbortSignal): Promise<BatchAnswer> {
  if (calls.length === 0) return { results: new Map(), time: {} };
  if (calls.length > BATCH_MAX) throw new RangeError(`batch of ${calls.length} > ${BATCH_MAX}`);
  const cmd: Record<string, string> = {};
  for (const c of calls) {
    if (!/^\w+$/.test(c.key) || c.key in cmd) throw new RangeError(`bad batch key ${c.key}`);
    const q = toPhpQuery(c.params);
    cmd[c.key] = q ? `${c.method}?${q}` : c.method;
  }
  const ans = await client.call<unknown>('batch', { halt: 0, cmd }, signal);
  const results = parseBatchResult(ans.result);
  for (const c of calls) {
    if (!results.has(c.key)) {
      results.set(c.key, { error: { code: 'NO_RESULT', description: 'sub-call missing from the batch answer', kind: 'server' } });
    }
  }
  return { results, time: ans.time ?? {} };
}

/** A failed sub-call as an error to throw (kind decides retry upstream). */
export function subCallError(client: B24Client, method: string, sub: SubResult): B24ApiError {
  const e = sub.error ?? { code: 'NO_RESULT', description: '', kind: 'server' as const };
  return new B24ApiError(e.kind, e.code, 400, method, client.webhook.host, e.description);
}

/** Rows of a list sub-call: legacy `result: [...]`, crm.item.list `result: {items: [...]}`. */
export function listRows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (result && typeof result === 'object') {
    const o = result as { items?: unknown; categories?: unknown };
    if (Array.isArray(o.items)) return o.items as T[];
    if (Array.isArray(o.categories)) return o.categories as T[];
    // an object with numeric keys (PHP array that lost its list shape)
    const vals = Object.values(o);
    if (vals.every((v) => v && typeof v === 'object')) return vals as T[];
  }
  return [];
}
