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
