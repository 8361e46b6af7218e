import { describe, expect, it } from 'vitest';
import { normaliseEmail, normalisePhone, normalisePhones } from '../../src-main/engine/sources/ident';
import {
  ctBool,
  isoCalendarDate,
  parseDmyInstant,
  parseIsoInstant,
  str,
  toDecimal,
  toEpochMs,
  toInt,
  toRefId,
  wallToInstant,
  yn,
} from '../../src-main/engine/sources/parse';

describe('phones → E.164 (default region RU)', () => {
  it.each([
    ['8XXXXXXXXXX', '89161234567'],
    ['+7 (9xx) …', '+7 (916) 123-45-67'],
    ['7XXXXXXXXXX (Calltouch callerNumber)', '79161234567'],
    ['8 (916) 123-45-67', '8 (916) 123-45-67'],
    ['8 916 123 45 67', '8 916 123 45 67'],
    ['10-digit national', '9161234567'],
    ['with an extension', '+7 916 123 45 67 доб. 12'],
    ['non-breaking spaces', '+7\u00a0916\u00a0123\u00a045\u00a067'],
  ])('%s', (_label, input) => {
    expect(normalisePhone(input)).toBe('+79161234567');
  });

  it('keeps Moscow landlines and foreign numbers', () => {
    expect(normalisePhone('74951234567')).toBe('+74951234567');
    expect(normalisePhone('8 (495) 123-45-67')).toBe('+74951234567');
    expect(normalisePhone('+380 50 123 4567')).toBe('+380501234567');
  });

  it('drops what is not a phone, never throws', () => {
    for (const junk of ['', '   ', 'нет', '000', '-', '12345', null, undefined, {}, 'Anonymous']) {
      expect(normalisePhone(junk)).toBeNull();
    }
  });

  it('de-duplicates while keeping first-seen order', () => {
    expect(normalisePhones(['89161234567', '+7 916 123-45-67', 'нет', '74951234567'])).toEqual(['+79161234567', '+74951234567']);
  });

  it('agrees with libphonenumber on the fast path', async () => {
    const { parsePhoneNumberFromString } = await import('libphonenumber-js');
    for (const s of ['+79031112233', '89991234567', '+7 (926) 000-11-22', '84951234567']) {
      expect(normalisePhone(s)).toBe(parsePhoneNumberFromString(s, 'RU')?.number);
    }
  });
});

describe('e-mails', () => {
  it('are trimmed and lower-cased', () => {
    expect(normaliseEmail('  Ivan.Petrov@Mail.RU ')).toBe('ivan.petrov@mail.ru');
  });
  it('junk is dropped', () => {
    expect(normaliseEmail('нет')).toBeNull();
    expect(normaliseEmail('a@b')).toBeNull();
    expect(normaliseEmail(null)).toBeNull();
  });
});

describe('scalars', () => {
  it('str: "" and whitespace are empty, values stay as given', () => {
    expect(str('')).toBeNull();
    expect(str('  ')).toBeNull();
    expect(str(null)).toBeNull();
    expect(str(' yandex ')).toBe(' yandex ');
    expect(str(12)).toBe('12');
  });

  it('ints from strings; "0" ids mean none', () => {
    expect(toInt('37')).toBe(37);
    expect(toInt(' 37 ')).toBe(37);
    expect(toInt('3.5')).toBeNull();
    expect(toInt('')).toBeNull();
    expect(toRefId('0')).toBeNull();
    expect(toRefId('911')).toBe(911);
    expect(toRefId(null)).toBeNull();
  });

  it('Y/N and Calltouch booleans', () => {
    expect(yn('Y')).toBe(1);
    expect(yn('N')).toBe(0);
    expect(yn(null)).toBe(0);
    expect(ctBool(true)).toBe(1);
    expect(ctBool('true')).toBe(1);
    expect(ctBool('True')).toBe(1);
    expect(ctBool('False')).toBe(0);
    expect(ctBool(false)).toBe(0);
  });

  it('money is an exact canonical decimal, never via float', () => {
    expect(toDecimal('54000.00')).toBe('54000');
    expect(toDecimal(54000)).toBe('54000');
    expect(toDecimal('19999.99')).toBe('19999.99');
    expect(toDecimal(19999.99)).toBe('19999.99');
    expect(toDecimal('0.10')).toBe('0.1');
    expect(toDecimal('19 999,50')).toBe('19999.5');
    expect(toDecimal('00012.3400')).toBe('12.34');
    expect(toDecimal('12345678901234567890.12')).toBe('12345678901234567890.12');
    expect(toDecimal(1e21)).toBe('1000000000000000000000');
    expect(toDecimal('-0.00')).toBe('0');
    expect(toDecimal('90.5000')).toBe('90.5');
    expect(toDecimal('')).toBeNull();
    expect(toDecimal(null)).toBeNull();
    expect(toDecimal('abc')).toBeNull();
    expect(toDecimal('.')).toBeNull();
  });
});

