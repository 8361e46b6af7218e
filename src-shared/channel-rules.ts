// Channel rules (docs/REPORTS.md «Каналы»): an ordered list; the first rule whose conditions all
// hold names a touch's channel, nothing matching gives the fallback («Другое»). A rule looks at the
// normalised source / medium / campaign (case-insensitive) and at the touch's kind. Pure and
// shared: the engine classifies touches and cost rows with it, the settings screen previews it.
import { z } from 'zod';

/** What a touch is (REPORTS.md «Touches»). A cost row is no touch: its kind is null. */
export const TOUCH_KINDS = ['call', 'request', 'visit', 'crm_utm', 'crm_source'] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];

export const RULE_FIELDS = ['source', 'medium', 'campaign', 'kind'] as const;
export type RuleField = (typeof RULE_FIELDS)[number];

/** equals / contains: any of the values; regex: one pattern; empty: the field is not set */
export const RULE_OPS = ['equals', 'contains', 'regex', 'empty'] as const;
export type RuleOp = (typeof RULE_OPS)[number];

export const FALLBACK_CHANNEL = 'Другое';

function regexError(pattern: string): string | null {
  try {
    new RegExp(pattern, 'i');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const channelName = z.string().trim().min(1, 'Введите название канала').max(60, 'Название канала — не длиннее 60 символов');

export const ChannelConditionSchema = z
  .object({
    field: z.enum(RULE_FIELDS, { error: 'Поле условия: источник, тип трафика, кампания или вид касания' }),
    op: z.enum(RULE_OPS, { error: 'Условие: равно, содержит, регулярное выражение или пусто' }),
    values: z.array(z.string().trim().max(500, 'Значение длиннее 500 символов')).max(200, 'Больше 200 значений в одном условии').default([]),
  })
  .transform((c) => ({ ...c, values: c.op === 'empty' ? [] : c.values.filter((v) => v !== '') }))
  .superRefine((c, ctx) => {
    if (c.op !== 'empty' && c.values.length === 0) ctx.addIssue({ code: 'custom', message: 'Укажите значение условия', path: ['values'] });
    if (c.op === 'regex') {
      if (c.values.length > 1) ctx.addIssue({ code: 'custom', message: 'Регулярное выражение — одно на условие', path: ['values'] });
      const e = c.values[0] === undefined ? null : regexError(c.values[0]);
      if (e) ctx.addIssue({ code: 'custom', message: `Ошибка в регулярном выражении: ${e}`, path: ['values'] });
    }
    if (c.field === 'kind') {
      if (c.op === 'empty') ctx.addIssue({ code: 'custom', message: 'У касания вид есть всегда: условие «пусто» для него не подходит', path: ['op'] });
      if (c.op === 'equals') {
        const bad = c.values.filter((v) => !(TOUCH_KINDS as readonly string[]).includes(v));
        if (bad.length) ctx.addIssue({ code: 'custom', message: `Неизвестный вид касания: ${bad.join(', ')} (есть ${TOUCH_KINDS.join(', ')})`, path: ['values'] });
      }
    }
  });
export type ChannelCondition = z.output<typeof ChannelConditionSchema>;

export const ChannelRuleSchema = z.object({
  channel: channelName,
  conditions: z.array(ChannelConditionSchema).min(1, 'В правиле нужно хотя бы одно условие').max(20, 'Больше 20 условий в одном правиле'),
});
export type ChannelRule = z.output<typeof ChannelRuleSchema>;
export type ChannelRuleInput = z.input<typeof ChannelRuleSchema>;

const cond = (field: RuleField, op: RuleOp, ...values: string[]): ChannelCondition => ({ field, op, values });
const rule = (channel: string, ...conditions: ChannelCondition[]): ChannelRule => ({ channel, conditions });

const SOCIAL = '^(vk|вк|vk\\.com|m\\.vk\\.com|vkontakte|вконтакте|ok|ok\\.ru|odnoklassniki|одноклассники|telegram|телеграм|tg|t\\.me|facebook|fb|instagram|ig|tiktok|dzen|dzen\\.ru|дзен|youtube|rutube|pinterest|twitter|x\\.com|linkedin)$';
const SEARCH = '^(yandex|яндекс|ya\\.ru|yandex\\.ru|yandex\\.com|google|google\\.com|google\\.ru|bing|mail\\.ru|go\\.mail\\.ru|rambler|rambler\\.ru|nova\\.rambler\\.ru|duckduckgo|yahoo|sputnik|поиск)$';

/**
 * The default rules, in the spirit of GA4's default channel group and Yandex Metrica's traffic
 * types, adapted to the Russian market. Order matters: kinds first (offline visits, CRM sources,
 * calls with no tag), then what the medium says, then what the source says.
 */
export const DEFAULT_CHANNEL_RULES: readonly ChannelRule[] = [
  rule('Офлайн', cond('kind', 'equals', 'visit')),
  rule('CRM без метки', cond('kind', 'equals', 'crm_source')),
  rule('Звонки без метки', cond('kind', 'equals', 'call'), cond('source', 'empty')),
  rule('Прямые заходы', cond('source', 'empty')),
  rule('Прямые заходы', cond('source', 'equals', '(direct)', 'direct', '(none)', '(not set)')),
  rule('Офлайн', cond('medium', 'regex', '^(offline|офлайн.*|оффлайн.*)$')),
  rule('Офлайн', cond('source', 'regex', '^(offline|офлайн.*|оффлайн.*)$')),
  rule('Таргетированная реклама', cond('medium', 'regex', '^(paid[-_ ]?social|social[-_ ]?paid|smm[-_ ]?paid|target|targeting|таргет.*)$')),
  rule('Таргетированная реклама', cond('source', 'regex', SOCIAL), cond('medium', 'regex', '^(cpc|cpm|cpa|cpv|ppc|paid.*|ads?|banner|display|video|retarget.*|promo)$')),
  rule('Таргетированная реклама', cond('source', 'equals', 'mytarget', 'target.my.com', 'vk_ads', 'vkads', 'ads.vk.com', 'telegram_ads', 'tgads')),
  rule('Таргетированная реклама', cond('medium', 'equals', 'cpm', 'display', 'banner', 'media', 'медийная')),
  rule('Контекстная реклама', cond('medium', 'regex', '^(cpc|ppc|cpa|cpv|paid|paid[-_ ]?search|search[-_ ]?paid|context|контекст.*|retargeting|ретаргетинг)$')),
  rule('SEO', cond('medium', 'equals', 'organic', 'seo', 'organic_search', 'organic-search')),
  rule('Email / мессенджеры', cond('medium', 'regex', '^(e-?mail|newsletter|рассылка|sms|push|messenger|мессенджер.*|whatsapp|viber|chatbot|чат-?бот)$')),
  rule('Соцсети', cond('medium', 'regex', '^(social|social[-_ ]?network|social[-_ ]?media|sm|smm|sn|соцсети|соц\\.? ?сети)$')),
  rule('Рефералы', cond('medium', 'equals', 'referral', 'referrer', 'ref', 'partner', 'partners', 'affiliate', 'партнёры', 'партнеры')),
  rule('Email / мессенджеры', cond('source', 'regex', '^(e-?mail|newsletter|рассылка|электронная почта|sendpulse|unisender|mailchimp|dashamail|whatsapp|wa|viber|max)$')),
  rule('Соцсети', cond('source', 'regex', SOCIAL)),
  rule('SEO', cond('source', 'regex', SEARCH)),
  rule('Рефералы', cond('source', 'regex', '\\.[a-zа-я]{2,}$')),
];

export const ChannelRulesSchema = z.object({
  rules: z.array(ChannelRuleSchema).max(200, 'Больше 200 правил каналов').default(() => structuredClone([...DEFAULT_CHANNEL_RULES])),
  /** the channel of what no rule takes */
  fallback: channelName.default(FALLBACK_CHANNEL),
});
export type ChannelRules = z.output<typeof ChannelRulesSchema>;
export type ChannelRulesInput = z.input<typeof ChannelRulesSchema>;

export function defaultChannelRules(): ChannelRules {
  return { rules: structuredClone([...DEFAULT_CHANNEL_RULES]), fallback: FALLBACK_CHANNEL };
}

/** The file an agency moves between workspaces (Настройки → Каналы → Выгрузить / Загрузить). */
export const CHANNEL_RULES_FILE_FORMAT = 'skvoz-channel-rules';
export const ChannelRulesFileSchema = z.object({
  format: z.literal(CHANNEL_RULES_FILE_FORMAT, { error: 'Это не файл правил каналов Skvoz' }),
  version: z.literal(1, { error: 'Файл правил каналов другой версии Skvoz' }),
  rules: z.array(ChannelRuleSchema).max(200, 'Больше 200 правил каналов'),
  fallback: channelName,
});

export function channelRulesFile(rules: ChannelRules): z.input<typeof ChannelRulesFileSchema> {
  return { format: CHANNEL_RULES_FILE_FORMAT, version: 1, rules: rules.rules, fallback: rules.fallback };
}

/** What a rule looks at: normalised source / medium / campaign (null = not set) and the kind. */
export interface ClassifyInput {
  source: string | null;
  medium: string | null;
  campaign: string | null;
  /** null for a cost row: conditions on the kind never hold for it */
  kind: TouchKind | null;
}

type Test = (v: string | null) => boolean;

function compile(c: ChannelCondition): { field: RuleField; test: Test } {
  const values = c.values.map((v) => v.toLowerCase());
  switch (c.op) {
    case 'empty':
      return { field: c.field, test: (v) => v === null || v.trim() === '' };
    case 'equals': {
      const set = new Set(values);
      return { field: c.field, test: (v) => v !== null && set.has(v.toLowerCase()) };
    }
    case 'contains':
      return { field: c.field, test: (v) => v !== null && values.some((x) => v.toLowerCase().includes(x)) };
    case 'regex': {
      // invalid patterns are refused by the schema; one that slips through matches nothing
      let re: RegExp | null = null;
      try {
        re = new RegExp(c.values[0] ?? '', 'i');
      } catch {
        re = null;
      }
      return { field: c.field, test: (v) => v !== null && re !== null && re.test(v) };
    }
  }
}

export interface ChannelClassifier {
  /** the channel of a touch or cost row */
  channelOf(d: ClassifyInput): string;
  /** index of the rule that takes it, −1 for the fallback */
  ruleOf(d: ClassifyInput): number;
  readonly fallback: string;
}

const CACHE_MAX = 50_000;

/**
 * A classifier over the rules (compiled once; answers cached by the input). Matching is
 * case-insensitive, so raw or normalised values give the same channel — except aliases, which
 * only the normaliser applies: pass normalised values.
 */
export function makeChannelClassifier(rules: ChannelRulesInput): ChannelClassifier {
  const parsed = ChannelRulesSchema.parse(rules);
  const compiled = parsed.rules.map((r) => r.conditions.map(compile));
  const cache = new Map<string, number>();
  const ruleOf = (d: ClassifyInput): number => {
    const key = `${d.kind}\u0001${d.source}\u0001${d.medium}\u0001${d.campaign}`;
    let i = cache.get(key);
    if (i === undefined) {
      i = compiled.findIndex((conds) => conds.every((c) => c.test(c.field === 'kind' ? d.kind : d[c.field])));
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(key, i);
    }
    return i;
  };
  return {
    fallback: parsed.fallback,
    ruleOf,
    channelOf: (d) => {
      const i = ruleOf(d);
      return i < 0 ? parsed.fallback : parsed.rules[i]!.channel;
    },
  };
}

/** The channels the rules can give, in the order they first appear, the fallback last. */
export function channelNames(rules: ChannelRulesInput): string[] {
  const parsed = ChannelRulesSchema.parse(rules);
  return [...new Set([...parsed.rules.map((r) => r.channel), parsed.fallback])];
}
