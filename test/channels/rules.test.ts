// The default channel rules (docs/REPORTS.md «Каналы»), one example per rule, and rule order.
import { describe, expect, it } from 'vitest';
import {
  ChannelRulesSchema,
  DEFAULT_CHANNEL_RULES,
  FALLBACK_CHANNEL,
  channelNames,
  defaultChannelRules,
  makeChannelClassifier,
  type ClassifyInput,
  type TouchKind,
} from '../../src-shared/channel-rules';
import { makeNormaliser } from '../../src-shared/normalise';

const t = (kind: TouchKind | null, source: string | null, medium: string | null = null, campaign: string | null = null): ClassifyInput => ({ kind, source, medium, campaign });

/** [rule index, a touch or cost row that rule takes (and no earlier one), the channel] */
const EXAMPLES: [number, ClassifyInput, string][] = [
  [0, t('visit', 'офлайн-визит', 'офлайн-визит', 'офлайн-визит'), 'Офлайн'],
  [1, t('crm_source', 'Звонок', '(crm)'), 'CRM без метки'],
  [2, t('call', null, null), 'Звонки без метки'],
  [3, t('request', null, null), 'Прямые заходы'],
  [4, t('call', '(direct)', '(none)'), 'Прямые заходы'],
  [5, t('crm_utm', 'showroom', 'offline'), 'Офлайн'],
  [6, t('crm_utm', 'офлайн-визит', 'visit'), 'Офлайн'],
  [7, t('request', 'vk', 'paid_social', 'lookalike'), 'Таргетированная реклама'],
  [8, t('call', 'vk', 'cpc', 'vk_lookalike_divany'), 'Таргетированная реклама'],
  [9, t('request', 'mytarget', 'smart'), 'Таргетированная реклама'],
  [10, t('crm_utm', 'yandex', 'cpm', 'media_brand'), 'Таргетированная реклама'],
  [11, t('call', 'yandex', 'cpc', 'divany_poisk_msk'), 'Контекстная реклама'],
  [12, t('request', 'google', 'organic'), 'SEO'],
  [13, t('crm_utm', 'unisender', 'email', 'rassylka_skidki'), 'Email / мессенджеры'],
  [14, t('request', 'telegram', 'social', 'tg_posev'), 'Соцсети'],
  [15, t('request', 'zoon.ru', 'referral'), 'Рефералы'],
  [16, t('crm_utm', 'e-mail', null), 'Email / мессенджеры'],
  [17, t('request', 'vk.com', null), 'Соцсети'],
  [18, t('call', 'yandex.ru', '(none)'), 'SEO'],
  [19, t('request', 'market.yandex.ru', null), 'Рефералы'],
];

describe('default channel rules', () => {
  const c = makeChannelClassifier(defaultChannelRules());

  it('has an example for every rule, and each example is taken by its own rule', () => {
    expect(EXAMPLES.map(([i]) => i)).toEqual(DEFAULT_CHANNEL_RULES.map((_, i) => i));
    for (const [i, input, channel] of EXAMPLES) {
      expect({ i, rule: c.ruleOf(input) }).toEqual({ i, rule: i });
      expect(c.channelOf(input)).toBe(channel);
      expect(DEFAULT_CHANNEL_RULES[i]!.channel).toBe(channel);
    }
  });

  it('gives every default channel', () => {
    expect(channelNames(defaultChannelRules())).toEqual([
      'Офлайн',
      'CRM без метки',
      'Звонки без метки',
      'Прямые заходы',
      'Таргетированная реклама',
      'Контекстная реклама',
      'SEO',
      'Email / мессенджеры',
      'Соцсети',
      'Рефералы',
      FALLBACK_CHANNEL,
    ]);
  });

  it('matches case-insensitively and leaves what no rule takes to «Другое»', () => {
    expect(c.channelOf(t('call', 'Yandex', 'CPC'))).toBe('Контекстная реклама');
    expect(c.channelOf(t('request', 'VK', 'Social'))).toBe('Соцсети');
    expect(c.ruleOf(t('request', 'avito', 'classified'))).toBe(-1);
    expect(c.channelOf(t('request', 'avito', 'classified'))).toBe('Другое');
  });

  it('classifies a cost row (no kind) by its values: kind rules never take it', () => {
    expect(c.channelOf(t(null, 'yandex', 'cpc', 'divany_poisk_msk'))).toBe('Контекстная реклама');
    expect(c.channelOf(t(null, 'vk', 'cpm'))).toBe('Таргетированная реклама');
    // a call without a source is «Звонки без метки»; a cost row without one is not a call
    expect(c.channelOf(t(null, null))).toBe('Прямые заходы');
  });

  it('puts the CRM source apart from UTM sources of the same name', () => {
    expect(c.channelOf(t('crm_source', 'yandex', '(crm)'))).toBe('CRM без метки');
    expect(c.channelOf(t('crm_utm', 'yandex', '(crm)'))).toBe('SEO');
  });
});

