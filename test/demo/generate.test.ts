import { describe, expect, it } from 'vitest';
import { DEMO_SITE_ID, generateDemo } from '../../src-main/engine/demo';
import type { B24LeadRaw } from '../../src-main/engine/sources/bitrix24/api-types';

const NOW = Date.parse('2026-03-31T09:30:00Z');
const DMY = /^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

function firstPage<T = unknown>(it: Iterable<T[]>): T[] {
  for (const page of it) return page;
  return [];
}
const streams = (g: ReturnType<typeof generateDemo>): Record<string, () => Iterable<unknown[]>> => ({
  leads: () => g.leads(),
  deals: () => g.deals(),
  contacts: () => g.contacts(),
  calls: () => g.calls(),
  requests: () => g.requests(),
  costs: () => g.costs(),
});
function all<T>(it: Iterable<T[]>): T[] {
  const out: T[] = [];
  for (const page of it) out.push(...page);
  return out;
}

const demo = generateDemo({ size: 'small', seed: 42, now: NOW });
const leads = all(demo.leads());
const deals = all(demo.deals());
const contacts = all(demo.contacts());
const calls = all(demo.calls());
const requests = all(demo.requests());

describe('determinism', () => {
  it('same seed and now → byte-identical pages of every stream', () => {
    const again = generateDemo({ size: 'small', seed: 42, now: NOW });
    const a = streams(again);
    const b = streams(demo);
    for (const [name, make] of Object.entries(a)) {
      expect(JSON.stringify(firstPage(make())), name).toBe(JSON.stringify(firstPage(b[name]?.() ?? [])));
    }
    expect(JSON.stringify(all(again.calls()))).toBe(JSON.stringify(calls));
    expect(JSON.stringify(again.dictionaries)).toBe(JSON.stringify(demo.dictionaries));
  });

  it('a stream can be iterated again and gives the same records', () => {
    expect(JSON.stringify(all(demo.deals()))).toBe(JSON.stringify(deals));
  });

  it('a different seed → a different world', () => {
    const other = generateDemo({ size: 'small', seed: 43, now: NOW });
    const a = streams(other);
    const b = streams(demo);
    for (const [name, make] of Object.entries(a)) {
      expect(JSON.stringify(firstPage(make())), name).not.toBe(JSON.stringify(firstPage(b[name]?.() ?? [])));
    }
  });
});

