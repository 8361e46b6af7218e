// Calendar dates and instants in a reporting time zone. Pure; runs in Node and in the renderer.
import { TZDate } from '@date-fns/tz';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

const tzCache = new Map<string, boolean>();
export function isValidTimeZone(tz: string): boolean {
  let ok = tzCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    tzCache.set(tz, ok);
  }
  return ok;
}

function parts(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The instant (epoch ms) at which calendar day `date` starts in `tz`. */
export function dayStart(date: string, tz: string): number {
  const [y, mo, d] = parts(date);
  return new TZDate(y, mo - 1, d, 0, 0, 0, 0, tz).getTime();
}

/** Half-open instant range [start, end) covering calendar days from..to inclusive in `tz`. */
export function periodRange(from: string, to: string, tz: string): { start: number; end: number } {
  return { start: dayStart(from, tz), end: dayStart(addDays(to, 1), tz) };
}

/** Wall-clock time in `tz` → instant (epoch ms). Month is 1-based. */
export function zonedToInstant(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  tz: string,
): number {
  return new TZDate(y, mo - 1, d, h, mi, s, 0, tz).getTime();
}

/** Instant → calendar date (YYYY-MM-DD) in `tz`. */
export function instantToDate(ms: number, tz: string): string {
  const t = new TZDate(ms, tz);
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

/** Instant → wall clock parts in `tz`. */
export function instantParts(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const t = new TZDate(ms, tz);
  return { y: t.getFullYear(), mo: t.getMonth() + 1, d: t.getDate(), h: t.getHours(), mi: t.getMinutes(), s: t.getSeconds() };
}

export function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function addDays(date: string, n: number): string {
  const [y, mo, d] = parts(date);
  return new Date(Date.UTC(y, mo - 1, d + n)).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  const [y1, m1, d1] = parts(a);
  const [y2, m2, d2] = parts(b);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86_400_000);
}

/** ISO weekday, Monday = 1 … Sunday = 7. */
export function weekday(date: string): number {
  const [y, mo, d] = parts(date);
  const wd = new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
  return wd === 0 ? 7 : wd;
}

export function addYears(date: string, n: number): string {
  const [y, mo, d] = parts(date);
  // 29 Feb → 28 Feb in a non-leap year
  const last = new Date(Date.UTC(y + n, mo, 0)).getUTCDate();
  return `${y + n}-${pad(mo)}-${pad(Math.min(d, last))}`;
}

/** Dates the app works with: reports, costs and visits outside these are refused (issue 15). */
export const MIN_DATE = '2000-01-01';
export const MAX_DATE = '2100-12-31';
export const DATE_RANGE_MESSAGE = `Дата должна быть между ${MIN_DATE} и ${MAX_DATE}`;

/** A valid YYYY-MM-DD inside MIN_DATE…MAX_DATE. */
export function inDateRange(s: string): boolean {
  return isIsoDate(s) && s >= MIN_DATE && s <= MAX_DATE;
}

/** The last day of `date`'s month. */
export function monthEnd(date: string): string {
  const [y, mo] = parts(date);
  return `${y}-${pad(mo)}-${pad(new Date(Date.UTC(y, mo, 0)).getUTCDate())}`;
}

/** The same day `n` months later (earlier for n < 0), clipped to that month's length (31 Mar − 1 → 28/29 Feb). */
export function addMonths(date: string, n: number): string {
  const [y, mo, d] = parts(date);
  const m0 = y * 12 + (mo - 1) + n;
  const ny = Math.floor(m0 / 12);
  const nm = m0 - ny * 12 + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${pad(nm)}-${pad(Math.min(d, last))}`;
}
