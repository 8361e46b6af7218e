import { describe, expect, it } from 'vitest';
import {
  DASH,
  formatCompact,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  parseRuNumber,
} from '../../src-renderer/lib/format';

/** Intl puts no-break spaces; compare with plain ones. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('format', () => {
  it('formats money in roubles with kopecks only when there are any', () => {
    expect(plain(formatMoney(1234567.89))).toBe('1 234 567,89 ₽');
    expect(plain(formatMoney(350000))).toBe('350 000 ₽');
    expect(plain(formatMoney(0.5))).toBe('0,50 ₽');
    expect(plain(formatMoney(1999.999))).toBe('2 000 ₽');
    expect(plain(formatMoney(12, 'USD'))).toBe('12 $');
    expect(plain(formatMoney(1234567.89, 'RUB', true))).toBe('1 234 568 ₽');
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

  it('formats ratios as percent', () => {
    expect(plain(formatPercent(0.125))).toBe('12,5 %');
    expect(plain(formatPercent(2.8889))).toBe('288,9 %');
    expect(plain(formatPercent(-0.5))).toBe('-50 %');
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
    expect(formatDateTime(null)).toBe(DASH);
    expect(formatDateTime('not a date')).toBe(DASH);
  });

  it('formats dates as dd.mm.yyyy without time zone drift', () => {
    expect(formatDate('2026-11-22')).toBe('22.11.2026');
    expect(formatDate('2026-01-05T23:30:00Z')).toBe('05.01.2026');
    expect(formatDateTime('2026-11-21T21:30:00Z', 'Europe/Moscow')).toBe('22.11.2026, 00:30');
    expect(formatDateTime('2026-11-21T21:30:00Z', 'Not/AZone')).toMatch(/^\d\d\.\d\d\.\d{4}, \d\d:\d\d$/);
  });

  it('formats axis numbers compactly', () => {
    expect(plain(formatCompact(1234567))).toBe('1,2 млн');
    expect(plain(formatCompact(350000))).toBe('350 тыс.');
  });

  it('parses its own output back', () => {
    expect(parseRuNumber(formatMoney(1234567.89))).toBeCloseTo(1234567.89, 6);
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
    expect(norm(f.formatSignedPercent(0.125))).toBe('+12,5 %');
    expect(norm(f.formatSignedPoints(-0.052, 'п. п.'))).toBe('\u22125,2 п. п.');
    expect(f.formatSignedPercent(null)).toBe('—');
    // parsed back by the tests that compare the screen with the engine
    expect(f.parseRuNumber(f.formatSignedMoney(-12000, 'RUB'))).toBe(-12000);
  });
});
