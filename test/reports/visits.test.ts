import { describe, expect, it } from 'vitest';
import { DAY, Fixture, msk } from './fixture';

const P = '+79031112233';
const OFFLINE = 'офлайн-визит';

describe('offline visits in reports (REPORTS.md "Visit")', () => {
  it("a visit is a conversion of its own, credited to the client's earlier call", () => {
    const f = new Fixture();
    const T = msk('2026-05-20');
    f.call(T - 5 * DAY, P, ['yandex', 'cpc', 'sofas']);
    f.visit(1, T, { phones: [P], revenue: '15000.50' });
    const r = f.report({ from: '2026-05-01', to: '2026-05-31' });
    expect(r.rows.find((x) => x.source === 'yandex')).toMatchObject({ visits: 1, visitRevenue: 15000.5, leads: 0 });
    expect(r.totals.visits).toBe(1);
  });

  it('without a matching call or request it is recorded as «офлайн-визит»', () => {
    const f = new Fixture();
    f.visit(1, msk('2026-05-20'), { emails: ['anna@example.ru'], revenue: '900' });
    const r = f.report({ from: '2026-05-01', to: '2026-05-31', groupBy: ['source', 'medium', 'campaign'] });
    expect(r.rows).toEqual([expect.objectContaining({ source: OFFLINE, medium: OFFLINE, campaign: OFFLINE, visits: 1, visitRevenue: 900 })]);
  });

  it('takes the configured fallback source, and recomputes when it is changed', () => {
    const f = new Fixture();
    f.visit(1, msk('2026-05-20'), { emails: ['anna@example.ru'], revenue: '900' });
    expect(f.report({ from: '2026-05-01', to: '2026-05-31' }).rows.map((r) => r.source)).toEqual([OFFLINE]);
    const s = f.ws.settings;
    f.ws.updateMeta({ settings: { ...s, visits: { ...s.visits, customSource: { source: 'салон', medium: 'offline', campaign: 'витрина' } } } });
    const r = f.report({ from: '2026-05-01', to: '2026-05-31', groupBy: ['source', 'medium', 'campaign'] });
    expect(r.rows).toEqual([expect.objectContaining({ source: 'салон', medium: 'offline', campaign: 'витрина', visits: 1, visitRevenue: 900 })]);
  });

  it("is a `visit` touch for the client's later CRM lead, and appears in reports at once (incremental)", () => {
    const f = new Fixture();
    const T = msk('2026-05-20');
    f.call(T - 30 * DAY, P, ['google', 'cpc']);
    expect(f.report({ from: '2026-05-01', to: '2026-05-31' }).totals.visits).toBe(0);
    f.visit(1, T, { phones: [P], revenue: '100' });
    f.lead(7, T + DAY, { phone: P });
    const r = f.report({ from: '2026-05-01', to: '2026-05-31' });
    expect(r.totals.visits).toBe(1);
    // last touch before the lead is the visit (non-direct): the lead goes to «офлайн-визит»
    expect(r.rows.find((x) => x.source === OFFLINE)?.leads).toBe(1);
    const first = f.report({ from: '2026-05-01', to: '2026-05-31', model: 'first' });
    expect(first.rows.find((x) => x.source === 'google')?.leads).toBe(1);
  });

  it('is not counted twice when it created a Bitrix24 deal, nor when cancelled', () => {
    const f = new Fixture();
    f.visit(1, msk('2026-05-20'), { phones: [P], revenue: '100', b24Deal: 55 });
    f.visit(2, msk('2026-05-21'), { phones: ['+79035556677'], revenue: '100', cancelled: true });
    expect(f.report({ from: '2026-05-01', to: '2026-05-31' }).totals.visits).toBe(0);
  });
});
