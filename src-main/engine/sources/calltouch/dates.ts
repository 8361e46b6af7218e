// Calltouch date formats (reference/calltouch.md §1.3, §11.1). Three different orders:
//   calls diary / orders diary query  dd/mm/yyyy            03/04/2026 = 3 April 2026
//   requests journal query            mm/dd/yyyy (US!)      04/03/2026 = 3 April 2026
//   lead-service bodies               dd-mm-yyyy HH:MM:SS   03-04-2026 14:05:00
// Calendar days inside the engine are ISO "YYYY-MM-DD" strings in the site's (project's) zone.
import { addDays, instantParts, isIsoDate, pad } from '@shared/time';
import { parseDmyInstant } from '../parse';

function parts(day: string): [string, string, string] {
  if (!isIsoDate(day)) throw new Error(`Not a YYYY-MM-DD date: ${day}`);
  return [day.slice(0, 4), day.slice(5, 7), day.slice(8, 10)];
}

/** "2026-04-03" → "03/04/2026" (calls diary and orders diary `dateFrom` / `dateTo`). */
export function callsDiaryDate(day: string): string {
  const [y, m, d] = parts(day);
  return `${d}/${m}/${y}`;
}

/** "2026-04-03" → "04/03/2026" (requests journal `dateFrom` / `dateTo`, US order). */
export function requestsJournalDate(day: string): string {
  const [y, m, d] = parts(day);
  return `${m}/${d}/${y}`;
}

/** An instant → "03-04-2026 14:05:00", the wall clock in `tz` (lead-service request bodies). */
export function leadServiceDateTime(ms: number, tz: string): string {
  const p = instantParts(ms, tz);
  return `${pad(p.d)}-${pad(p.mo)}-${p.y} ${pad(p.h)}:${pad(p.mi)}:${pad(p.s)}`;
}

function slashDate(s: string, order: 'dmy' | 'mdy'): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s.trim());
  if (!m) return null;
  const [a, b, y] = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
  const iso = order === 'dmy' ? `${y}-${b}-${a}` : `${y}-${a}-${b}`;
  return isIsoDate(iso) ? iso : null;
}

/** "03/04/2026" read as dd/mm/yyyy → "2026-04-03"; null when it is not a real date. */
export function parseCallsDiaryDate(s: string): string | null {
  return slashDate(s, 'dmy');
}

/** "04/03/2026" read as mm/dd/yyyy → "2026-04-03"; null when it is not a real date. */
export function parseRequestsJournalDate(s: string): string | null {
  return slashDate(s, 'mdy');
}

/** Response date-time "dd/mm/yyyy HH:MM:SS" (project wall clock) → epoch ms. */
export function responseDateTime(s: unknown, tz: string): number | null {
  return parseDmyInstant(s, tz);
}

/** The calendar day ("YYYY-MM-DD") a response "dd/mm/yyyy HH:MM:SS" falls on, as written. */
export function responseDay(s: unknown): string | null {
  if (typeof s !== 'string') return null;
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})/.exec(s.trim());
  if (!m) return null;
  const iso = `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`;
  return isIsoDate(iso) ? iso : null;
}

/** Last day of the month `day` is in. */
export function monthEnd(day: string): string {
  const [y, m] = parts(day);
  const last = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return `${y}-${m}-${pad(last)}`;
}

/**
 * Splits [from, to] (inclusive days) into ranges of at most one calendar month: a range never
 * crosses a month boundary, so a chunk is ≤ 31 days and the split is the same on every run.
 */
export function monthChunks(from: string, to: string): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  let a = from;
  while (a <= to) {
    const end = monthEnd(a);
    const b = end < to ? end : to;
    out.push({ from: a, to: b });
    a = addDays(b, 1);
  }
  return out;
}

/** Every day of [from, to], inclusive. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
