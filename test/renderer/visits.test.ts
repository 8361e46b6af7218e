// The offline-visit form's logic: wall time in the project zone, the shared schemas' messages on
// the form's fields, only-changed edits, the preview query, the list's next steps.
import { describe, expect, it } from 'vitest';
import { SettingsSchema, type Visit } from '@shared/contract';
import {
  badgeCount,
  canRetry,
  checkCreate,
  checkUpdate,
  emptyForm,
  formOf,
  formatPhone,
  localToIso,
  nextStep,
  normaliseFields,
  pageRange,
  parseTags,
  phoneEcho,
  previewKey,
  previewQuery,
  revenueValue,
  toLocalInput,
  visitTimeZone,
  type VisitForm,
} from '../../src-renderer/lib/visits';

const base = SettingsSchema.parse({});
const settings = SettingsSchema.parse({
  ...base,
  timeZone: 'Europe/Moscow',
  calltouch: { ...base.calltouch, sites: [{ siteId: 77, name: 'Новосибирск', timeZone: 'Asia/Novosibirsk', historyStart: null }] },
  visits: { ...base.visits, createInBitrix24: true },
});

function form(patch: Partial<VisitForm> = {}): VisitForm {
  return { ...emptyForm(settings, Date.parse('2026-11-20T09:30:00Z')), ...patch };
}

const visit: Visit = {
  id: 5,
  orderNumber: 'skvoz-1',
  siteId: 77,
  name: 'Ирина',
  phones: ['+79161234567'],
  emails: [],
  at: '2026-11-20T09:30:00.000Z',
  revenue: '1500.50',
  status: 'Визит',
  tags: ['шоурум'],
  comment: '',
  state: 'queued',
  attempts: 0,
  lastError: null,
  nextAttemptAt: null,
  calltouchOrderId: null,
  sentAt: null,
  createdAt: '2026-11-20T09:31:00.000Z',
  bitrix24: null,
  cancellable: true,
};

describe('visit form', () => {
  it('uses the chosen site’s time zone, else the workspace’s', () => {
    expect(visitTimeZone(settings, 77)).toBe('Asia/Novosibirsk');
    expect(visitTimeZone(settings, null)).toBe('Europe/Moscow');
    expect(visitTimeZone(settings, 999)).toBe('Europe/Moscow');
    expect(visitTimeZone(null, null)).toBe('Europe/Moscow');
  });

  it('starts at "now" on the project’s wall clock, with the site and the Bitrix24 default', () => {
    const f = form();
    // 09:30 UTC is 16:30 in Novosibirsk (UTC+7), the first site's zone
    expect(f.at).toBe('2026-11-20T16:30');
    expect(f.siteId).toBe(77);
    expect(f.createInBitrix24).toBe(true);
    expect(f.status).toBe('Визит');
    expect(f.phones).toEqual(['']);
  });

  it('reads the wall clock back as an instant in that zone', () => {
    expect(localToIso('2026-11-20T16:30', 'Asia/Novosibirsk')).toBe('2026-11-20T09:30:00.000Z');
    expect(localToIso('2026-07-01T12:00', 'Europe/Moscow')).toBe('2026-07-01T09:00:00.000Z');
    expect(localToIso('', 'Europe/Moscow')).toBeNull();
    expect(localToIso('20.11.2026 12:00', 'Europe/Moscow')).toBeNull();
    expect(toLocalInput(Date.parse('2026-07-01T09:00:00Z'), 'Europe/Moscow')).toBe('2026-07-01T12:00');
  });

  it('shows phones back in E.164 and amounts with comma or dot', () => {
    expect(phoneEcho('8 (916) 123-45-67')).toBe('+79161234567');
    expect(phoneEcho('916 123 45 67')).toBe('+79161234567');
    expect(phoneEcho('12')).toBeNull();
    expect(phoneEcho('  ')).toBeNull();
    // one phone format on every screen (no-break spaces keep it on one line)
    expect(formatPhone('+79161234567').replace(/\u00a0/g, ' ')).toBe('+7 916 123-45-67');
    expect(formatPhone('+4915112345678').replace(/\u00a0/g, ' ')).toBe('+49 1511 2345678');
    expect(formatPhone('not a phone')).toBe('not a phone');
    expect(revenueValue('12 500,50')).toBe(12500.5);
    expect(revenueValue('12500.5')).toBe(12500.5);
    expect(revenueValue('-3')).toBeNull();
    expect(revenueValue('')).toBeNull();
    expect(parseTags('шоурум, повторный;  Шоурум ,')).toEqual(['шоурум', 'повторный']);
  });

  it('accepts a valid visit and passes the inputs the engine expects', () => {
    const r = checkCreate(form({ phones: ['8 (916) 123-45-67', ''], revenue: '1 500,5', tags: 'a, b' }), 'Asia/Novosibirsk');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.at).toBe('2026-11-20T09:30:00.000Z');
    expect(r.value.tags).toEqual(['a', 'b']);
    expect(r.value.siteId).toBe(77);
    expect(r.value.createInBitrix24).toBe(true);
  });

  it('puts the schema’s Russian messages next to the fields', () => {
    const none = checkCreate(form({ phones: [''], emails: [''] }), 'Europe/Moscow');
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.fields.phones).toBe('Укажите хотя бы один телефон или e-mail');

    const bad = checkCreate(
      form({ phones: ['+7 916 123-45-67', '12'], emails: ['ivan@'], revenue: '-5', status: ' ', at: '2030-01-01T10:00' }),
      'Europe/Moscow',
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.fields['phones.1']).toBe('Не похоже на телефон: «12»');
    expect(bad.fields['phones.0']).toBeUndefined();
    expect(bad.fields['emails.0']).toBe('Не похоже на e-mail: «ivan@»');
    expect(bad.fields.revenue).toBe('Выручка — число не меньше нуля, до копеек');
    expect(bad.fields.status).toBe('Укажите статус');
    expect(bad.fields.at).toBe('Дата визита не может быть позже завтрашнего дня');

    // said together with the other fields' messages (zod alone would hold it back)
    const both = checkCreate(form({ phones: [''], emails: [''], revenue: 'abc' }), 'Europe/Moscow');
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.fields).toEqual({ phones: 'Укажите хотя бы один телефон или e-mail', revenue: 'Выручка — число не меньше нуля, до копеек' });

    const noDate = checkCreate(form({ phones: ['+79161234567'], at: '' }), 'Europe/Moscow');
    expect(noDate.ok).toBe(false);
    if (!noDate.ok) expect(noDate.fields.at).toBe('Укажите дату и время визита');
  });

  it('folds per-tag messages into the tags field', () => {
    expect(normaliseFields({ 'tags.3': 'слишком длинный', 'phones.0': 'x' })).toEqual({ tags: 'слишком длинный', 'phones.0': 'x' });
  });
});

