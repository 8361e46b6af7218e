// Russian number, money, percent and date formats (Intl, ru-RU). Pure: runs in Node tests too.
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

/** `1 234,5` — counts may be fractional (attribution weights), up to `maxFraction` digits. */
export function formatNumber(v: number | null | undefined, maxFraction = 2): string {
  if (missing(v)) return DASH;
  return nf(`n${maxFraction}`, { maximumFractionDigits: maxFraction }).format(v);
}

/**
 * `1 234 567,89 ₽`; whole amounts without kopecks (`350 000 ₽`). `rounded` drops kopecks always
 * (KPI cards, where the exact amount is one click away in the table).
 */
export function formatMoney(v: number | null | undefined, currency = 'RUB', rounded = false): string {
  if (missing(v)) return DASH;
  const whole = rounded || Math.abs(v - Math.round(v)) < 0.005;
  const digits = whole ? 0 : 2;
  try {
    return nf(`m${currency}${digits}`, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(v);
  } catch {
    // an unknown currency code: the number and the code as typed
    return `${formatNumber(v)}\u00a0${currency}`;
  }
}

/** A ratio as percent: 0.125 → `12,5 %`. */
export function formatPercent(ratio: number | null | undefined, maxFraction = 1): string {
  if (missing(ratio)) return DASH;
  return nf(`p${maxFraction}`, { style: 'percent', maximumFractionDigits: maxFraction }).format(ratio);
}

/** Axis labels: `1,2 млн`, `350 тыс.`. */
export function formatCompact(v: number | null | undefined): string {
  if (missing(v)) return DASH;
  return nf('c', { notation: 'compact', maximumFractionDigits: 1 }).format(v);
}

/** `2026-11-22` → `22.11.2026` (a calendar date, no time zone involved). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return DASH;
  return `${m[3]}.${m[2]}.${m[1]}`;
}

/** An instant (ISO string) → `22.11.2026, 14:05` in the given time zone. */
export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  try {
    return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(d);
  } catch {
    return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeStyle: 'short' }).format(d);
  }
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
export function formatSignedMoney(v: number | null | undefined, currency = 'RUB', rounded = false): string {
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
