// Identity normalisation: phones → E.164, e-mails → trimmed lower case. These values are what
// the `ident` table stores and what attribution joins on, for every source.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

const SEPARATORS = /[\s()\-.\u00a0\u2010-\u2015]/g;
// Russian shapes cover nearly every value the two APIs send; they skip the library's parser
// (several µs per call), and read "7XXXXXXXXXX" as a +7 number even where the library, seeing
// no "+", would first try it as a national number.
const RU_INTL = /^\+?7(\d{10})$/;
const RU_TRUNK = /^8(\d{10})$/;
const RU_MOBILE = /^(9\d{9})$/;

/**
 * A phone as E.164 ("+79161234567"), or null when it is not a possible number.
 * Default region RU: "8 (916) 123-45-67", "+7 (916) 123-45-67", "79161234567" and
 * "9161234567" are all +79161234567. Extensions ("доб. 12") are dropped.
 */
export function normalisePhone(input: unknown, defaultRegion: CountryCode = 'RU'): string | null {
  if (typeof input !== 'string' && typeof input !== 'number') return null;
  const s = String(input).trim();
  if (s === '') return null;
  const compact = s.replace(SEPARATORS, '');
  if (defaultRegion === 'RU') {
    const m = RU_INTL.exec(compact) ?? RU_TRUNK.exec(compact) ?? RU_MOBILE.exec(compact);
    if (m) return `+7${m[1]}`;
  }
  try {
    const p = parsePhoneNumberFromString(s, defaultRegion);
    return p && p.isPossible() ? p.number : null;
  } catch {
    return null;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** An e-mail trimmed and lower-cased, or null when it does not look like one. */
export function normaliseEmail(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const t = input.trim().toLowerCase();
  return EMAIL.test(t) ? t : null;
}

/** Normalised, de-duplicated phones in first-seen order; unparseable values are dropped. */
export function normalisePhones(values: Iterable<unknown>): string[] {
  const out: string[] = [];
  for (const v of values) {
    const p = normalisePhone(v);
    if (p !== null && !out.includes(p)) out.push(p);
  }
  return out;
}

/** Normalised, de-duplicated e-mails in first-seen order. */
export function normaliseEmails(values: Iterable<unknown>): string[] {
  const out: string[] = [];
  for (const v of values) {
    const e = normaliseEmail(v);
    if (e !== null && !out.includes(e)) out.push(e);
  }
  return out;
}
