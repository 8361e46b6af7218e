import { describe, expect, it } from 'vitest';
import { DealsQuerySchema, ModelsQuerySchema, SeriesQuerySchema } from '../../src-shared/contract';
import { buckets, runModels, runSeries } from '../../src-main/engine/reports/series';
import { explain, listDeals, outcome } from '../../src-main/engine/reports/drill';
import { DAY, Fixture, msk } from './fixture';

const P = '+79161234567';

function world() {
  const f = new Fixture();
  const T = msk('2026-03-10');
  f.call(T - 14 * DAY, P, ['google', 'cpc', 'brand']);
  f.call(T - 7 * DAY, P, ['(direct)', '(none)']);
  f.call(T - 120 * DAY, P, ['vk', 'cpc']); // outside the 90-day window
  f.lead(1, T - 10 * 60_000, { phone: P, utm: ['yandex', 'cpc', 'sofas'] });
  f.deal(10, T, { leadId: 1, wonAt: msk('2026-03-20'), amount: '7000' });
  f.lead(2, msk('2026-03-11'), { utm: ['yandex', 'cpc', 'beds'] });
  f.lead(3, msk('2026-04-02'), { utm: ['google', 'cpc', 'brand'] });
  f.cost('2026-03-05', 'yandex', 'cpc', 'sofas', 1000);
  return f;
}

describe('time series', () => {
  it('buckets weeks from Monday and months by calendar, clipped to the period', () => {
    expect(buckets('2026-03-04', '2026-03-17', 'week')).toEqual([
      { from: '2026-03-04', to: '2026-03-08' },
      { from: '2026-03-09', to: '2026-03-15' },
      { from: '2026-03-16', to: '2026-03-17' },
    ]);
    expect(buckets('2026-01-15', '2026-03-02', 'month').map((b) => b.to)).toEqual(['2026-01-31', '2026-02-28', '2026-03-02']);
  });

  it('sums per bucket to the report totals, for rollup and Markov paths alike', () => {
    const f = world();
    for (const model of ['last_non_direct', 'markov'] as const) {
      const q = SeriesQuerySchema.parse({ from: '2026-03-01', to: '2026-04-30', grain: 'week', model });
      const s = runSeries(f.ws, q);
      const total = f.report({ from: '2026-03-01', to: '2026-04-30', model });
      const sum = (k: 'leads' | 'deals' | 'revenue' | 'cost' | 'calls') => s.points.reduce((x, p) => x + p.metrics[k], 0);
      expect(sum('leads')).toBeCloseTo(total.totals.leads, 9);
      expect(sum('revenue')).toBeCloseTo(total.totals.revenue, 6);
      expect(sum('cost')).toBe(1000);
      expect(sum('calls')).toBe(1); // the other calls were in February and October
      expect(s.points[0]!.from).toBe('2026-03-01');
    }
    const daily = runSeries(f.ws, SeriesQuerySchema.parse({ from: '2026-03-01', to: '2026-03-31', grain: 'day' }));
    expect(daily.points).toHaveLength(31);
    expect(daily.points.find((p) => p.from === '2026-03-20')!.metrics.wonDeals).toBe(1);
  });
});

describe('model comparison', () => {
  it('gives one column group per model with equal totals', () => {
    const f = world();
    const r = runModels(f.ws, ModelsQuerySchema.parse({ from: '2026-03-01', to: '2026-03-31', groupBy: ['source'] }));
    expect(r.models).toHaveLength(7);
    for (const m of r.models) expect(r.totals[m]!.leads).toBeCloseTo(2, 9);
    const google = r.rows.find((x) => x.source === 'google')!;
    expect(google.byModel.first!.leads).toBe(1);
    expect(google.byModel.last!.leads).toBe(0);
  });
});

