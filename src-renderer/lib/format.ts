// Russian number, money, percent, date and phone formats (Intl, ru-RU). Pure: runs in Node tests too.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
// Everything that is missing (null, undefined, NaN) prints as an em dash.

export const DASH = '—';

const LOCALE = 'ru-RU';
const cache = new Map<string, Intl.NumberFormat>();

function nf(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, options);
    cache.set(key, f);
  }
  return f;
}

function missing(v: number | null | undefined): v is null | undefined {
  return v === null || v === undefined || !Number.isFinite(v);
}

/** Russian typography: a true minus (U+2212), not a hyphen. */
function minus(text: string): string {
  return text.replace(/^-/, '\u2212').replace(/^(\D*)-/, '$1\u2212');
}

/** `1 234,5` — counts may be fractional (attribution weights), up to `maxFraction` digits. */
export function formatNumber(v: number | null | undefined, maxFraction = 2): string {
  if (missing(v)) return DASH;
  return minus(nf(`n${maxFraction}`, { maximumFractionDigits: maxFraction }).format(v));
}

/** `1 234,50` — exactly `digits` decimals (one format for a whole column). */
export function formatFixed(v: number | null | undefined, digits: number): string {
  if (missing(v)) return DASH;
  return minus(nf(`f${digits}`, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v));
}

/** How many decimals (0–2) a column of counts needs so that no value is rounded: all of it uses them. */
export function countDigits(values: Iterable<number | null | undefined>): number {
  let digits = 0;
  for (const v of values) {
    if (missing(v)) continue;
    if (Math.abs(v * 10 - Math.round(v * 10)) > 1e-6) return 2;
    if (Math.abs(v - Math.round(v)) > 1e-6) digits = 1;
  }
  return digits;
}

/**
 * Money. `rounded` (the default) prints whole roubles — every report total, ratio and KPI on
 * screen (docs/REPORTS.md «Display formats»); `rounded = false` prints exactly two decimals —
 * single records (a deal's amount, a cost line, a visit's revenue). Never «kopecks sometimes».
 */
export function formatMoney(v: number | null | undefined, currency = 'RUB', rounded = true): string {
  if (missing(v)) return DASH;
  const digits = rounded ? 0 : 2;
  try {
    return minus(
      nf(`m${currency}${digits}`, {
        style: 'currency',
        currency,
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(v),
    );
  } catch {
    // an unknown currency code: the number and the code as typed
    return `${formatFixed(v, digits)}\u00a0${currency}`;
  }
}

/** A ratio as percent with exactly `digits` decimals: 0.125 → `12,5 %`, 0.05 → `5,0 %`. */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (missing(ratio)) return DASH;
  return minus(nf(`p${digits}`, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio));
}

/** Axis labels: `1,2 млн`, `350 тыс.`. */
export function formatCompact(v: number | null | undefined): string {
  if (missing(v)) return DASH;
  return minus(nf('c', { notation: 'compact', maximumFractionDigits: 1 }).format(v));
}

/** `2026-11-22` → `22.11.2026` (a calendar date, no time zone involved). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return DASH;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/**
 * A period in little room: `06.11–05.12.2026` within a year, `06.12.2025–05.12.2026` across
 * years, `05.12.2026` for one day. Calendar dates, no time zone involved.
 */
export function formatRange(from: string, to: string): string {
  if (from === to) return formatDate(from);
  if (from.slice(0, 4) === to.slice(0, 4)) return `${formatDate(from).slice(0, 5)}–${formatDate(to)}`;
  return `${formatDate(from)}–${formatDate(to)}`;
}

const ZONED = new Map<string, Intl.DateTimeFormat>();

/**
 * THE way an instant reaches the screen (docs/REPORTS.md: dates in the workspace time zone,
 * everywhere): its wall clock in `timeZone` — `22.11.2026, 14:05`, `22.11.2026` or `14:05`,
 * 24-hour, dd.mm.yyyy whatever the OS locale. An unknown zone falls back to Moscow.
 */
export function formatInstant(iso: string | number | null | undefined, timeZone: string, part: 'datetime' | 'date' | 'time' = 'datetime'): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  let f = ZONED.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    }
    ZONED.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(d)) p[x.type] = x.value;
  const date = `${p.day}.${p.month}.${p.year}`;
  const time = `${p.hour}:${p.minute}`;
  return part === 'date' ? date : part === 'time' ? time : `${date}, ${time}`;
}

