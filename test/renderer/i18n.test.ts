import { describe, expect, it } from 'vitest';
import { MODELS } from '@shared/metrics';
import { modelHint, modelName, setLang, t } from '../../src-renderer/lib/i18n';

describe('i18n', () => {
  it('speaks Russian by default and fills placeholders', () => {
    expect(t('nav.dashboard')).toBe('Дашборд');
    expect(t('header.dataTo', { date: '21.11.2026' })).toBe('Данные до 21.11.2026');
    expect(t('header.dataTo', { date: '21.11.2026' }, 'en')).toBe('Data up to 21.11.2026');
  });

  it('switches language', () => {
    setLang('en');
    expect(t('nav.reports')).toBe('Reports');
    setLang('ru');
    expect(t('nav.reports')).toBe('Отчёты');
  });

  it('names and explains every model in both languages', () => {
    for (const m of MODELS) {
      for (const lang of ['ru', 'en'] as const) {
        expect(modelName(m, lang).length).toBeGreaterThan(3);
        expect(modelHint(m, lang).length).toBeGreaterThan(20);
      }
    }
  });
});

describe('plural forms (Intl.PluralRules)', () => {
  it('says «Первая строка», not «Первые 1 строк», in both languages', async () => {
    const { tn } = await import('../../src-renderer/lib/i18n');
    expect(tn('costs.previewCaption', 1, {}, 'ru')).toBe('Первая строка');
    expect(tn('costs.previewCaption', 2, {}, 'ru')).toBe('Первые 2 строки');
    expect(tn('costs.previewCaption', 5, {}, 'ru')).toBe('Первые 5 строк');
    expect(tn('costs.previewCaption', 21, {}, 'ru')).toBe('Первая 21 строка');
    expect(tn('costs.previewCaption', 1, {}, 'en')).toBe('The first row');
    expect(tn('costs.previewCaption', 3, {}, 'en')).toBe('The first 3 rows');
    expect(tn('drawer.windowDays', 90, {}, 'ru')).toBe('90 дней');
    expect(tn('drawer.windowDays', 1, {}, 'ru')).toBe('1 день');
    expect(tn('drawer.windowDays', 3, {}, 'ru')).toBe('3 дня');
    expect(tn('costs.import', 1234, {}, 'ru').replace(/\s/g, ' ')).toBe('Загрузить 1 234 строки');
    expect(tn('export.progress', 1, { done: '0' }, 'ru')).toBe('0 из 1 строки');
  });

  it('every plural message has an «other» form in both languages', async () => {
    const mod = await import('../../src-renderer/lib/i18n');
    for (const lang of ['ru', 'en'] as const) {
      for (const key of ['table.truncated', 'costs.previewCaption', 'costs.import', 'costs.imported', 'export.progress', 'export.progressUnknown', 'drawer.windowDays', 'drawer.outside', 'health.reasonHint.outside_window'] as const) {
        const text = mod.t(key, undefined, lang);
        expect(text.split('|').some((f) => f.startsWith('other ')), `${lang} ${key}`).toBe(true);
        expect(mod.tn(key, 7, { total: '9', done: '1', file: 'f' }, lang)).not.toMatch(/\{n\}|\|/);
      }
    }
  });
});

describe('error codes in words', () => {
  it('names every contract error code in both languages, never the bare code', async () => {
    const { errorKind } = await import('../../src-renderer/lib/i18n');
    const { ERROR_CODES } = await import('@shared/contract');
    for (const code of ERROR_CODES) {
      for (const lang of ['ru', 'en'] as const) {
        const words = errorKind(code, lang);
        expect(words, `${lang} ${code}`).not.toBe(code);
        expect(words).not.toMatch(/_/);
      }
    }
    expect(errorKind('network', 'ru')).toBe('нет связи с сервисом');
  });
});

describe('the Markov revenue reading on screen', () => {
  it('is stated in the model hint in both languages', () => {
    expect(modelHint('markov', 'ru')).toContain('V·RE(c)/ΣRE');
    expect(modelHint('markov', 'en')).toContain('V·RE(c)/ΣRE');
  });
});
