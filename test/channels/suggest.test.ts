import { describe, expect, it } from 'vitest';
import { fingerprint, suggestAliases, type ValueCount } from '../../src-shared/suggest-aliases';

const v = (dimension: ValueCount['dimension'], value: string, records: number): ValueCount => ({ dimension, value, records });

describe('alias suggestions', () => {
  it('groups near-duplicates: synonyms, transliteration, punctuation; the busiest spelling is the target', () => {
    const s = suggestAliases([
      v('source', 'email', 120),
      v('source', 'e-mail', 30),
      v('source', 'Электронная почта', 12),
      v('source', 'vk', 300),
      v('source', 'VK', 40),
      v('source', 'vkontakte', 25),
      v('source', 'вконтакте', 9),
      v('source', 'zoon.ru', 7),
      v('source', 'Zoon', 2),
      v('source', 'yandex', 900),
      v('source', 'mail.ru', 5),
      v('campaign', 'divany_poisk_msk', 50),
      v('campaign', 'Диваны-поиск-мск', 4),
      v('campaign', 'brand', 10),
    ]);
    expect(s).toEqual([
      { dimension: 'source', target: 'vk', from: [{ value: 'vkontakte', records: 25 }, { value: 'вконтакте', records: 9 }], records: 374 },
      { dimension: 'source', target: 'email', from: [{ value: 'e-mail', records: 30 }, { value: 'Электронная почта', records: 12 }], records: 162 },
      { dimension: 'campaign', target: 'divany_poisk_msk', from: [{ value: 'Диваны-поиск-мск', records: 4 }], records: 54 },
      { dimension: 'source', target: 'zoon.ru', from: [{ value: 'Zoon', records: 2 }], records: 9 },
    ]);
  });

  it('never suggests what only differs in case, nor what an alias already covers', () => {
    expect(suggestAliases([v('source', 'Yandex', 3), v('source', 'yandex', 9)])).toEqual([]);
    expect(suggestAliases([v('source', 'email', 10), v('source', 'e-mail', 3)], { source: new Set(['e-mail']) })).toEqual([]);
  });

  it('fingerprints transliterate Russian and drop punctuation', () => {
    expect(fingerprint(' Вконтакте ')).toBe('vkontakte');
    expect(fingerprint('E-Mail')).toBe('email');
    expect(fingerprint('https://www.Zoon.ru/msk/')).toBe('zoonru');
  });
});
