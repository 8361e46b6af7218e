// Data health on hand-built workspaces: every count is known, the records behind each check are
// exactly the ones counted, and the unattributed counts equal the report's unattributed row.
import { describe, expect, it } from 'vitest';
import { HealthRecordsSchema, type HealthCheckKey, type HealthRecordsQuery } from '../../src-shared/contract';
import { dimensionValues, healthRecords, healthSummary } from '../../src-main/engine/health';
import { DAY, Fixture, msk } from '../reports/fixture';

const P1 = '+79161234567';
const P2 = '+79031112233';
const P3 = '+79250000000';
const NOW = msk('2026-04-01');

function world(): Fixture {
  const f = new Fixture();
  const T = msk('2026-03-10');
  f.call(T - 2 * DAY, P1, ['Yandex', 'cpc', 'sofas']);
  f.call(T - 200 * DAY, P3, ['yandex.ru', 'cpc']); // outside the 90-day window
  f.request(T - DAY, 'a@b.ru', [' google ', 'cpc']);
  // leads: 1 has UTM + phone matched; 2 no UTM, shares P2 with 3; 3 no UTM; 4 no contact at all; 5 only an old call
  f.lead(1, T, { phone: P1, utm: ['yandex', 'cpc', 'sofas'] });
  f.lead(2, T + DAY, { phone: P2 });
  f.lead(3, T + 2 * DAY, { phone: P2 });
  f.lead(4, T + 3 * DAY, {});
  f.lead(5, T + 4 * DAY, { phone: P3 });
  f.contact(70, P1);
  f.contact(71, 'x');
  f.ws.db.prepare("INSERT INTO ident (owner, owner_id, kind, value) VALUES ('contact', 72, 'email', 'a@b.ru')").run();
  // deals: 10 via lead 1 (matched, amount); 11 via contact 72 e-mail (matched, no amount); 12 via lead 2 (unmatched, 0 amount); 13 bare
  f.deal(10, T + DAY, { leadId: 1, amount: '5000' });
  f.deal(11, T + DAY, { contactId: 72, amount: undefined });
  f.deal(12, T + 2 * DAY, { leadId: 2, amount: '0' });
  f.deal(13, T + 3 * DAY, { amount: '100.50', currency: 'USD' });
  // a deleted deal is counted nowhere
  f.deal(14, T + 3 * DAY, {});
  f.ws.db.prepare('UPDATE b24_deal SET deleted = 1 WHERE id = 14').run();
  return f;
}

const page = (check: HealthCheckKey, extra: Partial<HealthRecordsQuery> = {}) => HealthRecordsSchema.parse({ check, limit: 200, ...extra });

