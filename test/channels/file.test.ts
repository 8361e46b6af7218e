// Channel rules travel as a file (engine channels:export / channels:import, `skvoz channels`), and
// channels:values gives the settings screen what to preview the rules over.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../src-main/engine/engine';
import { main } from '../../src-main/cli';
import { defaultChannelRules, makeChannelClassifier } from '../../src-shared/channel-rules';
import { makeNormaliser } from '../../src-shared/normalise';
import type { ChannelValues, ReportResult, Settings } from '../../src-shared/contract';
import { Fixture, msk } from '../reports/fixture';

const secrets = { get: async () => null, set: async () => {}, clear: async () => {} };

function world(): Fixture {
  const f = new Fixture();
  f.call(msk('2026-03-02'), '+79160000001', ['Yandex', 'cpc', 'sofas']);
  f.call(msk('2026-03-02'), '+79160000002', ['yandex', 'cpc', 'sofas']);
  f.call(msk('2026-03-03'), '+79160000003', [null, null]);
  f.request(msk('2026-03-03'), 'a@example.com', ['avito', 'classified']);
  f.lead(1, msk('2026-03-04'), { utm: ['vk', 'cpc', 'lookalike'] });
  f.lead(2, msk('2026-03-04'), { sourceId: 'CALL' });
  f.lead(3, msk('2026-03-05'), { sourceId: 'CALL', utm: ['  '] });
  f.deal(10, msk('2026-03-06'), { utm: ['vk', 'cpc', 'lookalike'] });
  f.visit(1, msk('2026-03-07'), { phones: ['+79160000009'] });
  return f;
}

afterEach(() => vi.restoreAllMocks());

describe('channels:values', () => {
  it('lists raw values per kind with their records, busiest first, and the rules preview agrees with the engine', async () => {
    const f = world();
    const engine = new Engine({ workspaceDir: f.ws.dir, secrets });
    const r = await engine.dispatch('channels:values', {});
    expect(r.ok).toBe(true);
    const v = (r as { value: ChannelValues }).value;
    expect(v.truncated).toBe(false);
    const find = (kind: string, source: string | null) => v.values.filter((x) => x.kind === kind && x.source === source);
    expect(find('crm_utm', 'vk')).toEqual([{ kind: 'crm_utm', source: 'vk', medium: 'cpc', campaign: 'lookalike', records: 2 }]);
    expect(find('crm_source', 'Звонок')).toEqual([{ kind: 'crm_source', source: 'Звонок', medium: '(crm)', campaign: null, records: 2 }]);
    expect(find('call', 'Yandex')[0]!.records).toBe(1);
    expect(find('call', null)[0]!.records).toBe(1);
    expect(find('visit', 'офлайн-визит')[0]!.records).toBe(1);
    expect(v.values[0]!.records).toBe(2);
    // classified with the shared normaliser and rules, as the settings screen does
    const n = makeNormaliser(f.ws.settings.normalisation, f.ws.settings.channels);
    const c = makeChannelClassifier(f.ws.settings.channels);
    const other = v.values.filter((x) => c.ruleOf({ ...n.dims(x, x.kind), kind: x.kind }) < 0);
    expect(other.map((x) => x.source)).toEqual(['avito']);
    const limited = await engine.dispatch('channels:values', { limit: 2 });
    expect(limited).toMatchObject({ ok: true, value: { truncated: true } });
    expect((limited as { value: ChannelValues }).value.otherRecords).toBe(v.values.slice(2).reduce((s, x) => s + x.records, 0));
    await engine.close();
  });
});

describe('channel rules file', () => {
  it('exports the rules and imports them back without saving; a bad file is refused in Russian', async () => {
    const f = world();
    const channels = defaultChannelRules();
    channels.rules.unshift({ channel: 'Доски объявлений', conditions: [{ field: 'source', op: 'equals', values: ['avito'] }] });
    f.ws.updateMeta({ settings: { ...f.ws.settings, channels } as Settings });
    const engine = new Engine({ workspaceDir: f.ws.dir, secrets });
    const path = join(mkdtempSync(join(tmpdir(), 'skvoz-ch-')), 'rules.json');
    expect(await engine.dispatch('channels:export', { path })).toMatchObject({ ok: true, value: { path } });
    const text = readFileSync(path, 'utf8');
    expect(JSON.parse(text)).toMatchObject({ format: 'skvoz-channel-rules', version: 1, fallback: 'Другое' });
    const back = await engine.dispatch('channels:import', { fileName: 'rules.json', text });
    expect(back).toEqual({ ok: true, value: channels });

    const bad = async (t: string) => {
      const r = await engine.dispatch('channels:import', { fileName: 'x.json', text: t });
      return r.ok ? null : r.error.message;
    };
    expect(await bad('not json')).toBe('Файл «x.json» не читается как JSON — это не файл правил каналов Skvoz.');
    expect(await bad('{"rules": []}')).toBe('Файл «x.json» не подходит: Это не файл правил каналов Skvoz.');
    const broken = JSON.parse(text) as { rules: { conditions: { op: string; values: string[] }[] }[] };
    broken.rules[1]!.conditions[0] = { ...broken.rules[1]!.conditions[0]!, op: 'regex', values: ['(x'] } as never;
    expect(await bad(JSON.stringify(broken))).toMatch(/^Файл «x\.json» не подходит: правило 2: Ошибка в регулярном выражении/);
    expect(f.ws.settings.channels).toEqual(channels); // nothing saved
    await engine.close();
  });

  it('skvoz channels export / import carries rules from one workspace to another', async () => {
    const a = world();
    const channels = defaultChannelRules();
    channels.rules.unshift({ channel: 'Доски объявлений', conditions: [{ field: 'source', op: 'equals', values: ['avito'] }] });
    a.ws.updateMeta({ settings: { ...a.ws.settings, channels } as Settings });
    const b = world();
    const [da, db] = [a.ws.dir, b.ws.dir];
    a.ws.close();
    b.ws.close();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const file = join(mkdtempSync(join(tmpdir(), 'skvoz-ch-')), 'agency.json');
    expect(await main(['channels', 'export', '--workspace', da, '--out', file])).toBe(0);
    expect(await main(['channels', 'import', '--workspace', db, file])).toBe(0);
    const engine = new Engine({ workspaceDir: db, secrets });
    const r = await engine.dispatch('reports:query', { from: '2026-03-01', to: '2026-03-31', groupBy: ['channel'] });
    expect(r.ok && (r.value as ReportResult).rows.some((x) => x.channel === 'Доски объявлений')).toBe(true);
    await engine.close();
    writeFileSync(file, '{}');
    expect(await main(['channels', 'import', '--workspace', db, file])).toBe(1);
  });
});