describe('editing a visit', () => {
  it('round-trips a visit through the form unchanged', () => {
    const f = formOf(visit, settings);
    expect(f.revenue).toBe('1500,50');
    const r = checkUpdate(visit, f, visitTimeZone(settings, f.siteId));
    expect(r).toEqual({ ok: true, value: { id: 5 } });
  });

  it('sends only what changed, contacts as a pair', () => {
    const f = { ...formOf(visit, settings), status: 'Покупка', revenue: '2000' };
    const r = checkUpdate(visit, f, 'Asia/Novosibirsk');
    expect(r).toEqual({ ok: true, value: { id: 5, status: 'Покупка', revenue: '2000.00' } });

    const g = { ...formOf(visit, settings), emails: ['Ivan@Mail.ru'] };
    const s = checkUpdate(visit, g, 'Asia/Novosibirsk');
    expect(s).toEqual({ ok: true, value: { id: 5, phones: ['+79161234567'], emails: ['ivan@mail.ru'] } });
  });

  it('refuses an edit that removes every contact', () => {
    const r = checkUpdate(visit, { ...formOf(visit, settings), phones: [''] }, 'Asia/Novosibirsk');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.fields.phones).toBe('Укажите хотя бы один телефон или e-mail');
  });
});

describe('match preview query', () => {
  it('waits for a valid contact and date, and ignores what does not change the lookup', () => {
    expect(previewQuery({ phones: ['8 916'], emails: [''], at: '2026-11-20T12:00', siteId: null }, 'Europe/Moscow')).toBeNull();
    expect(previewQuery({ phones: ['+79161234567'], emails: [''], at: '', siteId: null }, 'Europe/Moscow')).toBeNull();
    const a = previewQuery({ phones: ['8 (916) 123-45-67', '12'], emails: [''], at: '2026-11-20T12:00', siteId: 77 }, 'Europe/Moscow');
    expect(a).toEqual({ phones: ['+79161234567'], emails: [], at: '2026-11-20T09:00:00.000Z', siteId: 77 });
    const b = previewQuery({ phones: ['+7 916 123 45 67'], emails: [' '], at: '2026-11-20T12:00', siteId: 77 }, 'Europe/Moscow');
    expect(previewKey(a)).toBe(previewKey(b));
    expect(previewKey(null)).toBe('');
  });
});

describe('visit list', () => {
  it('counts queued, failed and rejected visits for the badge', () => {
    expect(badgeCount({ queued: 2, sending: 1, sent: 9, failed: 1, rejected: 1, cancelled: 4 })).toBe(4);
    expect(badgeCount(null)).toBe(0);
  });

  it('offers the next step for each problem', () => {
    expect(nextStep({ state: 'queued', lastError: 'Нет токена Calltouch для кабинета 77 — добавьте его в настройках' })).toBe('settings');
    expect(nextStep({ state: 'failed', lastError: 'HTTP 503' })).toBe('retry');
    expect(nextStep({ state: 'rejected', lastError: 'Неверная дата' })).toBe('edit');
    expect(nextStep({ state: 'sent', lastError: null })).toBeNull();
    expect(nextStep({ state: 'queued', lastError: null })).toBeNull();
    expect(canRetry({ state: 'queued', lastError: null })).toBe(false);
    expect(canRetry({ state: 'failed', lastError: 'x' })).toBe(true);
    expect(canRetry({ state: 'cancelled', lastError: 'x' })).toBe(false);
  });

  it('names the page range', () => {
    expect(pageRange(0, 0)).toEqual({ from: 0, to: 0 });
    expect(pageRange(25, 25)).toEqual({ from: 26, to: 50 });
  });
});
