// The demo workspace gives every default channel realistic data, with mixed-case and
// near-duplicate spellings for the labels, the alias suggestions and the rules to work on.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { channelValues } from '../../src-main/engine/channels/values';
import { runReport } from '../../src-main/engine/reports/query';
import { ReportQuerySchema } from '../../src-shared/contract';
import { channelNames, makeChannelClassifier } from '../../src-shared/channel-rules';
import { makeNormaliser } from '../../src-shared/normalise';
import { suggestAliases, type ValueCount } from '../../src-shared/suggest-aliases';
import { MODELS } from '../../src-shared/metrics';
import type { Workspace } from '../../src-main/engine/workspace';

const NOW = Date.parse('2026-03-31T09:30:00Z');
let ws: Workspace;

beforeAll(async () => {
  ({ ws } = await createDemoWorkspace(join(mkdtempSync(join(tmpdir(), 'skvoz-demo-ch-')), 'ws'), { name: 'Демо', size: 'small', seed: 3, now: NOW }));
});
afterAll(() => ws.close());

const year = { from: '2025-04-01', to: '2026-03-31' };

describe('demo data by channel', () => {
  it('has leads in every default channel, and rows by channel and source add up for every model', () => {
    const r = runReport(ws, ReportQuerySchema.parse({ ...year, groupBy: ['channel'] }));
    const leads = new Map(r.rows.filter((x) => !x.unattributed).map((x) => [x.channel, x.leads]));
    for (const c of channelNames(ws.settings.channels)) expect(leads.get(c) ?? 0, c).toBeGreaterThan(0);
    // the CRM's own sources are one channel, not sources beside yandex
    const bySource = runReport(ws, ReportQuerySchema.parse({ ...year, groupBy: ['channel', 'source'] }));
    const crm = bySource.rows.filter((x) => x.channel === 'CRM без метки').map((x) => x.source);
    expect(crm).toEqual(expect.arrayContaining(['Звонок', 'CRM-форма']));
    expect(bySource.rows.filter((x) => x.source === 'Звонок').every((x) => x.channel === 'CRM без метки')).toBe(true);
    for (const model of MODELS) {
      const m = runReport(ws, ReportQuerySchema.parse({ ...year, model, groupBy: ['channel', 'source'] }));
      for (const k of ['leads', 'deals', 'revenue', 'calls', 'cost'] as const) expect(m.rows.reduce((s, x) => s + x[k], 0), `${model} ${k}`).toBeCloseTo(m.totals[k], 4);
    }
  });

  it('spells values in several ways; reports show the agreed spelling; suggestions find the near-duplicates', () => {
    const v = channelValues(ws, 20_000).values;
    const sources = new Set(v.map((x) => x.source));
    for (const s of ['vk', 'VK', 'vkontakte', 'вконтакте', 'email', 'e-mail', 'yandex', 'Yandex', 'telegram', 'Telegram']) expect(sources.has(s), s).toBe(true);
    expect(v.some((x) => x.campaign === 'Divany_Poisk_MSK')).toBe(true);
    expect(v.some((x) => x.kind === 'call' && x.source === null)).toBe(true);

    const r = runReport(ws, ReportQuerySchema.parse({ ...year, groupBy: ['source'] }));
    const shown = r.rows.map((x) => x.source);
    expect(shown).toEqual(expect.arrayContaining(['yandex', 'vk', 'email', 'telegram']));
    expect(shown).not.toContain('VK');
    expect(shown).not.toContain('Yandex');

    const counts: ValueCount[] = [];
    for (const x of v) for (const d of ['source', 'medium', 'campaign'] as const) if (x[d]) counts.push({ dimension: d, value: x[d]!, records: x.records });
    const s = suggestAliases(counts);
    const vk = s.find((x) => x.dimension === 'source' && x.target === 'vk');
    expect(vk?.from.map((f) => f.value).sort()).toEqual(['vkontakte', 'вконтакте']);
    expect(s.find((x) => x.dimension === 'source' && x.target === 'email')?.from.map((f) => f.value)).toEqual(expect.arrayContaining(['e-mail', 'Электронная почта']));
  });

  it('leaves something to «Другое» for the user to sort out (the preview shows what)', () => {
    const n = makeNormaliser(ws.settings.normalisation, ws.settings.channels);
    const c = makeChannelClassifier(ws.settings.channels);
    const other = channelValues(ws, 20_000).values.filter((x) => c.ruleOf({ ...n.dims(x, x.kind), kind: x.kind }) < 0);
    expect(new Set(other.map((x) => x.source?.toLowerCase()))).toEqual(new Set(['avito']));
  });
});
