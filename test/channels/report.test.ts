// Channel as the first report dimension: rows add up to the totals under every model, costs join
// by channel, a rule change moves numbers between channels (full recompute), labels keep the most
// frequent spelling, and the CLI groups by channel.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODELS } from '../../src-shared/metrics';
import { DealsQuerySchema, type ReportResult, type Settings } from '../../src-shared/contract';
import { defaultChannelRules } from '../../src-shared/channel-rules';
import { ensureAttribution, Materialiser } from '../../src-main/engine/attribution/materialise';
import { explain, listDeals } from '../../src-main/engine/reports/drill';
import { main } from '../../src-main/cli';
import { DAY, Fixture, msk } from '../reports/fixture';

const ph = (i: number) => `+7926${String(4000000 + i).padStart(7, '0')}`;

/** Every default channel gets something, with mixed spellings. */
function world(): Fixture {
  const f = new Fixture();
  const T = msk('2026-03-10');
  for (let i = 1; i <= 24; i++) {
    const at = T + i * 3 * 3600_000;
    const dims: [string | null, string | null, string?][] = [
      ['yandex', 'cpc', 'divany_poisk'],
      ['Yandex', 'CPC', 'Divany_Poisk'],
      ['vk', 'cpc', 'lookalike'],
      ['yandex', 'organic'],
      ['(direct)', '(none)'],
      [null, null],
      ['email', 'newsletter', 'skidki'],
      ['telegram', 'social'],
      ['zoon.ru', 'referral'],
      ['avito', 'classified'],
    ];
    const d = dims[i % dims.length]!;
    f.call(at - 2 * DAY, ph(i), d);
    if (i % 3 === 0) f.call(at - 5 * DAY, ph(i), ['google', 'cpc', 'brand']);
    f.lead(i, at, { phone: ph(i), assigned: i % 2 });
    if (i % 2 === 0) f.deal(100 + i, at + DAY, { leadId: i, wonAt: i % 4 === 0 ? at + 3 * DAY : undefined, amount: String(1000 * i) });
  }
  f.lead(50, msk('2026-03-15'), { sourceId: 'CALL' }); // CRM без метки
  f.lead(51, msk('2026-03-16'), { utm: ['офлайн-визит', 'офлайн-визит', 'офлайн-визит'] }); // Офлайн
  f.visit(1, msk('2026-03-17'), { phones: ['+79990000001'], revenue: '5000' }); // Офлайн (its own touch)
  f.request(msk('2026-03-18'), 'a@example.com', ['e-mail', 'newsletter']);
  f.lead(52, msk('2026-03-18', '12:01:00'), { email: 'a@example.com' });
  f.cost('2026-03-12', 'yandex', 'cpc', 'divany_poisk', 5000);
  f.cost('2026-03-12', 'VK', 'cpc', 'lookalike', 2000);
  f.cost('2026-03-12', 'avito', 'classified', 'avito_divany', 700);
  return f;
}

const P = { from: '2026-03-01', to: '2026-03-31' };
const ADD = ['leads', 'deals', 'wonDeals', 'revenue', 'visits', 'visitRevenue', 'calls', 'cost'] as const;

function expectRowsAddUp(r: ReportResult) {
  for (const k of ADD) expect(r.rows.reduce((s, x) => s + x[k], 0), k).toBeCloseTo(r.totals[k], 6);
}

