import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src-shared/metrics';
import { Materialiser, ensureAttribution } from '../../src-main/engine/attribution/materialise';
import { DAY, Fixture, msk } from './fixture';

function snapshotReports(f: Fixture) {
  return MODELS.filter((m) => m !== 'markov').flatMap((model) =>
    (['event', 'cohort'] as const).map((basis) => f.report({ from: '2026-01-01', to: '2026-06-30', model, basis, groupBy: ['source', 'campaign'] })),
  );
}

function seed(f: Fixture, n: number, offset = 0) {
  for (let i = 0; i < n; i++) {
    const id = offset + i + 1;
    const phone = `+7925${String(2000000 + id).padStart(7, '0')}`;
    const T = msk('2026-02-01') + id * 20 * 3600_000;
    f.call(T - 3 * DAY, phone, [['yandex', 'google', 'vk'][id % 3]!, 'cpc', `c${id % 4}`]);
    if (id % 2) f.call(T - DAY, phone, ['(direct)', '(none)']);
    f.lead(id, T, { phone, assigned: id % 3 });
    if (id % 3 === 0) f.deal(500 + id, T + DAY, { leadId: id, wonAt: id % 2 ? T + 5 * DAY : undefined, amount: String(100 * id), category: id % 2, assigned: id % 3 });
  }
}

describe('materialised attribution', () => {
  it('incremental recompute after new and changed inputs equals a full recompute', () => {
    const f = new Fixture();
    seed(f, 30);
    f.report({ from: '2026-01-01', to: '2026-01-31' }); // first run: full
    // changes: new leads and calls, a new touch for an existing lead's phone, a deal won, a lead deleted
    seed(f, 10, 100);
    f.call(msk('2026-02-01') + 5 * 20 * 3600_000 - 2 * DAY, `+7925${String(2000005).padStart(7, '0')}`, ['telegram', 'social']);
    f.ws.db.prepare('UPDATE b24_deal SET won_at = ?, stage_semantic = ? WHERE id = ?').run(msk('2026-03-20'), 'S', 506);
    f.ws.db.prepare('UPDATE b24_lead SET deleted = 1 WHERE id = 7').run();
    const stats = ensureAttribution(f.ws.db, f.ws.settings);
    expect(stats?.full).toBe(false);
    expect(stats?.conversions).toBeGreaterThan(10);
    const incremental = snapshotReports(f);
    new Materialiser(f.ws.db, f.ws.settings).full();
    const full = snapshotReports(f);
    expect(incremental.length).toBe(full.length);
    incremental.forEach((r, i) => {
      expect(r.totals.leads).toBeCloseTo(full[i]!.totals.leads, 9);
      expect(r.rows.length).toBe(full[i]!.rows.length);
      const key = (x: { source?: string | null; campaign?: string | null; unattributed: boolean }) => `${x.source}|${x.campaign}|${x.unattributed}`;
      const byKey = new Map(full[i]!.rows.map((x) => [key(x), x]));
      r.rows.forEach((row) => {
        const other = byKey.get(key(row))!;
        expect(other).toBeDefined();
        for (const k of ['leads', 'deals', 'wonDeals', 'revenue', 'calls'] as const) expect(row[k]).toBeCloseTo(other[k], 6);
      });
    });
  });

  it('a call whose city, device or landing page changes moves its credit incrementally, as a full recompute would (issue 19)', () => {
    const f = new Fixture();
    f.ws.updateMeta({ settings: { ...f.ws.settings, normalisation: { ...f.ws.settings.normalisation, touchDetails: true } } });
    seed(f, 12);
    const city = (id: number, c: string | null, device: string | null, landing: string | null) =>
      f.ws.db.prepare('UPDATE ct_call SET city = ?, device = ?, landing = ? WHERE id = ?').run(c, device, landing, id);
    for (let id = 1; id <= 6; id++) city(id, id % 2 ? 'Москва' : 'Тула', 'mobile', 'https://example.ru/a/?x=1');
    const q = { from: '2026-01-01', to: '2026-06-30', groupBy: ['city', 'device', 'landing'] as ('city' | 'device' | 'landing')[] };
    f.report(q);
    city(1, 'Казань', 'desktop', 'https://example.ru/b/');
    city(2, null, null, null);
    const stats = ensureAttribution(f.ws.db, f.ws.settings);
    expect(stats?.full).toBe(false);
    const incremental = MODELS.filter((m) => m !== 'markov').map((model) => f.report({ ...q, model }));
    new Materialiser(f.ws.db, f.ws.settings).full();
    const full = MODELS.filter((m) => m !== 'markov').map((model) => f.report({ ...q, model }));
    const key = (x: { city?: string | null; device?: string | null; landing?: string | null; unattributed: boolean }) => `${x.city}|${x.device}|${x.landing}|${x.unattributed}`;
    incremental.forEach((r, i) => {
      expect(r.rows.map(key).sort()).toEqual(full[i]!.rows.map(key).sort());
      const byKey = new Map(full[i]!.rows.map((x) => [key(x), x]));
      for (const row of r.rows) for (const k of ['leads', 'deals', 'calls'] as const) expect(row[k]).toBeCloseTo(byKey.get(key(row))![k], 9);
    });
    expect(full[0]!.rows.map((r) => r.city)).toEqual(expect.arrayContaining(['Казань', 'Москва', 'Тула', null]));
    expect(full[0]!.rows.find((r) => r.city === 'Казань')).toMatchObject({ device: 'desktop', landing: '/b/' });
  });

  it('changing normalisation rules triggers a full recompute (aliases merge sources)', () => {
    const f = new Fixture();
    f.lead(1, msk('2026-03-05'), { utm: ['Yandex.ru', 'cpc'] });
    f.lead(2, msk('2026-03-05'), { utm: ['yandex', 'cpc'] });
    // case-insensitive values keep the spelling they were typed in
    expect(f.report({ from: '2026-03-01', to: '2026-03-31' }).rows.map((r) => r.source).sort()).toEqual(['Yandex.ru', 'yandex']);
    f.ws.updateMeta({ settings: { ...f.ws.settings, normalisation: { ...f.ws.settings.normalisation, aliases: { 'yandex.ru': 'yandex' } } } });
    const r = f.report({ from: '2026-03-01', to: '2026-03-31' });
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]).toMatchObject({ source: 'yandex', leads: 2 });
  });

  it('filters by responsible and pipeline read the conversion table and agree with the unfiltered totals', () => {
    const f = new Fixture();
    seed(f, 30);
    const all = f.report({ from: '2026-01-01', to: '2026-06-30' });
    const parts = [0, 1, 2].map((a) => f.report({ from: '2026-01-01', to: '2026-06-30', filters: { responsible: [a] } }));
    expect(parts.reduce((s, p) => s + p.totals.leads, 0)).toBeCloseTo(all.totals.leads, 9);
    expect(parts.reduce((s, p) => s + p.totals.deals, 0)).toBeCloseTo(all.totals.deals, 9);
    const pipes = [0, 1].map((c) => f.report({ from: '2026-01-01', to: '2026-06-30', filters: { pipelines: [c] } }));
    expect(pipes[0]!.totals.deals + pipes[1]!.totals.deals).toBeCloseTo(all.totals.deals, 9);
    expect(pipes[0]!.totals.leads).toBe(all.totals.leads); // leads have no pipeline
  });
});