describe('API shapes', () => {
  it('crm.lead.list rows: strings everywhere, "" and null both used for empty', () => {
    for (const l of leads.slice(0, 300)) {
      expect(typeof l.ID).toBe('string');
      expect(l.ID).toMatch(/^\d+$/);
      for (const [k, v] of Object.entries(l)) {
        if (k === 'PHONE' || k === 'EMAIL') continue;
        expect(v === null || typeof v === 'string', k).toBe(true);
      }
      expect(l.DATE_CREATE).toMatch(ISO);
      for (const f of [...(l.PHONE ?? []), ...(l.EMAIL ?? [])]) {
        expect(Object.keys(f).sort()).toEqual(['ID', 'TYPE_ID', 'VALUE', 'VALUE_TYPE']);
        expect(typeof f.ID).toBe('string');
      }
    }
    const values = (pick: (l: B24LeadRaw) => unknown) => new Set(leads.map(pick));
    expect(values((l) => l.UTM_CONTENT).has('')).toBe(true);
    expect(values((l) => l.UTM_CONTENT).has(null)).toBe(true);
    expect(leads.some((l) => !('PHONE' in l))).toBe(true);
    expect(leads.some((l) => Array.isArray(l.PHONE) && l.PHONE.length === 0)).toBe(true);
    const phones = leads.flatMap((l) => (l.PHONE ?? []).map((p) => p.VALUE));
    expect(phones.some((p) => /^8\d{10}$/.test(p))).toBe(true);
    expect(phones.some((p) => /^\+7 \(9\d\d\) \d{3}-\d\d-\d\d$/.test(p))).toBe(true);
    expect(phones.some((p) => /^\+79\d{9}$/.test(p))).toBe(true);
    expect(new Set(leads.map((l) => l.STATUS_SEMANTIC_ID))).toEqual(new Set(['P', 'S', 'F']));
    expect(leads.some((l) => l.UTM_SOURCE === 'офлайн-визит')).toBe(true);
  });

  it('ids ascend with creation time', () => {
    const ids = leads.map((l) => Number(l.ID));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const created = leads.map((l) => Date.parse(l.DATE_CREATE));
    expect(created).toEqual([...created].sort((a, b) => a - b));
    const dealIds = deals.map((d) => d.id);
    expect(dealIds).toEqual([...dealIds].sort((a, b) => a - b));
    expect(new Set(dealIds).size).toBe(dealIds.length);
  });

  it('crm.item.list deals: numbers, camelCase, contactIds, both pipelines', () => {
    for (const d of deals) {
      expect(typeof d.id).toBe('number');
      expect(Array.isArray(d.contactIds)).toBe(true);
      expect(['P', 'S', 'F']).toContain(d.stageSemanticId);
      expect(d.closed).toBe(d.stageSemanticId === 'P' ? 'N' : 'Y');
      if (d.categoryId === 1) expect(d.stageId.startsWith('C1:')).toBe(true);
      expect(d.createdTime).toMatch(ISO);
      expect(d.opportunity === null || typeof d.opportunity === 'number').toBe(true);
    }
    expect(new Set(deals.map((d) => d.categoryId))).toEqual(new Set([0, 1]));
    expect(deals.some((d) => d.currencyId === 'USD')).toBe(true);
    expect(deals.some((d) => d.leadId === null)).toBe(true);
  });

  it('deals point at leads and contacts that exist', () => {
    const leadIds = new Set(leads.map((l) => Number(l.ID)));
    const contactIds = new Set(contacts.map((c) => Number(c.ID)));
    for (const d of deals) {
      if (d.leadId !== null) expect(leadIds.has(d.leadId)).toBe(true);
      for (const c of d.contactIds) expect(contactIds.has(c)).toBe(true);
    }
  });

  it('calls: dd/mm/yyyy dates, 7XXXXXXXXXX callers, flat UTMs, quirky booleans', () => {
    for (const c of calls) {
      expect(c.date).toMatch(DMY);
      expect(c.callerNumber).toMatch(/^(7\d{10})?$/);
      expect(c.siteId).toBe(DEMO_SITE_ID);
    }
    expect(calls.some((c) => typeof c.successful === 'string')).toBe(true);
    expect(calls.some((c) => c.successful === 'True' || c.successful === 'true')).toBe(true);
    expect(calls.some((c) => typeof c.callId === 'string')).toBe(true);
    expect(calls.some((c) => c.utmSource === 'yandex' && c.utmMedium === 'cpc' && typeof c.utmTerm === 'string')).toBe(true);
    const ids = calls.map((c) => Number(c.callId));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('requests: epoch-ms date + dateStr, UTMs under session (sometimes null), client phones and e-mails', () => {
    for (const r of requests) {
      expect(typeof r.date).toBe('number');
      expect(r.date).toBeGreaterThan(Date.parse('2025-03-01'));
      expect(r.date).toBeLessThan(NOW);
      expect(r.dateStr).toMatch(DMY);
      expect(r).not.toHaveProperty('utmSource');
    }
    expect(requests.some((r) => r.session === null)).toBe(true);
    expect(requests.some((r) => typeof r.session?.keywords === 'string')).toBe(true);
    expect(requests.some((r) => (r.client?.contacts ?? []).some((c) => c.contactValue.includes('@')))).toBe(true);
    expect(requests.some((r) => (r.client?.phones ?? []).length > 0)).toBe(true);
  });

  it('dictionaries as crm.status.list / crm.category.list / crm.currency.list / user.get', () => {
    const d = demo.dictionaries;
    const entities = new Set(d.statuses.map((s) => s.ENTITY_ID));
    expect(entities).toEqual(new Set(['SOURCE', 'STATUS', 'DEAL_STAGE', 'DEAL_STAGE_1']));
    expect(d.statuses.filter((s) => s.ENTITY_ID === 'DEAL_STAGE_1').every((s) => s.STATUS_ID.startsWith('C1:'))).toBe(true);
    expect(d.statuses.find((s) => s.STATUS_ID === 'WON')?.SEMANTICS).toBe('S');
    expect(d.statuses.find((s) => s.STATUS_ID === 'APOLOGY')?.SEMANTICS).toBe('F');
    expect(d.statuses.every((s) => typeof s.SORT === 'string')).toBe(true);
    expect(d.categories.map((c) => [c.id, c.name])).toEqual([
      [0, 'Основная'],
      [1, 'Опт'],
    ]);
    expect(d.currencies.map((c) => [c.CURRENCY, c.BASE])).toEqual([
      ['RUB', 'Y'],
      ['USD', 'N'],
      ['EUR', 'N'],
    ]);
    expect(d.users.length).toBeGreaterThanOrEqual(6);
    // every stage and user a deal uses is in the dictionaries
    const stageIds = new Set(d.statuses.map((s) => s.STATUS_ID));
    const userIds = new Set(d.users.map((u) => Number(u.ID)));
    for (const deal of deals) {
      expect(stageIds.has(deal.stageId)).toBe(true);
      expect(userIds.has(deal.assignedById ?? -1)).toBe(true);
    }
    for (const l of leads) if (l.SOURCE_ID) expect(stageIds.has(l.SOURCE_ID)).toBe(true);
  });

  it('costs: daily rows per paid campaign in RUB', () => {
    const costs = all(demo.costs());
    expect(costs.length).toBeGreaterThan(1000);
    for (const c of costs.slice(0, 500)) {
      expect(c.day).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(c.currency).toBe('RUB');
      expect(c.amount).toBeGreaterThan(0);
    }
    expect(new Set(costs.map((c) => c.source))).toEqual(new Set(['yandex', 'google', 'vk', 'telegram', 'avito']));
    expect(costs.some((c) => c.term === 'купить диван')).toBe(true);
    expect(costs[0]?.day).toBe(demo.from);
    expect(costs[costs.length - 1]?.day).toBe(demo.to);
  });
});

describe('time', () => {
  it('the world is the 365 days ending today; nothing after now', () => {
    expect(demo.from).toBe('2025-04-01');
    expect(demo.to).toBe('2026-03-31');
    const last = (xs: number[]) => Math.max(...xs);
    expect(last(leads.map((l) => Date.parse(l.DATE_MODIFY)))).toBeLessThanOrEqual(NOW);
    expect(last(deals.map((d) => Date.parse(d.updatedTime)))).toBeLessThanOrEqual(NOW);
    expect(last(requests.map((r) => r.date))).toBeLessThan(NOW);
  });

  it('Bitrix24 dates carry the portal zone; Calltouch dates stay Moscow wall time', () => {
    const ekb = generateDemo({ size: 'small', seed: 42, now: NOW, timeZone: 'Asia/Yekaterinburg' });
    expect(firstPage(ekb.leads())[0]?.DATE_CREATE).toMatch(/\+05:00$/);
    expect(firstPage(demo.leads())[0]?.DATE_CREATE).toMatch(/\+03:00$/);
    const r = firstPage(ekb.requests())[0];
    expect(r).toBeDefined();
    if (!r) return;
    const [dd, mm, yyyy, hh, mi, ss] = r.dateStr.split(/[/ :]/).map(Number);
    expect(Date.UTC(yyyy ?? 0, (mm ?? 1) - 1, dd, (hh ?? 0) - 3, mi, ss)).toBe(r.date);
  });

  it('pages never exceed the page size', () => {
    const small = generateDemo({ size: 'small', seed: 1, now: NOW, pageSize: 250 });
    let pages = 0;
    for (const page of small.calls()) {
      expect(page.length).toBeLessThanOrEqual(250);
      expect(page.length).toBeGreaterThan(0);
      pages++;
    }
    expect(pages).toBeGreaterThan(4);
  });
});

describe('stage history', () => {
  it('one creation item per deal, the move to a final stage at movedTime', () => {
    const items = all(demo.stageHistory());
    expect(items.filter((i) => i.TYPE_ID === 1)).toHaveLength(deals.length);
    const won = deals.filter((d) => d.stageSemanticId === 'S');
    for (const d of won.slice(0, 50)) {
      const move = items.find((i) => i.OWNER_ID === d.id && i.TYPE_ID === 3);
      expect(move).toMatchObject({ STAGE_ID: d.stageId, STAGE_SEMANTIC_ID: 'S', CREATED_TIME: d.movedTime });
    }
  });
});
