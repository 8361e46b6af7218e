// The channel rules editor's draft (values typed as text) and its live preview: how many
// records each rule takes and what falls into the fallback channel, computed with the engine's
// own shared classifier over channels:values — a rule with an error takes nothing until fixed.
import { ChannelRuleSchema, makeChannelClassifier, type ChannelRule, type ChannelRules, type RuleField, type RuleOp, type TouchKind } from '@shared/channel-rules';
import type { ChannelValue } from '@shared/channels-schema';
import { makeNormaliser, type NormalisationRules } from '@shared/normalise';

export interface DraftCondition {
  key: number;
  field: RuleField;
  op: RuleOp;
  /** equals / contains: values separated by commas; regex: the pattern */
  text: string;
  /** field `kind`: the kinds ticked */
  kinds: TouchKind[];
}

export interface DraftRule {
  key: number;
  channel: string;
  conditions: DraftCondition[];
}

let seq = 0;
export const nextKey = (): number => ++seq;

export function draftCondition(c: Partial<Omit<DraftCondition, 'key'>> = {}): DraftCondition {
  return { key: nextKey(), field: c.field ?? 'source', op: c.op ?? 'equals', text: c.text ?? '', kinds: c.kinds ?? [] };
}

export function toDraft(rules: readonly ChannelRule[]): DraftRule[] {
  return rules.map((r) => ({
    key: nextKey(),
    channel: r.channel,
    conditions: r.conditions.map((c) =>
      c.field === 'kind'
        ? draftCondition({ field: 'kind', op: 'equals', kinds: c.values as TouchKind[] })
        : draftCondition({ field: c.field, op: c.op, text: c.op === 'regex' ? (c.values[0] ?? '') : c.values.join(', ') }),
    ),
  }));
}

/** The values of a drafted condition as the schema takes them. */
function valuesOf(c: DraftCondition): string[] {
  if (c.field === 'kind') return c.kinds;
  if (c.op === 'empty') return [];
  if (c.op === 'regex') return [c.text.trim()];
  return c.text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function fromDraft(rules: readonly DraftRule[]): { channel: string; conditions: { field: RuleField; op: RuleOp; values: string[] }[] }[] {
  return rules.map((r) => ({
    channel: r.channel,
    conditions: r.conditions.map((c) => ({ field: c.field, op: c.field === 'kind' ? 'equals' : c.op, values: valuesOf(c) })),
  }));
}

/** Values in the fallback channel, one per (source, medium) as matched (case-insensitive, after aliases). */
export interface FallbackGroup {
  /** the busiest spelling */
  source: string | null;
  medium: string | null;
  kinds: TouchKind[];
  campaigns: number;
  records: number;
}

export interface RulesPreview {
  /** records each rule takes (0 for a rule with an error) */
  perRule: number[];
  /** field errors: `rule.{i}.channel`, `rule.{i}.conditions`, `rule.{i}.cond.{j}` */
  errors: Record<string, string>;
  fallback: { records: number; top: FallbackGroup[]; more: number };
  total: number;
}

/** Field errors of a draft, as the form shows them. */
export function draftErrors(rules: readonly DraftRule[]): Record<string, string> {
  const errors: Record<string, string> = {};
  fromDraft(rules).forEach((r, i) => {
    const parsed = ChannelRuleSchema.safeParse(r);
    if (parsed.success) return;
    for (const issue of parsed.error.issues) {
      const [a, b] = issue.path;
      const key = a === 'channel' ? `rule.${i}.channel` : a === 'conditions' && typeof b === 'number' ? `rule.${i}.cond.${b}` : `rule.${i}.conditions`;
      errors[key] ??= issue.message;
    }
  });
  return errors;
}

export function previewRules(
  rules: readonly DraftRule[],
  fallback: string,
  values: readonly ChannelValue[],
  otherRecords: number,
  normalisation: NormalisationRules,
  top = 8,
): RulesPreview {
  const errors = draftErrors(rules);
  const plain = fromDraft(rules);
  const valid: number[] = [];
  plain.forEach((_, i) => {
    if (!Object.keys(errors).some((k) => k.startsWith(`rule.${i}.`))) valid.push(i);
  });
  const classifier = makeChannelClassifier({ rules: valid.map((i) => plain[i]!), fallback: fallback.trim() || 'Другое' });
  const norm = makeNormaliser(normalisation);
  const perRule = rules.map(() => 0);
  const other = new Map<string, FallbackGroup & { spellings: Map<string, number>; campaignSet: Set<string | null> }>();
  let otherSum = 0;
  let total = otherRecords;
  for (const v of values) {
    total += v.records;
    const d = norm.dims(v, v.kind);
    const i = classifier.ruleOf({ source: d.source, medium: d.medium, campaign: d.campaign, kind: v.kind });
    if (i >= 0) {
      perRule[valid[i]!]! += v.records;
      continue;
    }
    otherSum += v.records;
    const key = JSON.stringify([d.source, d.medium]);
    let g = other.get(key);
    if (!g) other.set(key, (g = { source: v.source, medium: v.medium, kinds: [], campaigns: 0, records: 0, spellings: new Map(), campaignSet: new Set() }));
    g.records += v.records;
    if (!g.kinds.includes(v.kind)) g.kinds.push(v.kind);
    g.campaignSet.add(d.campaign);
    const sp = JSON.stringify([v.source, v.medium]);
    g.spellings.set(sp, (g.spellings.get(sp) ?? 0) + v.records);
  }
  const groups: FallbackGroup[] = [...other.values()]
    .map((g) => {
      const [best] = [...g.spellings].sort((a, b) => b[1] - a[1])[0]!;
      const [source, medium] = JSON.parse(best) as [string | null, string | null];
      return { source, medium, kinds: g.kinds, campaigns: [...g.campaignSet].filter((c) => c !== null).length, records: g.records };
    })
    .sort((a, b) => b.records - a.records);
  return { perRule, errors, fallback: { records: otherSum, top: groups.slice(0, top), more: Math.max(0, groups.length - top) }, total };
}

/** Rules ready for settings:update (the draft must be free of errors). */
export function draftToRules(rules: readonly DraftRule[], fallback: string): ChannelRules {
  return { rules: fromDraft(rules) as ChannelRule[], fallback: fallback.trim() };
}
