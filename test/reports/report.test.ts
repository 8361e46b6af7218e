import { describe, expect, it } from 'vitest';
import { MODELS, type Model } from '../../src-shared/metrics';
import { DAY, Fixture, msk } from './fixture';
import { markovCredits } from '../../src-main/engine/attribution/markov';

const P = '+79161234567';

function row(r: ReturnType<Fixture['report']>, source: string | null, unattributed = false) {
  return r.rows.find((x) => x.source === source && x.unattributed === unattributed);
}

describe('reports:query semantics (REPORTS.md)', () => {
  it('credits a lead by model: last non-direct skips the direct call, last takes it, linear splits', () => {
    const f = new Fixture();
    const T = msk('2026-03-15');
    f.call(T - 10 * DAY, P, ['yandex', 'cpc', 'sofas']);
    f.call(T - 1 * DAY, P, ['(direct)', '(none)']);
    f.lead(1, T, { phone: P });
    const q = { from: '2026-03-01', to: '2026-03-31' };
    expect(row(f.report({ ...q, model: 'last_non_direct' }), 'yandex')?.leads).toBe(1);
    expect(row(f.report({ ...q, model: 'last' }), '(direct)')?.leads).toBe(1);
    expect(row(f.report({ ...q, model: 'first' }), 'yandex')?.leads).toBe(1);
    const lin = f.report({ ...q, model: 'linear' });
    expect(row(lin, 'yandex')?.leads).toBeCloseTo(0.5, 12);
    expect(row(lin, '(direct)')?.leads).toBeCloseTo(0.5, 12);
    // calls are counted by their own dimensions, once
    expect(row(lin, 'yandex')?.calls).toBe(1);
    expect(lin.totals.calls).toBe(2);
  });

  it('puts conversions without touches on the unattributed row, never hides them', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-10'));
    f.lead(2, msk('2026-03-10'), { phone: '+79990000000' });
    const r = f.report({ from: '2026-03-01', to: '2026-03-31' });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ unattributed: true, leads: 2, source: null });
    expect(r.totals.leads).toBe(2);
  });

  it('falls back to the CRM source only when there is no other touch', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-10'), { sourceId: 'CALL' });
    f.lead(2, msk('2026-03-10'), { sourceId: 'CALL', utm: ['vk', 'cpc'] });
    const r = f.report({ from: '2026-03-01', to: '2026-03-31', groupBy: ['channel', 'source', 'medium'] });
    // its own channel, with the CRM source's name as it is in Bitrix24
    expect(r.rows.find((x) => x.source === 'Звонок')).toMatchObject({ channel: 'CRM без метки', medium: '(crm)', leads: 1 });
    expect(r.rows.find((x) => x.source === 'vk')).toMatchObject({ channel: 'Таргетированная реклама', medium: 'cpc', leads: 1 });
  });

  it('ignores touches outside the lookback window and after conversion + 10 minutes', () => {
    const f = new Fixture();
    const T = msk('2026-06-15');
    f.call(T - 91 * DAY, P, ['google', 'cpc']);
    f.call(T + 11 * 60_000, P, ['vk', 'cpc']);
    f.lead(1, T, { phone: P });
    const r = f.report({ from: '2026-06-15', to: '2026-06-15' });
    expect(row(r, null, true)?.leads).toBe(1);
    f.call(T + 9 * 60_000, P, ['telegram', 'social']);
    expect(row(f.report({ from: '2026-06-15', to: '2026-06-15' }), 'telegram')?.leads).toBe(1);
  });

  it("a deal's won event and revenue reuse the deal's weights; revenue converts to the report currency", () => {
    const f = new Fixture();
    const created = msk('2026-02-20');
    f.call(created - 2 * DAY, P, ['google', 'cpc']);
    f.lead(1, created - DAY, { phone: P });
    f.deal(10, created, { leadId: 1, wonAt: msk('2026-03-05'), amount: '1000.50', currency: 'USD' });
    // a later call must not change who gets the won deal (attribution is decided at deal creation)
    f.call(msk('2026-03-01'), P, ['vk', 'cpc']);
    const march = f.report({ from: '2026-03-01', to: '2026-03-31' });
    expect(row(march, 'google')).toMatchObject({ deals: 0, wonDeals: 1 });
    expect(row(march, 'google')?.revenue).toBeCloseTo(90045, 6);
    expect(march.totals.revenue).toBeCloseTo(90045, 6);
    expect(row(march, 'google')?.avgCheck).toBeCloseTo(90045, 6);
  });

  it('deal touches come from its contacts too, each touch counted once', () => {
    const f = new Fixture();
    const T = msk('2026-03-10');
    f.contact(5, P);
    f.call(T - DAY, P, ['avito', 'classified']);
    f.lead(1, T - 2 * DAY, { phone: P });
    f.deal(10, T, { leadId: 1, contactId: 5 });
    const r = f.report({ from: '2026-03-10', to: '2026-03-10', model: 'linear' });
    expect(row(r, 'avito')?.deals).toBe(1);
  });

  it('day boundaries are Moscow days: 23:59 on the 31st is March, 00:01 on the 1st is April', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-31', '23:59:00'), { utm: ['yandex', 'cpc'] });
    f.lead(2, msk('2026-04-01', '00:01:00'), { utm: ['yandex', 'cpc'] });
    expect(f.report({ from: '2026-03-01', to: '2026-03-31' }).totals.leads).toBe(1);
    expect(f.report({ from: '2026-04-01', to: '2026-04-30' }).totals.leads).toBe(1);
    f.ws.updateMeta({ settings: { ...f.ws.settings, timeZone: 'Asia/Vladivostok' } });
    // 23:59 Moscow on the 31st is already 1 April in Vladivostok
    expect(f.report({ from: '2026-03-01', to: '2026-03-31' }).totals.leads).toBe(0);
  });

  it('cohort basis counts the deals descending from the period\'s leads, whenever they happened', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-20'), { utm: ['yandex', 'cpc'] });
    f.deal(10, msk('2026-04-02'), { leadId: 1, wonAt: msk('2026-04-10'), amount: '500' });
    const event = f.report({ from: '2026-03-01', to: '2026-03-31' });
    expect(event.totals).toMatchObject({ leads: 1, deals: 0, wonDeals: 0 });
    const cohort = f.report({ from: '2026-03-01', to: '2026-03-31', basis: 'cohort' });
    expect(cohort.totals).toMatchObject({ leads: 1, deals: 1, wonDeals: 1, revenue: 500 });
    expect(row(cohort, 'yandex')?.crLeadToDeal).toBe(1);
  });

  it('joins costs at the level they were given and recomputes ratios from sums', () => {
    const f = new Fixture();
    f.cost('2026-03-05', 'yandex', 'cpc', 'sofas', 300);
    f.cost('2026-03-06', 'yandex', 'cpc', 'beds', 100);
    f.lead(1, msk('2026-03-05'), { utm: ['yandex', 'cpc', 'sofas'] });
    f.lead(2, msk('2026-03-05'), { utm: ['yandex', 'cpc', 'beds'] });
    const bySource = f.report({ from: '2026-03-01', to: '2026-03-31' });
    expect(row(bySource, 'yandex')).toMatchObject({ cost: 400, leads: 2, cpl: 200 });
    const byCampaign = f.report({ from: '2026-03-01', to: '2026-03-31', groupBy: ['source', 'campaign'] });
    expect(byCampaign.rows.find((r) => r.campaign === 'sofas')).toMatchObject({ cost: 300, cpl: 300 });
    expect(byCampaign.totals.cost).toBe(400);
    expect(byCampaign.totals.cpl).toBe(200);
    expect(byCampaign.totals.romi).toBe(-1);
  });

  it('report totals equal the conversion totals for every model and grouping', () => {
    const f = new Fixture();
    let id = 1;
    const sources: [string, string][] = [['yandex', 'cpc'], ['google', 'cpc'], ['(direct)', '(none)'], ['vk', 'social']];
    for (let i = 0; i < 40; i++) {
      const phone = `+7916${String(1000000 + i).padStart(7, '0')}`;
      const T = msk('2026-03-01') + i * 12 * 3600_000;
      for (let k = 0; k <= i % 4; k++) f.call(T - (k + 1) * 2 * DAY, phone, [...sources[(i + k) % 4]!, `c${k}`]);
      f.lead(id, T, { phone });
      if (i % 3 === 0) f.deal(1000 + id, T + DAY, { leadId: id, wonAt: i % 2 ? T + 3 * DAY : undefined, amount: String(1000 + i) });
      id++;
    }
    f.lead(id, msk('2026-03-10')); // unattributed
    for (const model of MODELS as readonly Model[]) {
      for (const groupBy of [['source'], ['source', 'medium', 'campaign'], ['campaign']] as const) {
        const r = f.report({ from: '2026-02-01', to: '2026-04-30', model, groupBy: [...groupBy] });
        const sum = (k: 'leads' | 'deals' | 'wonDeals' | 'revenue') => r.rows.reduce((s, x) => s + x[k], 0);
        expect(sum('leads'), `${model} ${groupBy}`).toBeCloseTo(41, 9);
        expect(sum('deals'), `${model} ${groupBy}`).toBeCloseTo(14, 9);
        expect(sum('wonDeals')).toBeCloseTo(r.totals.wonDeals, 9);
        expect(sum('revenue')).toBeCloseTo(r.totals.revenue, 6);
        expect(r.totals.leads).toBeCloseTo(41, 9);
      }
    }
  });

  it('compares with the previous period and last year', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-02-10'), { utm: ['yandex', 'cpc'] });
    f.lead(2, msk('2025-03-10'), { utm: ['yandex', 'cpc'] });
    f.lead(3, msk('2026-03-10'), { utm: ['yandex', 'cpc'] });
    const prev = f.report({ from: '2026-03-01', to: '2026-03-31', compare: { kind: 'previous' } });
    expect(prev.compare).toMatchObject({ from: '2026-01-29', to: '2026-02-28' });
    expect(prev.compare?.totals.leads).toBe(1);
    const year = f.report({ from: '2026-03-01', to: '2026-03-31', compare: { kind: 'year' } });
    expect(year.compare).toMatchObject({ from: '2025-03-01', to: '2025-03-31' });
    expect(year.compare?.totals.leads).toBe(1);
  });

  it('compares a calendar month with the whole previous month, and flags a comparison period before the first record', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-10-01'), { utm: ['yandex', 'cpc'] });
    f.lead(2, msk('2026-10-31'), { utm: ['yandex', 'cpc'] });
    f.lead(3, msk('2026-11-10'), { utm: ['yandex', 'cpc'] });
    // «Прошлый месяц» = November (30 days): October whole, 1 October included
    const last = f.report({ from: '2026-11-01', to: '2026-11-30', compare: { kind: 'previous', preset: 'lastMonth' } });
    expect(last.compare).toMatchObject({ from: '2026-10-01', to: '2026-10-31', empty: false, partial: false, dataFrom: '2026-10-01' });
    expect(last.compare?.totals.leads).toBe(2);
    // a month ago of 1–5 Dec is 1–5 Nov
    expect(f.report({ from: '2026-12-01', to: '2026-12-05', compare: { kind: 'month' } }).compare).toMatchObject({ from: '2026-11-01', to: '2026-11-05' });
    // before the data starts: empty; straddling the start: partial
    const before = f.report({ from: '2026-10-01', to: '2026-10-31', compare: { kind: 'previous', preset: 'lastMonth' } });
    expect(before.compare).toMatchObject({ from: '2026-09-01', to: '2026-09-30', empty: true, partial: false });
    const straddle = f.report({ from: '2026-10-16', to: '2026-11-30', compare: { kind: 'previous' } });
    expect(straddle.compare).toMatchObject({ empty: false, partial: true });
  });

  it('Markov: phones with no CRM record give the non-converting paths of the period, and change the credits', () => {
    const f = new Fixture();
    const T = msk('2026-03-20');
    f.call(T - 5 * DAY, '+79160000001', ['google', 'cpc']);
    f.lead(1, T, { phone: '+79160000001' }); // google → lead
    f.call(T - 6 * DAY, '+79160000002', ['yandex', 'cpc']);
    f.call(T - 3 * DAY, '+79160000002', ['google', 'cpc']);
    f.lead(2, T, { phone: '+79160000002' }); // yandex → google → lead
    f.call(T - 4 * DAY, '+79160000003', ['google', 'cpc']); // no CRM record: google → (no conversion)
    f.call(T - 200 * DAY, '+79160000003', ['yandex', 'cpc']); // the same phone, outside the period
    f.lead(3, T - 100 * DAY, { phone: '+79160000005' });
    f.call(T - 2 * DAY, '+79160000005', ['vk', 'cpc']); // a phone with a lead (earlier): not a non-converting path
    const converting = [
      { states: ['google'], conversions: 1, value: 0 },
      { states: ['yandex', 'google'], conversions: 1, value: 0 },
    ];
    const expected = markovCredits(converting, [['google']]).credits;
    // without the non-converting path, or with the touch outside the period, the numbers differ
    // (else this test could not fail)
    for (const wrong of [[], [['yandex', 'google']]]) {
      expect(Math.abs(expected.get('yandex')!.conversions - markovCredits(converting, wrong).credits.get('yandex')!.conversions)).toBeGreaterThan(0.01);
    }
    // many touches long before: March is a small part of all touches, so the first March report
    // reads March's touches only; a report over a long period then lists them for the whole
    // workspace once, and March is filtered from that list — the same numbers either way
    for (let i = 0; i < 20; i++) f.call(T - 300 * DAY - i * DAY, '+79160000005', ['vk', 'cpc']);
    for (const from of ['2026-03-01', 'wide', '2026-02-25', '2026-03-01']) {
      if (from === 'wide') {
        f.report({ from: '2025-01-01', to: '2026-03-31', model: 'markov' });
        continue;
      }
      const r = f.report({ from, to: '2026-03-31', model: 'markov' });
      expect(row(r, 'google')?.leads).toBeCloseTo(expected.get('google')!.conversions, 9);
      expect(row(r, 'yandex')?.leads).toBeCloseTo(expected.get('yandex')!.conversions, 9);
      expect(row(r, 'vk')?.leads ?? 0).toBe(0);
    }
  });
});