describe('instants', () => {
  it('ISO with offsets', () => {
    expect(parseIsoInstant('2025-03-09T18:22:05+03:00')).toBe(Date.UTC(2025, 2, 9, 15, 22, 5));
    expect(parseIsoInstant('2024-09-09T02:00:00+02:00')).toBe(Date.UTC(2024, 8, 9, 0, 0, 0));
    expect(parseIsoInstant('2024-08-05T09:02:13+00:00')).toBe(Date.UTC(2024, 7, 5, 9, 2, 13));
    expect(parseIsoInstant('2024-08-05T09:02:13Z')).toBe(Date.UTC(2024, 7, 5, 9, 2, 13));
    expect(parseIsoInstant('2024-08-05T09:02:13-0500')).toBe(Date.UTC(2024, 7, 5, 14, 2, 13));
  });

  it('ISO without offset is read in the fallback zone', () => {
    expect(parseIsoInstant('2025-03-09T18:22:05')).toBe(Date.UTC(2025, 2, 9, 15, 22, 5));
    expect(parseIsoInstant('2025-03-09T18:22:05', 'Asia/Yekaterinburg')).toBe(Date.UTC(2025, 2, 9, 13, 22, 5));
    expect(parseIsoInstant('2025-03-09')).toBe(Date.UTC(2025, 2, 8, 21, 0, 0));
  });

  it('junk dates are null', () => {
    expect(parseIsoInstant('')).toBeNull();
    expect(parseIsoInstant(null)).toBeNull();
    expect(parseIsoInstant('2025-13-01T00:00:00+03:00')).toBeNull();
    expect(parseIsoInstant('вчера')).toBeNull();
  });

  it('calendar date as written', () => {
    expect(isoCalendarDate('2025-03-10T00:00:00+03:00')).toBe('2025-03-10');
    expect(isoCalendarDate('2024-09-09T02:00:00+02:00')).toBe('2024-09-09');
    expect(isoCalendarDate('')).toBeNull();
  });

  it('Calltouch dd/mm/yyyy HH:MM:SS in Moscow', () => {
    // 14/03/2024 11:52:07 MSK = 08:52:07 UTC = the record's timestamp 1710406327
    expect(parseDmyInstant('14/03/2024 11:52:07', 'Europe/Moscow')).toBe(1710406327000);
    expect(parseDmyInstant('01/01/2025 00:00:00', 'Europe/Moscow')).toBe(Date.UTC(2024, 11, 31, 21));
    expect(parseDmyInstant('31/12/2024 23:59:59', 'Europe/Moscow')).toBe(Date.UTC(2024, 11, 31, 20, 59, 59));
    expect(parseDmyInstant('14/03/2024', 'Europe/Moscow')).toBe(Date.UTC(2024, 2, 13, 21));
    expect(parseDmyInstant('2024-03-14 11:52:07', 'Europe/Moscow')).toBeNull();
  });

  it('zones with DST, across the switch', () => {
    // Berlin switched to CEST at 2025-03-30 02:00 local
    expect(wallToInstant(2025, 3, 30, 1, 30, 0, 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 30, 0, 30));
    expect(wallToInstant(2025, 3, 30, 3, 30, 0, 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 30, 1, 30));
    expect(wallToInstant(2025, 3, 31, 12, 0, 0, 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 31, 10, 0));
    expect(wallToInstant(2025, 3, 29, 12, 0, 0, 'Europe/Berlin')).toBe(Date.UTC(2025, 2, 29, 11, 0));
  });

  it('epoch values: ms, and seconds below 1e11', () => {
    expect(toEpochMs(1710406327000)).toBe(1710406327000);
    expect(toEpochMs(1710406327)).toBe(1710406327000);
    expect(toEpochMs('1710406327000')).toBe(1710406327000);
    expect(toEpochMs(null)).toBeNull();
    expect(toEpochMs('')).toBeNull();
  });
});
