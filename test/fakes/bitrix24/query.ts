// What the fake needs of PHP: parse_str for batch sub-call query strings (bracket notation,
// percent-encoding in keys and values) and Bitrix24 list filters (reference/bitrix24.md §3.1).
// Written independently of the client's encoder so that encoding bugs show up in tests.

export type Php = string | Php[] | { [k: string]: Php };

function setPath(root: Record<string, Php>, path: string[], value: string): void {
  let node: Record<string, Php> = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] ?? '';
    const last = i === path.length - 1;
    if (last) {
      if (seg === '') {
        const arr = Object.keys(node).length;
        node[String(arr)] = value;
      } else node[seg] = value;
      return;
    }
    const key = seg === '' ? String(Object.keys(node).length) : seg;
    const child = node[key];
    if (child === undefined || typeof child === 'string' || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, Php>;
  }
}

/** parse_str: a=1&b[0]=x&f[>=ID]=5 → { a: '1', b: { '0': 'x' }, f: { '>=ID': '5' } } */
export function parsePhpQuery(qs: string): Record<string, Php> {
  const out: Record<string, Php> = {};
  if (!qs) return out;
  for (const part of qs.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    const value = decodeURIComponent(rawVal.replace(/\+/g, ' '));
    const m = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (!m) continue;
    const path = [m[1] ?? ''];
    for (const seg of (m[2] ?? '').matchAll(/\[([^\]]*)\]/g)) path.push(seg[1] ?? '');
    setPath(out, path, value);
  }
  return out;
}

/** PHP array with keys 0..n-1 → list; anything else → its values. */
export function asList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object') return Object.values(v);
  if (v === undefined || v === null || v === '') return [];
  return [v];
}

export type Op = '>=' | '<=' | '>' | '<' | '@' | '!@' | '!=' | '=';

export interface Cond {
  field: string;
  op: Op;
  value: unknown;
}

const OPS: Op[] = ['>=', '<=', '!@', '!=', '>', '<', '@', '='];

export function parseFilter(filter: unknown): Cond[] {
  if (filter === undefined || filter === null || filter === '') return [];
  if (typeof filter !== 'object' || Array.isArray(filter)) throw new Error("Parameter 'filter' must be array.");
  const out: Cond[] = [];
  for (const [k, value] of Object.entries(filter)) {
    let op: Op = '=';
    let field = k;
    for (const o of OPS) {
      if (k.startsWith(o)) {
        op = o;
        field = k.slice(o.length);
        break;
      }
    }
    if (k.startsWith('!') && op === '=') {
      op = '!=';
      field = k.slice(1);
    }
    out.push({ field, op, value });
  }
  return out;
}

/** Comparable value: numbers for ids, epoch ms for ISO date-times, strings otherwise. */
export type Kind = 'int' | 'date' | 'str';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** ISO with offset → ms; without offset the fake reads it in its own offset (like a server). */
export function isoMs(v: unknown, offsetMin: number): number {
  if (typeof v !== 'string') return NaN;
  const m = ISO.exec(v.trim());
  if (!m) return NaN;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const off = m[7];
  if (!off) return utc - offsetMin * 60_000;
  if (off === 'Z') return utc;
  const sign = off[0] === '-' ? -1 : 1;
  const d = off.slice(1).replace(':', '');
  return utc - sign * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2, 4))) * 60_000;
}

export function comparable(kind: Kind, v: unknown, offsetMin: number): number | string {
  if (kind === 'int') return typeof v === 'number' ? v : Number(v);
  if (kind === 'date') return isoMs(v, offsetMin);
  return v === null || v === undefined ? '' : String(v);
}

export function test(c: Cond, rowValue: number | string, kind: Kind, offsetMin: number): boolean {
  if (c.op === '@' || c.op === '!@') {
    const set = asList(c.value).map((x) => comparable(kind, x, offsetMin));
    const hit = set.includes(rowValue);
    return c.op === '@' ? hit : !hit;
  }
  const v = comparable(kind, c.value, offsetMin);
  switch (c.op) {
    case '>=':
      return rowValue >= v;
    case '<=':
      return rowValue <= v;
    case '>':
      return rowValue > v;
    case '<':
      return rowValue < v;
    case '!=':
      return rowValue !== v;
    default:
      return rowValue === v;
  }
}