describe('data health', () => {
  it('counts each check over the workspace, deleted records excluded', () => {
    const f = world();
    const s = healthSummary(f.ws, NOW);
    const by = Object.fromEntries(s.checks.map((c) => [c.key, c]));
    expect(s.checks.map((c) => c.key)).toEqual([
      'leads_without_utm',
      'deals_unmatched',
      'deals_without_amount',
      'duplicate_phones',
      'unattributed_leads',
      'unattributed_deals',
      'deals_won_time_pending',
    ]);
    expect(by.deals_won_time_pending).toMatchObject({ count: 0 });
    expect(by.leads_without_utm).toMatchObject({ count: 4, total: 5 });
    expect(by.deals_unmatched).toMatchObject({ count: 2, total: 4 });
    expect(by.deals_without_amount).toMatchObject({ count: 2, total: 4 });
    expect(by.duplicate_phones).toMatchObject({ count: 1, total: 3 });
    expect(by.unattributed_leads).toMatchObject({ count: 4, total: 5, reasons: { no_contact: 1, no_match: 2, outside_window: 1 } });
    expect(by.unattributed_deals?.reasons).toEqual({ no_contact: 1, no_match: 1, outside_window: 0 });
    expect(s.computedAt).toBe(new Date(NOW).toISOString());
  });

  it('lists exactly the counted records, newest first, paged', () => {
    const f = world();
    const ids = (check: HealthCheckKey, extra: Partial<HealthRecordsQuery> = {}) => healthRecords(f.ws, page(check, extra)).items.map((r) => r.id);
    expect(ids('leads_without_utm')).toEqual([5, 4, 3, 2]);
    expect(ids('deals_unmatched')).toEqual([13, 12]);
    expect(ids('deals_without_amount')).toEqual([12, 11]);
    expect(ids('unattributed_leads', { reason: 'no_match' })).toEqual([3, 2]);
    expect(ids('unattributed_leads', { reason: 'outside_window' })).toEqual([5]);
    expect(ids('unattributed_deals', { reason: 'no_contact' })).toEqual([13]);

    const dup = healthRecords(f.ws, page('duplicate_phones'));
    expect(dup.items).toEqual([{ kind: 'phone', id: null, title: P2, at: new Date(msk('2026-03-12')).toISOString(), amount: null, reason: null, leadIds: [2, 3] }]);

    const unmatched = healthRecords(f.ws, page('deals_unmatched'));
    // 100.50 USD at the portal's 90 ₽
    expect(unmatched.items[0]).toMatchObject({ kind: 'deal', id: 13, amount: 9045, leadIds: [] });
    expect(unmatched.items[1]).toMatchObject({ id: 12, leadIds: [2] });

    const p1 = healthRecords(f.ws, page('leads_without_utm', { limit: 3 }));
    const p2 = healthRecords(f.ws, page('leads_without_utm', { limit: 3, offset: 3 }));
    expect(p1.total).toBe(4);
    expect([...p1.items, ...p2.items].map((r) => r.id)).toEqual([5, 4, 3, 2]);
  });

  it('says the same unattributed numbers as the report', () => {
    const f = world();
    const s = healthSummary(f.ws, NOW);
    const r = f.report({ from: '2025-01-01', to: '2026-12-31', groupBy: ['source'] });
    const row = r.rows.find((x) => x.unattributed);
    expect(row?.leads).toBeCloseTo(s.checks.find((c) => c.key === 'unattributed_leads')!.count, 9);
    expect(row?.deals).toBeCloseTo(s.checks.find((c) => c.key === 'unattributed_deals')!.count, 9);
    expect(r.totals.leads).toBeCloseTo(5, 9);
  });

  it('lists source and medium values as sent, trimmed, with record counts', () => {
    const f = world();
    f.cost('2026-03-05', 'yandex.ru', 'cpc', 'x', 100);
    const v = dimensionValues(f.ws.db, 500);
    const get = (d: 'source' | 'medium', value: string) => v.values.find((x) => x.dimension === d && x.value === value)?.records;
    expect(get('source', 'Yandex')).toBe(1);
    expect(get('source', 'yandex.ru')).toBe(2);
    expect(get('source', 'google')).toBe(1);
    expect(get('source', 'yandex')).toBe(1);
    expect(get('medium', 'cpc')).toBe(5);
    expect(v.truncated).toBe(false);
    const cut = dimensionValues(f.ws.db, 2);
    expect(cut.values).toHaveLength(2);
    expect(cut.truncated).toBe(true);
    expect(cut.values[0]).toEqual({ dimension: 'medium', value: 'cpc', records: 5 });
  });

  it('shows per source the share of calls and requests with a city, a device and a landing page', () => {
    const f = world();
    const db = f.ws.db;
    // call 1 (Yandex): all three; request 1 ( google ): city only; call 2 (yandex.ru): none
    db.prepare("UPDATE ct_call SET city = 'Москва', device = 'mobile', landing = 'https://example.ru/a/' WHERE id = 1").run();
    db.prepare("UPDATE ct_request SET city = 'Казань' WHERE id = 1").run();
    f.call(msk('2026-03-11'), '+79990000000', ['yandex', 'cpc']);
    db.prepare("UPDATE ct_call SET device = 'desktop' WHERE id = 3").run();
    f.call(msk('2026-03-11'), '+79990000001', [null, null]);
    const fill = healthSummary(f.ws, NOW).fill;
    // «Yandex» and «yandex» are one source, shown by its most frequent spelling; no source is last
    expect(fill.map((r) => r.source)).toEqual([expect.stringMatching(/^yandex$/i), 'google', 'yandex.ru', null]);
    expect(fill[0]).toMatchObject({ touches: 2, city: 1, device: 2, landing: 1 });
    expect(fill[1]).toMatchObject({ touches: 1, city: 1, device: 0, landing: 0 });
    expect(fill[2]).toMatchObject({ touches: 1, city: 0, device: 0, landing: 0 });
    expect(fill[3]).toMatchObject({ source: null, touches: 1, city: 0 });
  });
});
