import { describe, expect, it } from 'vitest';
import { defaultChannelRules } from '@shared/channel-rules';
import type { ChannelValue } from '@shared/channels-schema';
import { draftCondition, draftToRules, nextKey, previewRules, toDraft } from '../../src-renderer/lib/channel-preview';

const norm = { aliases: { vkontakte: 'vk' }, directSources: ['(direct)'], directMediums: ['(none)'] };
const v = (kind: ChannelValue['kind'], source: string | null, medium: string | null, records: number): ChannelValue => ({ kind, source, medium, campaign: null, records });
const values = [
  v('call', 'yandex', 'cpc', 50),
  v('request', 'avito', 'classified', 12),
  v('call', 'Avito', 'classified', 8),
  v('call', null, null, 7),
  v('request', 'vkontakte', 'cpc', 3),
];

describe('channel rules draft and preview', () => {
  it('round-trips the rules through the editor draft', () => {
    const d = defaultChannelRules();
    expect(draftToRules(toDraft(d.rules), d.fallback)).toEqual(d);
  });

  it('counts what each rule takes and what falls into the fallback, after the aliases', () => {
    const d = defaultChannelRules();
    const draft = toDraft(d.rules);
    const p = previewRules(draft, 'Другое', values, 10, norm);
    const by = (channel: string) => draft.reduce((s, r, i) => s + (r.channel === channel ? p.perRule[i]! : 0), 0);
    expect(by('Контекстная реклама')).toBe(50);
    expect(by('Звонки без метки')).toBe(7);
    expect(by('Таргетированная реклама')).toBe(3); // vkontakte → vk by the alias, then vk + cpc
    expect(p.fallback.records).toBe(20);
    // one line per value as matched, in its busiest spelling, with the kinds that carry it
    expect(p.fallback.top).toEqual([{ source: 'avito', medium: 'classified', kinds: ['request', 'call'], campaigns: 0, records: 20 }]);
    expect(p.total).toBe(90);
  });

  it('a rule with an error takes nothing and names the field; a new rule for «Другое» takes it', () => {
    const draft = toDraft(defaultChannelRules().rules);
    draft.push({ key: nextKey(), channel: '', conditions: [draftCondition({ field: 'source', op: 'regex', text: '(avito' })] });
    let p = previewRules(draft, 'Другое', values, 0, norm);
    const i = draft.length - 1;
    expect(p.errors[`rule.${i}.channel`]).toBe('Введите название канала');
    expect(p.errors[`rule.${i}.cond.0`]).toMatch(/^Ошибка в регулярном выражении/);
    expect(p.perRule[i]).toBe(0);
    expect(p.fallback.records).toBe(20);
    draft[i] = { ...draft[i]!, channel: 'Доски объявлений', conditions: [draftCondition({ field: 'source', op: 'equals', text: 'avito, youla' })] };
    p = previewRules(draft, 'Другое', values, 0, norm);
    expect(p.errors).toEqual({});
    expect(p.perRule[i]).toBe(20);
    expect(p.fallback.records).toBe(0);
  });
});
