// The app's own date and time fields (Russian whatever the OS locale: dd.mm.yyyy, 24-hour):
// parsing what a marketer types or pastes, and the month grid of the calendar. Pure, tested in Node.
import { isIsoDate, pad } from '@shared/time';

/**
 * A typed date → `YYYY-MM-DD`, or null: `05.12.2026`, `5.12.2026`, `05/12/2026`, `05-12-2026`, and
 * a pasted ISO date `2026-12-05`. Two-digit years are 20xx.
 */
export function parseDateText(text: string): string | null {
  const s = text.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else {
    m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(s);
    if (!m) return null;
    [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (m[3]!.length === 2) y += 2000;
  }
  const iso = `${String(y).padStart(4, '0')}-${pad(mo)}-${pad(d)}`;
  return isIsoDate(iso) ? iso : null;
}

/** `YYYY-MM-DD` → `dd.mm.yyyy` (anything else as it is). */
export function dateText(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/** A typed time → `HH:MM` (24-hour), or null: `9:05`, `09:05`, `09.05`, `0905`. */
export function parseTimeText(text: string): string | null {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (h > 23 || mi > 59) return null;
  return `${pad(h)}:${pad(mi)}`;
}

/** The weeks (Monday first) of a month's calendar page: ISO dates, days of the neighbouring months included. */
export function monthGrid(year: number, month: number): string[][] {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const start = Date.UTC(year, month - 1, 1 - lead);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const weeks = Math.ceil((lead + days) / 7);
  const out: string[][] = [];
  for (let w = 0; w < weeks; w++) {
    const week: string[] = [];
    for (let i = 0; i < 7; i++) week.push(new Date(start + (w * 7 + i) * 86_400_000).toISOString().slice(0, 10));
    out.push(week);
  }
  return out;
}

/** The month `n` months from `YYYY-MM` (as { year, month }). */
export function shiftMonth(year: number, month: number, n: number): { year: number; month: number } {
  const m0 = year * 12 + month - 1 + n;
  return { year: Math.floor(m0 / 12), month: (m0 % 12) + 1 };
}
