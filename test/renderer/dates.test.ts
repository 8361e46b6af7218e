import { describe, expect, it } from 'vitest';
import { dateText, monthGrid, parseDateText, parseTimeText, shiftMonth } from '../../src-renderer/lib/dates';

describe('the app-drawn date and time fields', () => {
  it('reads dates as a Russian marketer types them, and pasted ISO dates', () => {
    expect(parseDateText('05.12.2026')).toBe('2026-12-05');
    expect(parseDateText('5.1.2026')).toBe('2026-01-05');
    expect(parseDateText('05/12/26')).toBe('2026-12-05');
    expect(parseDateText('2026-12-05')).toBe('2026-12-05');
    expect(parseDateText(' 29.02.2024 ')).toBe('2024-02-29');
    expect(parseDateText('29.02.2026')).toBeNull();
    expect(parseDateText('12/31/2026')).toBeNull();
    expect(parseDateText('')).toBeNull();
    expect(dateText('2026-12-05')).toBe('05.12.2026');
  });

  it('reads times in 24 hours', () => {
    expect(parseTimeText('9:05')).toBe('09:05');
    expect(parseTimeText('21.30')).toBe('21:30');
    expect(parseTimeText('0905')).toBe('09:05');
    expect(parseTimeText('24:00')).toBeNull();
    expect(parseTimeText('9:5')).toBeNull();
    expect(parseTimeText('09:44 PM')).toBeNull();
  });

  it('lays out a month Monday first', () => {
    // December 2026 starts on a Tuesday
    const dec = monthGrid(2026, 12);
    expect(dec[0]![0]).toBe('2026-11-30');
    expect(dec[0]![1]).toBe('2026-12-01');
    expect(dec.at(-1)!.includes('2026-12-31')).toBe(true);
    expect(dec.every((w) => w.length === 7)).toBe(true);
    expect(monthGrid(2021, 2)).toHaveLength(4);
    expect(shiftMonth(2026, 1, -1)).toEqual({ year: 2025, month: 12 });
    expect(shiftMonth(2026, 12, 1)).toEqual({ year: 2027, month: 1 });
  });
});