describe('rule order', () => {
  it('the first rule that holds wins: paid before organic, the kind before the values', () => {
    const c = makeChannelClassifier(defaultChannelRules());
    // yandex is a search engine (SEO by source) but cpc says it is paid — the medium rule comes first
    expect(c.channelOf(t('call', 'yandex', 'cpc'))).toBe('Контекстная реклама');
    // vk is a social network, but with cpc it is paid social, not context
    expect(c.channelOf(t('call', 'vk', 'cpc'))).toBe('Таргетированная реклама');
    // a call with no source is «Звонки без метки», not «Прямые заходы», which comes later
    expect(c.channelOf(t('call', null))).toBe('Звонки без метки');
  });

  it('moving a rule changes which channel takes a touch', () => {
    const rules = defaultChannelRules();
    const input = t('call', 'vk', 'cpc');
    expect(makeChannelClassifier(rules).channelOf(input)).toBe('Таргетированная реклама');
    // put «Контекстная реклама» (cpc …) in front of the paid-social rules
    const context = rules.rules.findIndex((r) => r.channel === 'Контекстная реклама');
    const [moved] = rules.rules.splice(context, 1);
    rules.rules.splice(7, 0, moved!);
    expect(makeChannelClassifier(rules).channelOf(input)).toBe('Контекстная реклама');
  });

  it('a rule holds only when all its conditions do; equals and contains take any of their values', () => {
    const c = makeChannelClassifier({
      rules: [
        { channel: 'Авито', conditions: [{ field: 'source', op: 'contains', values: ['avito', 'авито'] }, { field: 'kind', op: 'equals', values: ['request', 'call'] }] },
        { channel: 'Бренд', conditions: [{ field: 'campaign', op: 'regex', values: ['^brand_'] }] },
      ],
      fallback: 'Прочее',
    });
    expect(c.channelOf(t('request', 'm.avito.ru', 'classified'))).toBe('Авито');
    expect(c.channelOf(t('crm_utm', 'm.avito.ru', 'classified'))).toBe('Прочее');
    expect(c.channelOf(t('crm_utm', 'yandex', 'cpc', 'Brand_Poisk'))).toBe('Бренд');
    expect(c.channelOf(t('crm_utm', 'yandex', 'cpc', 'poisk_brand'))).toBe('Прочее');
  });
});

describe('rule validation', () => {
  const parse = (rules: unknown) => ChannelRulesSchema.safeParse({ rules, fallback: 'Другое' });
  const message = (rules: unknown) => {
    const r = parse(rules);
    return r.success ? null : r.error.issues[0]!.message;
  };

  it('refuses a broken regular expression with a Russian message', () => {
    expect(message([{ channel: 'X', conditions: [{ field: 'source', op: 'regex', values: ['(yandex'] }] }])).toMatch(/^Ошибка в регулярном выражении/);
  });

  it('refuses an empty channel name, a rule without conditions, a value-less condition and an unknown kind', () => {
    expect(message([{ channel: ' ', conditions: [{ field: 'source', op: 'empty' }] }])).toBe('Введите название канала');
    expect(message([{ channel: 'X', conditions: [] }])).toBe('В правиле нужно хотя бы одно условие');
    expect(message([{ channel: 'X', conditions: [{ field: 'medium', op: 'equals', values: ['  '] }] }])).toBe('Укажите значение условия');
    expect(message([{ channel: 'X', conditions: [{ field: 'kind', op: 'equals', values: ['sms'] }] }])).toMatch(/^Неизвестный вид касания: sms/);
  });

  it('defaults to the default rules', () => {
    expect(ChannelRulesSchema.parse({})).toEqual(defaultChannelRules());
  });
});

describe('normaliser', () => {
  const n = makeNormaliser(
    { aliases: { vkontakte: 'VK', 'yandex.ru': 'yandex' }, campaignAliases: { 'Divany_Poisk_MSK_old': 'divany_poisk_msk' }, directSources: ['(direct)'], directMediums: ['(none)'] },
    defaultChannelRules(),
  );

  it('matches source, medium and campaign case-insensitively, applies aliases and campaign renames, then the channel rules', () => {
    expect(n.dims({ source: ' VKontakte ', medium: 'CPC', campaign: 'Lookalike' }, 'call')).toEqual({
      channel: 'Таргетированная реклама',
      source: 'vk',
      medium: 'cpc',
      campaign: 'lookalike',
      content: null,
      term: null,
      city: null,
      device: null,
      landing: null,
    });
    expect(n.dims({ source: 'Yandex.RU', medium: 'cpc', campaign: 'divany_poisk_msk_OLD', term: 'Диван' }, null)).toMatchObject({
      channel: 'Контекстная реклама',
      source: 'yandex',
      campaign: 'divany_poisk_msk',
      term: 'Диван',
    });
  });

  it('makes city, device and landing dimensions where they are on: trimmed city, lower-case device, the landing page path', () => {
    const raw = { source: 'yandex', city: ' г. Москва ', device: 'Mobile', landing: 'https://example.ru/sofas/?utm_source=yandex' };
    // off (the default): none of them
    expect(n.dims(raw, 'call')).toMatchObject({ city: null, device: null, landing: null });
    const on = makeNormaliser({ aliases: {}, directSources: [], directMediums: [], touchDetails: true });
    expect(on.dims(raw, 'call')).toMatchObject({
      city: 'Москва',
      device: 'mobile',
      landing: '/sofas/',
    });
  });

  it('has no channel without rules', () => {
    expect(makeNormaliser({ aliases: {}, directSources: [], directMediums: [] }).dims({ source: 'yandex' }).channel).toBeNull();
  });
});
