import { describe, expect, it } from 'vitest';
import {
  DASH,
  formatCompact,
  formatDate,
  countDigits,
  formatDateTime,
  formatFixed,
  formatInstant,
  formatMoney,
  weekdayName,
  formatNumber,
  formatPercent,
  parseRuNumber,
} from '../../src-renderer/lib/format';

/** Intl puts no-break spaces; compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('format', () => {
  it('formats money one way per use: whole roubles (reports), or always two decimals (records) — never kopecks sometimes', () => {
    expect(plain(formatMoney(1234567.89))).toBe('1 234 568 ₽');
    expect(plain(formatMoney(350000))).toBe('350 000 ₽');
    expect(plain(formatMoney(12, 'USD'))).toBe('12 $');
    expect(plain(formatMoney(1234567.89, 'RUB', false))).toBe('1 234 567,89 ₽');
    expect(plain(formatMoney(350000, 'RUB', false))).toBe('350 000,00 ₽');
    expect(plain(formatMoney(0.5, 'RUB', false))).toBe('0,50 ₽');
    expect(plain(formatMoney(-1500))).toBe('\u22121 500 ₽');
  });

  it('gives a column of counts one number of decimals', () => {
    expect(countDigits([633, 20, 0])).toBe(0);
    expect(countDigits([633, 51.5, null])).toBe(1);
    expect(countDigits([633, 51.5, 20.25])).toBe(2);
    expect(countDigits([1 / 3])).toBe(2);
    expect(plain(formatFixed(633, 2))).toBe('633,00');
    expect(plain(formatFixed(-2.5, 1))).toBe('\u22122,5');
  });

  it('falls back to the code for an unknown currency', () => {
    expect(plain(formatMoney(10, 'QQQ'))).toMatch(/10\s?QQQ|10 QQQ/);
  });

  it('formats counts with up to two decimals (attribution weights)', () => {
    expect(plain(formatNumber(1234))).toBe('1 234');
    expect(plain(formatNumber(51.5))).toBe('51,5');
    expect(plain(formatNumber(20.256))).toBe('20,26');
    expect(formatNumber(0)).toBe('0');
  });

  it('formats ratios as percent with one decimal always, and a true minus', () => {
    expect(plain(formatPercent(0.125))).toBe('12,5 %');
    expect(plain(formatPercent(2.8889))).toBe('288,9 %');
    expect(plain(formatPercent(0.05))).toBe('5,0 %');
    expect(plain(formatPercent(-1))).toBe('\u2212100,0 %');
  });

  it('prints a dash for missing values', () => {
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatNumber(v)).toBe(DASH);
      expect(formatMoney(v)).toBe(DASH);
      expect(formatPercent(v)).toBe(DASH);
      expect(formatCompact(v)).toBe(DASH);
    }
    expect(formatDate(null)).toBe(DASH);
    expect(formatDate('garbage')).toBe(DASH);
    expect(formatDateTime(null, 'Europe/Moscow')).toBe(DASH);
    expect(formatDateTime('not a date', 'Europe/Moscow')).toBe(DASH);
  });

  it('formats dates as dd.mm.yyyy without time zone drift', () => {
    expect(formatDate('2026-11-22')).toBe('22.11.2026');
    expect(formatDate('2026-01-05T23:30:00Z')).toBe('05.01.2026');
    expect(formatDateTime('2026-11-21T21:30:00Z', 'Europe/Moscow')).toBe('22.11.2026, 00:30');
    expect(formatDateTime('2026-11-21T21:30:00Z', 'Not/AZone')).toMatch(/^\d\d\.\d\d\.\d{4}, \d\d:\d\d$/);
  });

  it('shows instants in the workspace zone, 24-hour, between 00:00 and 03:00 Moscow the Moscow day', () => {
    // 22.11 02:41 Moscow is 21.11 23:41 UTC
    expect(formatInstant('2026-11-21T23:41:00Z', 'Europe/Moscow')).toBe('22.11.2026, 02:41');
    expect(formatInstant('2026-11-21T23:41:00Z', 'Europe/Moscow', 'date')).toBe('22.11.2026');
    expect(formatInstant('2026-11-21T23:41:00Z', 'Europe/Moscow', 'time')).toBe('02:41');
    expect(formatInstant('2026-11-21T21:00:00Z', 'Europe/Moscow')).toBe('22.11.2026, 00:00');
    expect(formatInstant('2026-11-21T12:05:00Z', 'America/New_York')).toBe('21.11.2026, 07:05');
    expect(formatInstant(Date.parse('2026-11-21T23:41:00Z'), 'Asia/Vladivostok', 'date')).toBe('22.11.2026');
    expect(weekdayName(1, 'ru')).toBe('понедельник');
    expect(weekdayName(7, 'en')).toBe('Sunday');
  });

  it('formats axis numbers compactly', () => {
    expect(plain(formatCompact(1234567))).toBe('1,2 млн');
    expect(plain(formatCompact(350000))).toBe('350 тыс.');
  });

  it('parses its own output back', () => {
    expect(parseRuNumber(formatMoney(1234567.89, 'RUB', false))).toBeCloseTo(1234567.89, 6);
    expect(parseRuNumber(formatNumber(51.5))).toBe(51.5);
    expect(parseRuNumber(formatPercent(0.125))).toBeCloseTo(0.125, 9);
    expect(parseRuNumber(formatPercent(-0.5))).toBeCloseTo(-0.5, 9);
    expect(parseRuNumber('−1 234,5 ₽')).toBe(-1234.5);
    expect(parseRuNumber(DASH)).toBeNull();
    expect(parseRuNumber('')).toBeNull();
  });
});

describe('signed changes', () => {
  it('prints changes with a plus or a true minus, in the Russian format', async () => {
    const f = await import('../../src-renderer/lib/format');
    const norm = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
    expect(norm(f.formatSignedNumber(1234.5))).toBe('+1 234,5');
    expect(norm(f.formatSignedNumber(-3))).toBe('\u22123');
    expect(f.formatSignedNumber(0)).toBe('0');
    expect(norm(f.formatSignedMoney(-12000.4, 'RUB', true))).toBe('\u221212 000 ₽');
    expect(norm(f.formatSignedMoney(-12000.4))).toBe('\u221212 000 ₽');
    expect(norm(f.formatSignedPercent(0.125))).toBe('+12,5 %');
    expect(norm(f.formatSignedPoints(-0.052, 'п. п.'))).toBe('\u22125,2 п. п.');
    expect(f.formatSignedPercent(null)).toBe('—');
    // parsed back by the tests that compare the screen with the engine
    expect(f.parseRuNumber(f.formatSignedMoney(-12000, 'RUB'))).toBe(-12000);
  });
});