describe('channel in reports', () => {
  it('groups by channel, source: rows add up to the totals for every model, equal to the ungrouped totals', () => {
    const f = world();
    const plain = f.report({ ...P, groupBy: ['source'] });
    for (const model of MODELS) {
      const r = f.report({ ...P, model, groupBy: ['channel', 'source'] });
      expect(r.groupBy).toEqual(['channel', 'source']);
      expectRowsAddUp(r);
      for (const k of ['leads', 'deals', 'wonDeals', 'revenue', 'calls', 'cost'] as const) expect(r.totals[k], `${model} ${k}`).toBeCloseTo(plain.totals[k], 6);
    }
    const r = f.report({ ...P, groupBy: ['channel', 'source'] });
    const channels = new Set(r.rows.filter((x) => !x.unattributed).map((x) => x.channel));
    expect([...channels].sort()).toEqual(
      ['CRM без метки', 'Email / мессенджеры', 'SEO', 'Звонки без метки', 'Другое', 'Контекстная реклама', 'Офлайн', 'Прямые заходы', 'Рефералы', 'Соцсети', 'Таргетированная реклама'].sort(),
    );
    expect(r.rows.find((x) => x.channel === 'CRM без метки')).toMatchObject({ source: 'Звонок', leads: 1 });
  });

  it('joins costs by channel (the same rules as touches): CPL per channel', () => {
    const r = world().report({ ...P, groupBy: ['channel'] });
    const by = (c: string) => r.rows.find((x) => x.channel === c)!;
    expect(by('Контекстная реклама').cost).toBe(5000);
    expect(by('Таргетированная реклама').cost).toBe(2000);
    expect(by('Другое').cost).toBe(700);
    expect(by('Контекстная реклама').cpl).toBeCloseTo(5000 / by('Контекстная реклама').leads, 9);
    expect(r.totals.cost).toBe(7700);
  });

  it('shows a case-insensitive value in its most frequent spelling; cost rows join it whatever their case', () => {
    const r = world().report({ ...P, groupBy: ['source', 'campaign'] });
    // source: 'yandex' (5 calls) beats 'Yandex' (3); campaign: 'Divany_Poisk' (3) beats 'divany_poisk' (2)
    const y = r.rows.filter((x) => x.source?.toLowerCase() === 'yandex' && x.campaign?.toLowerCase() === 'divany_poisk');
    expect(y).toHaveLength(1);
    expect(y[0]).toMatchObject({ source: 'yandex', campaign: 'Divany_Poisk', cost: 5000, calls: 5 });
    // 'VK' only in the costs: the touches' spelling 'vk' is shown
    expect(r.rows.filter((x) => x.source?.toLowerCase() === 'vk').map((x) => x.source)).toEqual(['vk']);
  });

  it('filters by channel and drills from a channel row to its deals', () => {
    const f = world();
    const all = f.report({ ...P, groupBy: ['channel'] });
    const ctx = all.rows.find((x) => x.channel === 'Контекстная реклама')!;
    const filtered = f.report({ ...P, groupBy: ['source'], filters: { dimensions: { channel: ['Контекстная реклама'] } } });
    expect(filtered.totals.leads).toBeCloseTo(ctx.leads, 9);
    expect(filtered.rows.every((x) => !x.unattributed)).toBe(true);
    const deals = listDeals(f.ws, DealsQuerySchema.parse({ ...P, row: { dims: { channel: 'Контекстная реклама' } }, kind: 'deal' }));
    expect(deals.items.reduce((s, d) => s + d.weight, 0)).toBeCloseTo(ctx.deals, 9);
    // a filter typed in another case still matches (saved views made before labels kept the case)
    const lower = f.report({ ...P, groupBy: ['channel'], filters: { dimensions: { source: ['YANDEX'] } } });
    expect(lower.totals.calls).toBe(f.report({ ...P, groupBy: ['channel'], filters: { dimensions: { source: ['yandex'] } } }).totals.calls);
    expect(lower.totals.calls).toBeGreaterThan(0);
  });

  it('explains a deal with each touch’s channel', () => {
    const f = world();
    const e = explain(f.ws, 'deal', 106);
    expect(e.touches.map((t) => [t.channel, t.source])).toEqual([
      ['Контекстная реклама', 'google'],
      ['Email / мессенджеры', 'email'],
    ]);
  });

  it('a rule change recomputes attribution and moves numbers between channels; totals stay equal', () => {
    const f = world();
    const before = f.report({ ...P, groupBy: ['channel'] });
    const other = before.rows.find((x) => x.channel === 'Другое')!;
    expect(other.leads).toBeGreaterThan(0);
    const channels = defaultChannelRules();
    channels.rules.unshift({ channel: 'Доски объявлений', conditions: [{ field: 'source', op: 'equals', values: ['avito', 'youla'] }] });
    f.ws.updateMeta({ settings: { ...f.ws.settings, channels } as Settings });
    const stats = ensureAttribution(f.ws.db, f.ws.settings);
    expect(stats?.full).toBe(true);
    const after = f.report({ ...P, groupBy: ['channel'] });
    expect(after.rows.find((x) => x.channel === 'Другое')).toBeUndefined();
    expect(after.rows.find((x) => x.channel === 'Доски объявлений')).toMatchObject({ leads: other.leads, calls: other.calls, cost: 700 });
    for (const k of ADD) expect(after.totals[k], k).toBeCloseTo(before.totals[k], 9);
  });

  it('incremental recompute equals a full one, channel by channel', () => {
    const f = world();
    f.report(P);
    // new data: a call without a source to an existing lead, a new lead from vk, a new CRM-only lead
    f.call(msk('2026-03-10') + 3 * 3600_000 - DAY, ph(1), [null, null]);
    f.call(msk('2026-03-20'), ph(90), ['VK', 'cpm']);
    f.lead(90, msk('2026-03-20', '12:02:00'), { phone: ph(90) });
    f.lead(91, msk('2026-03-21'), { sourceId: 'WEB' });
    expect(ensureAttribution(f.ws.db, f.ws.settings)?.full).toBe(false);
    const inc = MODELS.filter((m) => m !== 'markov').map((model) => f.report({ ...P, model, groupBy: ['channel', 'source'] }));
    new Materialiser(f.ws.db, f.ws.settings).full();
    const full = MODELS.filter((m) => m !== 'markov').map((model) => f.report({ ...P, model, groupBy: ['channel', 'source'] }));
    inc.forEach((r, i) => {
      const key = (x: { channel?: string | null; source?: string | null; unattributed: boolean }) => `${x.channel}|${x.source}|${x.unattributed}`;
      expect(r.rows.map(key).sort()).toEqual(full[i]!.rows.map(key).sort());
      const byKey = new Map(full[i]!.rows.map((x) => [key(x), x]));
      for (const row of r.rows) for (const k of ADD) expect(row[k]).toBeCloseTo(byKey.get(key(row))![k], 9);
    });
    expect(full[0]!.rows.find((x) => x.channel === 'CRM без метки' && x.source === 'Сайт')).toMatchObject({ leads: 1 });
    expect(full[0]!.rows.find((x) => x.channel === 'Таргетированная реклама' && x.source === 'vk')!.leads).toBeGreaterThan(0);
  });
});