describe('drill-down', () => {
  it('lists the deals behind a row with their weight, and the unattributed row', () => {
    const f = world();
    const q = DealsQuerySchema.parse({ from: '2026-03-01', to: '2026-03-31', model: 'linear', row: { dims: { source: 'google' } } });
    const r = listDeals(f.ws, q);
    expect(r.total).toBe(1);
    expect(r.items[0]).toMatchObject({ id: 10, revenue: 7000 });
    expect(r.items[0]!.weight).toBeCloseTo(1 / 3, 9);
    const leads = listDeals(f.ws, DealsQuerySchema.parse({ from: '2026-03-01', to: '2026-03-31', kind: 'lead', row: { dims: { source: 'yandex' } } }));
    expect(leads.items.map((i) => i.id).sort()).toEqual([1, 2]);
    const none = listDeals(f.ws, DealsQuerySchema.parse({ from: '2026-03-01', to: '2026-03-31', row: { dims: {}, unattributed: true } }));
    expect(none.total).toBe(0);
  });

  it('lists conversions whose weights add up to the report row, under dimension filters too', () => {
    const f = world();
    f.call(msk('2026-03-12'), '+79160000002', ['yandex', 'cpc', 'beds']);
    f.lead(4, msk('2026-03-12') + 60_000, { phone: '+79160000002', utm: ['google', 'cpc', 'brand'] });
    f.lead(5, msk('2026-03-15'), {}); // no touch at all: unattributed
    const period = { from: '2026-03-01', to: '2026-03-31' };
    const filtersList = [{}, { dimensions: { source: ['yandex'] } }, { dimensions: { campaign: ['brand', null] } }];
    let compared = 0;
    for (const model of ['first', 'linear', 'last_non_direct', 'markov'] as const) {
      for (const filters of filtersList) {
        const report = f.report({ ...period, model, groupBy: ['source', 'campaign'], filters });
        for (const row of report.rows) {
          const q = { ...period, model, filters, kind: 'lead', row: { dims: { source: row.source, campaign: row.campaign }, unattributed: row.unattributed } };
          const listed = listDeals(f.ws, DealsQuerySchema.parse(q));
          const sum = listed.items.reduce((s, i) => s + i.weight, 0);
          if (model !== 'markov') expect(sum, `${model} ${JSON.stringify(filters)} ${JSON.stringify(q.row)}`).toBeCloseTo(row.leads, 9);
          else expect(listed.items.length > 0).toBe(row.leads > 0);
          compared++;
        }
        // a dimension filter leaves the unattributed row out of the report, and so out of the list
        const un = listDeals(f.ws, DealsQuerySchema.parse({ ...period, model, filters, kind: 'lead', row: { dims: {}, unattributed: true } }));
        expect(un.total).toBe(Object.keys(filters).length > 0 ? 0 : 1);
      }
    }
    expect(compared).toBeGreaterThan(20);
    // google/brand under a source=yandex filter: the row is not in the report, the list is empty
    const q = DealsQuerySchema.parse({ ...period, kind: 'lead', filters: filtersList[1], row: { dims: { source: 'google', campaign: 'brand' } } });
    expect(listDeals(f.ws, q).total).toBe(0);
  });

  it("explains a deal: touches in order with every model's weight, excluded touches with reasons", () => {
    const f = world();
    const e = explain(f.ws, 'deal', 10);
    expect(e.touches.map((t) => [t.kind, t.source])).toEqual([
      ['call', 'google'],
      ['call', '(direct)'],
      ['crm_utm', 'yandex'],
    ]);
    expect(e.touches[0]!.weights.first).toBe(1);
    expect(e.touches[2]!.weights.last_non_direct).toBe(1);
    expect(e.touches.reduce((s, t) => s + (t.weights.position ?? 0), 0)).toBeCloseTo(1, 12);
    expect(e.excluded).toEqual([expect.objectContaining({ source: 'vk', reason: 'outside_window' })]);
    expect(e.unattributed).toBeNull();
    expect(() => explain(f.ws, 'deal', 999)).toThrow(/не найдена/);
  });

  it('names the stage and its semantic (won / lost / in progress) in the explanation and the deal list', () => {
    const f = world();
    f.ws.db.prepare("INSERT INTO b24_status (entity_id, status_id, name, semantics) VALUES ('DEAL_STAGE', 'LOSE', 'Сделка провалена', 'F'), ('DEAL_STAGE', 'WORK', 'В работе', NULL)").run();
    f.ws.db.prepare("UPDATE b24_deal SET stage_id = 'LOSE', stage_semantic = 'F', won_at = NULL WHERE id = 10").run();
    const e = explain(f.ws, 'deal', 10);
    expect(e).toMatchObject({ stage: 'Сделка провалена', outcome: 'lost', wonAt: null });
    f.ws.db.prepare("UPDATE b24_deal SET stage_id = 'WORK', stage_semantic = 'P' WHERE id = 10").run();
    expect(explain(f.ws, 'deal', 10)).toMatchObject({ stage: 'В работе', outcome: 'open' });
    expect(outcome('S')).toBe('won');
    expect(outcome(null)).toBe('open');
  });
});
