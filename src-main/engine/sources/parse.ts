// Defensive scalar parsing shared by the source mappers (reference/bitrix24.md §3.2, §12;
// reference/calltouch.md §1.3, §10). Every function accepts `unknown` because the APIs send
// strings for numbers, "" or null for "empty", and booleans in several spellings.
import { zonedToInstant } from '@shared/time';

/** null, undefined, "" and whitespace-only → null; anything else as a string, untrimmed. */
export function str(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
  if (s === null || s.trim() === '') return null;
  return s;
}

/** An integer from a number or a decimal-digit string; anything else → null. */
export function toInt(v: unknown): number | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : null;
  if (typeof v !== 'string') return null;
  const t = v.trim();
  if (!/^[+-]?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** A reference id: like toInt, but 0 and negatives mean "none" (Bitrix24 sends "0" for no company). */
export function toRefId(v: unknown): number | null {
  const n = toInt(v);
  return n !== null && n > 0 ? n : null;
}

/** Bitrix24 Y/N flags (and the usual boolean spellings) → 1 / 0. */
export function yn(v: unknown): 0 | 1 {
  if (v === true || v === 1) return 1;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    return t === 'y' || t === 'true' || t === '1' || t === 'yes' ? 1 : 0;
  }
  return 0;
}

/** Calltouch booleans: true, "true", "True" (and 1) → 1; everything else → 0. */
export function ctBool(v: unknown): 0 | 1 {
  return yn(v);
}

function expandExponent(s: string): string {
  // "1.5e+21" → "1500000000000000000000", "1e-7" → "0.0000001"
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
  if (!m) return s;
  const [, sign, int, frac = '', expStr] = m;
  const exp = Number(expStr);
  const digits = int + frac;
  const point = int.length + exp;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * Money and rates as an exact canonical decimal string, never through float arithmetic:
 * "54000.00" → "54000", "19 999,50" → "19999.5", 54000 → "54000", "" / null / junk → null.
 * A JSON number is turned back into the shortest decimal that reads as it, which is the text
 * the API sent.
 */
export function toDecimal(v: unknown): string | null {
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    s = expandExponent(String(v));
  } else if (typeof v === 'string') {
    s = v.replace(/[\s\u00a0\u202f']/g, '');
    if (s.includes(',') && !s.includes('.') && s.indexOf(',') === s.lastIndexOf(',')) s = s.replace(',', '.');
  } else {
    return null;
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const [, sign, intRaw = '', fracRaw = ''] = m;
  if (intRaw === '' && fracRaw === '') return null;
  const int = intRaw.replace(/^0+(?=\d)/, '') || '0';
  const frac = fracRaw.replace(/0+$/, '');
  const body = frac ? `${int}.${frac}` : int;
  return sign === '-' && body !== '0' ? `-${body}` : body;
}

// ---- instants ---------------------------------------------------------------------------

/** per zone: calendar day (y·10⁴ + m·10² + d) → its midnight instant, or NaN on a DST switch day */
const midnights = new Map<string, Map<number, number>>();

/**
 * Wall-clock time in `tz` → epoch ms. Resolves the zone once per (zone, day) and adds the time
 * of day arithmetically (sync pages carry thousands of timestamps on the same few days); days
 * that are not 24 hours long (DST switches) go through zonedToInstant for every value.
 */
export function wallToInstant(y: number, mo: number, d: number, h: number, mi: number, s: number, tz: string): number {
  let days = midnights.get(tz);
  if (!days) {
    days = new Map();
    midnights.set(tz, days);
  }
  const key = y * 10_000 + mo * 100 + d;
  let midnight = days.get(key);
  if (midnight === undefined) {
    if (days.size > 100_000) days.clear();
    const start = zonedToInstant(y, mo, d, 0, 0, 0, tz);
    const next = zonedToInstant(y, mo, d + 1, 0, 0, 0, tz);
    midnight = next - start === 86_400_000 ? start : NaN;
    days.set(key, midnight);
  }
  if (Number.isNaN(midnight)) return zonedToInstant(y, mo, d, h, mi, s, tz);
  return midnight + h * 3_600_000 + mi * 60_000 + s * 1000;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && s <= 60 && y >= 1970;
}

/** Offset in minutes of an ISO string such as "…+03:00" (null when it has none). */
export function isoOffsetMinutes(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = ISO.exec(v.trim());
  const off = m?.[8];
  if (!off) return null;
  if (off === 'Z' || off === 'z') return 0;
  const sign = off[0] === '-' ? -1 : 1;
  const digits = off.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/**
 * ISO 8601 date-time → epoch ms. With an offset ("2025-03-09T18:22:05+03:00", "…Z") the offset
 * decides. Without one, the wall clock is read in `fallbackTz` — Bitrix24 returns server-local
 * times, and which zone a bare value means is undocumented (bitrix24.md §15.3), so the caller
 * passes its best guess. A bare date means midnight. Junk → null.
 */
export function parseIsoInstant(v: unknown, fallbackTz = 'Europe/Moscow', fallbackOffsetMin: number | null = null): number | null {
  if (typeof v !== 'string') return null;
  const m = ISO.exec(v.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = Number(m[4] ?? '0');
  const mi = Number(m[5] ?? '0');
  const s = Number(m[6] ?? '0');
  if (!validParts(y, mo, d, h, mi, s)) return null;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const off = isoOffsetMinutes(v) ?? fallbackOffsetMin;
  if (off !== null) return Date.UTC(y, mo - 1, d, h, mi, s, ms) - off * 60_000;
  return wallToInstant(y, mo, d, h, mi, s, fallbackTz) + ms;
}

/** The calendar date an ISO value names as written ("2025-03-10T00:00:00+03:00" → "2025-03-10"). */
export function isoCalendarDate(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = ISO.exec(v.trim());
  if (!m) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

const DMY = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/** Calltouch "dd/mm/yyyy HH:MM:SS" read as a wall clock in the project time zone → epoch ms. */
export function parseDmyInstant(v: unknown, tz: string): number | null {
  if (typeof v !== 'string') return null;
  const m = DMY.exec(v.trim());
  if (!m) return null;
  const d = Number(m[1]);
  const mo = Number(m[2]);
  const y = Number(m[3]);
  const h = Number(m[4] ?? '0');
  const mi = Number(m[5] ?? '0');
  const s = Number(m[6] ?? '0');
  if (!validParts(y, mo, d, h, mi, s)) return null;
  return wallToInstant(y, mo, d, h, mi, s, tz);
}

/**
 * Unix time from a number or digit string; values below 1e11 are taken as seconds (Calltouch's
 * call `timestamp` is probably seconds, a request's `date` is milliseconds — calltouch.md §1.3).
 */
export function toEpochMs(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return Math.round(n < 1e11 ? n * 1000 : n);
}