describe('labels', () => {
  it('an incremental recompute labels a new value as first seen; the next full recompute takes the most frequent spelling', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-05'), { utm: ['yandex', 'cpc'] });
    expect(f.report(P).rows.map((r) => r.source)).toEqual(['yandex']);
    f.lead(2, msk('2026-03-06'), { utm: ['Avito', 'classified'] });
    f.lead(3, msk('2026-03-07'), { utm: ['avito', 'classified'] });
    f.lead(4, msk('2026-03-08'), { utm: ['avito', 'classified'] });
    expect(ensureAttribution(f.ws.db, f.ws.settings)?.full).toBe(false);
    const inc = f.report({ ...P, groupBy: ['source'] }).rows.map((r) => r.source);
    expect(inc).toHaveLength(2); // one row for the three spellings of avito, whichever label it has
    expect(inc.filter((x) => x?.toLowerCase() === 'avito')).toHaveLength(1);
    new Materialiser(f.ws.db, f.ws.settings).full();
    expect(f.report({ ...P, groupBy: ['source'] }).rows.map((r) => r.source).sort()).toEqual(['avito', 'yandex']);
  });

  it('a key reached only through an alias shows the alias target as typed', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-05'), { utm: ['vkontakte', 'cpc'] });
    f.lead(2, msk('2026-03-05'), { utm: ['вконтакте', 'cpc'] });
    f.ws.updateMeta({ settings: { ...f.ws.settings, normalisation: { ...f.ws.settings.normalisation, aliases: { vkontakte: 'VK', вконтакте: 'VK' } } } });
    expect(f.report({ ...P, groupBy: ['channel', 'source'] }).rows).toMatchObject([{ channel: 'Таргетированная реклама', source: 'VK', leads: 2 }]);
  });
});

describe('skvoz report --group channel,source', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints rows with the channel first that add up to the totals', async () => {
    const f = world();
    const dir = f.ws.dir;
    f.ws.close();
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['report', '--workspace', dir, '--from', P.from, '--to', P.to, '--group', 'channel,source', '--model', 'linear']);
    expect(code).toBe(0);
    const r = JSON.parse(out) as ReportResult;
    expect(r.groupBy).toEqual(['channel', 'source']);
    expect(Object.keys(r.rows[0]!).slice(0, 3)).toEqual(['channel', 'source', 'unattributed']);
    expectRowsAddUp(r);
  });
});