/** An instant (ISO string) → `22.11.2026, 14:05` in the workspace's time zone. */
export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  return formatInstant(iso, timeZone, 'datetime');
}

/** A calendar page's title: «декабрь 2026» / «December 2026». */
export function formatMonthTitle(year: number, month: number, lang: 'ru' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(year, month - 1, 1)))
    .replace(/\s*г\.$/, '');
}

/** The name of a weekday (1 = Monday … 7 = Sunday) in the UI language. */
export function weekdayName(day: number, lang: 'ru' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)));
}

/**
 * Reads a number formatted by this module back (`1 234 567,89 ₽` → 1234567.89, `12,5 %` → 0.125,
 * `—` → null). Used by tests that compare the screen with the engine.
 */
export function parseRuNumber(text: string): number | null {
  const t = text.trim();
  if (t === '' || t === DASH) return null;
  const percent = t.includes('%');
  const cleaned = t
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/[^0-9,.-]/g, '')
    .replace(',', '.');
  if (cleaned === '' || cleaned === '-') return null;
  const n = Number(cleaned);
  if (!Number.isFinite(n)) return null;
  return percent ? n / 100 : n;
}

/** The minus sign of signed numbers (U+2212, as Russian typography wants). */
export const MINUS = '\u2212';

function signed(text: string, v: number): string {
  if (v > 0) return `+${text}`;
  if (v < 0) return `${MINUS}${text}`;
  return text;
}

/** A change with its sign: `+1 234`, `−56,5`, `0`. */
export function formatSignedNumber(v: number | null | undefined, maxFraction = 2): string {
  if (missing(v)) return DASH;
  return signed(formatNumber(Math.abs(v), maxFraction), roundTo(v, maxFraction));
}

/** A change of money with its sign: `+12 000 ₽`, `−350 ₽`. */
export function formatSignedMoney(v: number | null | undefined, currency = 'RUB', rounded = true): string {
  if (missing(v)) return DASH;
  return signed(formatMoney(Math.abs(v), currency, rounded), rounded ? Math.round(v) : roundTo(v, 2));
}

/** A relative change with its sign: 0.125 → `+12,5 %`. */
export function formatSignedPercent(ratio: number | null | undefined, maxFraction = 1): string {
  if (missing(ratio)) return DASH;
  return signed(formatPercent(Math.abs(ratio), maxFraction), roundTo(ratio * 100, maxFraction));
}

/** A change of a percentage in percentage points: 0.052 → `+5,2 п. п.` (`pp` in English). */
export function formatSignedPoints(ratio: number | null | undefined, unit: string, maxFraction = 1): string {
  if (missing(ratio)) return DASH;
  const points = ratio * 100;
  return `${signed(formatNumber(Math.abs(points), maxFraction), roundTo(points, maxFraction))}\u00a0${unit}`;
}

function roundTo(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

const MONTHS = new Map<string, Intl.DateTimeFormat>();

/**
 * A time-series bucket on an axis: a day `21.11`, a week `16.11–22.11` (clipped to the period),
 * a month `ноя 2026`. Calendar dates, no time zone involved.
 */
export function formatBucket(from: string, to: string, grain: 'day' | 'week' | 'month', locale = LOCALE): string {
  const dm = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
  if (grain === 'day') return dm(from);
  if (grain === 'week') return from === to ? dm(from) : `${dm(from)}–${dm(to)}`;
  let f = MONTHS.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
    MONTHS.set(locale, f);
  }
  return f.format(new Date(`${from.slice(0, 7)}-01T00:00:00Z`)).replace(/\s*г\.$/, '');
}

/**
 * THE way a phone reaches the screen, everywhere (visits, their preview, data health):
 * `+79161234567` → `+7 916 123-45-67`; other countries in their international format; anything
 * that is not a phone as it is.
 */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return DASH;
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(e164);
  if (m) return `+7\u00a0${m[1]}\u00a0${m[2]}-${m[3]}-${m[4]}`;
  const p = parsePhoneNumberFromString(e164);
  return p?.isValid() ? p.formatInternational().replace(/ /g, '\u00a0') : e164;
}
