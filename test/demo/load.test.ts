import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../src-main/engine/db/open';
import { DEMO_SITE_ID, loadDemo, type DemoStats } from '../../src-main/engine/demo';

const NOW = Date.parse('2026-03-31T09:30:00Z');
const DAY = 86_400_000;

let db: Db;
let stats: DemoStats;
let ms = 0;
const progress: { stage: string; done: number; total: number }[] = [];

beforeAll(async () => {
  db = openDatabase(':memory:');
  const t = performance.now();
  stats = await loadDemo(db, { size: 'small', seed: 7, timeZone: 'Europe/Moscow', now: NOW, onProgress: (p) => progress.push(p) });
  ms = performance.now() - t;
});
afterAll(() => closeDatabase(db));

const one = <T>(sql: string, ...args: unknown[]) => db.prepare(sql).get(...args) as T;
const n = (sql: string, ...args: unknown[]) => one<{ n: number }>(sql, ...args).n;

describe('loadDemo small', () => {
  it('loads quickly with the expected orders of magnitude', () => {
    expect(ms).toBeLessThan(5000);
    expect(stats.leads).toBeGreaterThan(1500);
    expect(stats.leads).toBeLessThan(2500);
    expect(stats.deals).toBeGreaterThan(350);
    expect(stats.deals).toBeLessThan(1000);
    expect(stats.contacts).toBeGreaterThan(350);
    expect(stats.calls).toBeGreaterThan(2000);
    expect(stats.calls).toBeLessThan(4500);
    expect(stats.requests).toBeGreaterThan(500);
    expect(stats.requests).toBeLessThan(2000);
    expect(stats.costRows).toBeGreaterThan(1000);
  });

  it('every generated record reached its table', () => {
    expect(n('SELECT COUNT(*) n FROM b24_lead')).toBe(stats.leads);
    expect(n('SELECT COUNT(*) n FROM b24_deal')).toBe(stats.deals);
    expect(n('SELECT COUNT(*) n FROM b24_contact')).toBe(stats.contacts);
    expect(n('SELECT COUNT(*) n FROM ct_call WHERE site_id = ?', DEMO_SITE_ID)).toBe(stats.calls);
    expect(n('SELECT COUNT(*) n FROM ct_request WHERE site_id = ?', DEMO_SITE_ID)).toBe(stats.requests);
    expect(n('SELECT COUNT(*) n FROM cost')).toBe(stats.costRows);
    expect(one('SELECT origin, rows FROM cost_batch')).toEqual({ origin: 'demo', rows: stats.costRows });
    expect(n('SELECT COUNT(*) n FROM cost WHERE batch_id IS NULL')).toBe(0);
    expect(n('SELECT COUNT(*) n FROM b24_status')).toBeGreaterThan(20);
    expect(n('SELECT COUNT(*) n FROM b24_category')).toBe(2);
    expect(n('SELECT COUNT(*) n FROM b24_user')).toBe(6);
    expect(one('SELECT amount, base FROM b24_currency WHERE code = ?', 'USD')).toEqual({ amount: '90.5', base: 0 });
  });

  it('records the demo in meta', () => {
    const meta = JSON.parse(one<{ value: string }>('SELECT value FROM meta WHERE key = ?', 'demo').value) as Record<string, unknown>;
    expect(meta).toMatchObject({ size: 'small', seed: 7, now: NOW, calltouch: { siteId: DEMO_SITE_ID, timeZone: 'Europe/Moscow' } });
  });

  it('reports progress per stage, ending at the stage total', () => {
    const stages = [...new Set(progress.map((p) => p.stage))];
    expect(stages).toEqual(['dictionaries', 'leads', 'contacts', 'deals', 'calls', 'requests', 'costRows']);
    const lastLeads = progress.filter((p) => p.stage === 'leads').at(-1);
    expect(lastLeads).toEqual({ stage: 'leads', done: stats.leads, total: stats.leads });
    for (const p of progress) expect(p.done).toBeLessThanOrEqual(p.total);
  });

  it('matching has real work: most leads share a phone or e-mail with an earlier call or request', () => {
    const total = n('SELECT COUNT(*) n FROM b24_lead');
    const withIdent = n("SELECT COUNT(DISTINCT owner_id) n FROM ident WHERE owner = 'lead'");
    const inWindow = n(
      `SELECT COUNT(*) n FROM b24_lead l WHERE EXISTS (
         SELECT 1 FROM ident li
         JOIN ident ti ON ti.value = li.value AND ti.owner IN ('call', 'request')
         LEFT JOIN ct_call c ON ti.owner = 'call' AND c.id = ti.owner_id
         LEFT JOIN ct_request r ON ti.owner = 'request' AND r.id = ti.owner_id
         WHERE li.owner = 'lead' AND li.owner_id = l.id
           AND coalesce(c.at, r.at) BETWEEN l.created_at - 90 * ${DAY} AND l.created_at + 600000)`,
    );
    const anyMatch = n(
      `SELECT COUNT(*) n FROM b24_lead l WHERE EXISTS (
         SELECT 1 FROM ident li JOIN ident ti ON ti.value = li.value AND ti.owner IN ('call', 'request')
         WHERE li.owner = 'lead' AND li.owner_id = l.id)`,
    );
    expect(withIdent / total).toBeGreaterThan(0.8);
    expect(withIdent / total).toBeLessThan(0.97);
    expect(inWindow / total).toBeGreaterThan(0.45);
    expect(inWindow / total).toBeLessThan(0.75);
    // some match only outside the window
    expect(anyMatch - inWindow).toBeGreaterThan(total * 0.03);
    // a good share of calls come from people who are leads…
    const callsOfLeads = n(
      "SELECT COUNT(DISTINCT ti.owner_id) n FROM ident ti JOIN ident li ON li.value = ti.value AND li.owner = 'lead' WHERE ti.owner = 'call'",
    );
    expect(callsOfLeads / stats.calls).toBeGreaterThan(0.3);
    // …and many are not (non-converting paths)
    expect(callsOfLeads / stats.calls).toBeLessThan(0.85);
  });

  it('deals: two pipelines, won ≈ 30 % of closed, repeat customers, contacts that match touches', () => {
    const won = n("SELECT COUNT(*) n FROM b24_deal WHERE stage_semantic = 'S'");
    const lost = n("SELECT COUNT(*) n FROM b24_deal WHERE stage_semantic = 'F'");
    expect(won / (won + lost)).toBeGreaterThan(0.2);
    expect(won / (won + lost)).toBeLessThan(0.4);
    expect(n('SELECT COUNT(*) n FROM b24_deal WHERE stage_semantic = ? AND won_at IS NULL', 'S')).toBe(0);
    expect(n('SELECT COUNT(*) n FROM b24_deal WHERE won_at < created_at')).toBe(0);
    expect(n('SELECT COUNT(DISTINCT category_id) n FROM b24_deal')).toBe(2);
    expect(n('SELECT COUNT(*) n FROM b24_deal WHERE lead_id IS NULL')).toBeGreaterThan(20);
    expect(n("SELECT COUNT(*) n FROM b24_deal WHERE currency_id = 'USD'")).toBeGreaterThan(0);
    expect(n('SELECT COUNT(*) n FROM b24_deal WHERE opportunity IS NULL')).toBeGreaterThan(0);
    expect(n('SELECT COUNT(*) n FROM b24_deal WHERE lead_id IS NOT NULL AND lead_id NOT IN (SELECT id FROM b24_lead)')).toBe(0);
    expect(n('SELECT COUNT(*) n FROM b24_deal_contact WHERE contact_id NOT IN (SELECT id FROM b24_contact)')).toBe(0);
    const matched = n(
      `SELECT COUNT(*) n FROM b24_deal d WHERE EXISTS (
         SELECT 1 FROM b24_deal_contact dc
         JOIN ident ci ON ci.owner = 'contact' AND ci.owner_id = dc.contact_id
         JOIN ident ti ON ti.value = ci.value AND ti.owner IN ('call', 'request')
         WHERE dc.deal_id = d.id)`,
    );
    expect(matched / stats.deals).toBeGreaterThan(0.4);
    // deal leads' statuses agree: a lead with a deal is converted
    expect(n("SELECT COUNT(*) n FROM b24_deal d JOIN b24_lead l ON l.id = d.lead_id WHERE l.status_semantic <> 'S'")).toBe(0);
  });

  it('Calltouch rows: dimensions, flags and Moscow instants', () => {
    expect(n("SELECT COUNT(*) n FROM ct_call WHERE source = 'yandex' AND medium = 'cpc' AND term IS NOT NULL")).toBeGreaterThan(100);
    expect(n("SELECT COUNT(*) n FROM ct_call WHERE source = '(direct)'")).toBeGreaterThan(100);
    expect(n('SELECT COUNT(*) n FROM ct_request WHERE source IS NULL')).toBeGreaterThan(0);
    expect(n('SELECT COUNT(*) n FROM ct_call WHERE uniq_target_call = 1')).toBeGreaterThan(100);
    expect(n('SELECT COUNT(*) n FROM ct_call WHERE at > ? OR at < ?', NOW, NOW - 366 * DAY)).toBe(0);
    const raw = JSON.parse(one<{ raw: string }>('SELECT raw FROM ct_call LIMIT 1').raw) as Record<string, unknown>;
    expect(raw).toHaveProperty('callId');
    expect(Object.values(raw)).not.toContain(null);
  });

  it('loading the same demo again changes nothing', async () => {
    const counts = () =>
      ['b24_lead', 'b24_deal', 'b24_contact', 'b24_deal_contact', 'ct_call', 'ct_request', 'ident', 'cost'].map((t) => n(`SELECT COUNT(*) n FROM ${t}`));
    const before = counts();
    const ids = db.prepare('SELECT id, call_id FROM ct_call ORDER BY id LIMIT 50').all();
    const again = await loadDemo(db, { size: 'small', seed: 7, timeZone: 'Europe/Moscow', now: NOW });
    expect(again).toEqual(stats);
    expect(counts()).toEqual(before);
    expect(db.prepare('SELECT id, call_id FROM ct_call ORDER BY id LIMIT 50').all()).toEqual(ids);
  });
});
