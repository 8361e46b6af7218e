import { describe, expect, it } from 'vitest';
import { OptionsQuerySchema } from '../../src-shared/contract';
import { reportOptions } from '../../src-main/engine/reports/options';
import { Fixture, msk } from './fixture';

function world() {
  const f = new Fixture();
  const db = f.ws.db;
  db.prepare("INSERT INTO b24_category (id, name) VALUES (0, 'Продажи'), (3, 'Опт'), (7, 'Архив')").run();
  db.prepare("INSERT INTO b24_user (id, name) VALUES (11, 'Анна Смирнова'), (12, 'Олег Петров')").run();
  f.ws.updateMeta({ settings: { ...f.ws.settings, calltouch: { ...f.ws.settings.calltouch, sites: [{ siteId: 43769, name: 'Мебель', timeZone: 'Europe/Moscow', historyStart: null }, { siteId: 555, name: '', timeZone: 'Europe/Moscow', historyStart: null }] } } });
  f.call(msk('2026-03-02'), '+79160000001', ['Yandex', 'cpc', 'sofas']);
  f.call(msk('2026-03-03'), '+79160000002', ['google', 'cpc', 'brand']);
  f.lead(1, msk('2026-03-02', '13:00:00'), { phone: '+79160000001', assigned: 11 });
  f.lead(2, msk('2026-03-04'), { utm: ['yandex', 'cpc', 'beds'], assigned: 11 });
  f.deal(10, msk('2026-03-05'), { leadId: 1, category: 3, assigned: 12, wonAt: msk('2026-03-06'), amount: '5000' });
  f.deal(11, msk('2026-03-05'), { leadId: 2, category: 0, assigned: 11 });
  f.deal(12, msk('2026-02-01'), { category: 7, assigned: 12 }); // before the period
  f.cost('2026-03-01', 'vk', 'cpc', 'retarget', 300);
  return f;
}

const opts = (f: Fixture, from: string, to: string) => reportOptions(f.ws, OptionsQuerySchema.parse({ from, to }));

describe('reports:options', () => {
  it('offers the pipelines, responsibles and sites with activity in the period, busiest first, with names', () => {
    const o = opts(world(), '2026-03-01', '2026-03-31');
    expect(o.pipelines).toEqual([
      { id: 3, name: 'Опт', count: 1 },
      { id: 0, name: 'Продажи', count: 1 },
    ]);
    // Анна: 2 leads + 1 deal; Олег: 1 deal (his February deal is outside)
    expect(o.responsible).toEqual([
      { id: 11, name: 'Анна Смирнова', count: 3 },
      { id: 12, name: 'Олег Петров', count: 1 },
    ]);
    // a configured site without a name or activity is still offered, after the busy one
    expect(o.sites).toEqual([
      { id: 43769, name: 'Мебель', count: 2 },
      { id: 555, name: null, count: 0 },
    ]);
  });

  it('takes dimension values from credited touches, tracking and costs, normalised like the reports', () => {
    const o = opts(world(), '2026-03-01', '2026-03-31');
    const sources = o.dimensions.source.map((v) => v.id);
    // 'Yandex' from the call and 'yandex' from the lead's UTM are one value, shown as the most
    // frequent spelling (one each: the tie goes to the first in code point order)
    expect(sources).toContain('Yandex');
    expect(sources).not.toContain('yandex');
    expect(sources).toContain('google');
    expect(sources).toContain('vk'); // spend only
    expect(o.dimensions.source[0]!.id).toBe('Yandex');
    expect(o.dimensions.source.find((v) => v.id === 'vk')!.count).toBe(0);
    expect(o.dimensions.campaign.map((v) => v.id).sort()).toEqual(['beds', 'brand', 'retarget', 'sofas']);
  });

  it('narrows to the period', () => {
    const o = opts(world(), '2026-02-01', '2026-02-10');
    expect(o.pipelines).toEqual([{ id: 7, name: 'Архив', count: 1 }]);
    expect(o.responsible).toEqual([{ id: 12, name: 'Олег Петров', count: 1 }]);
    expect(o.sites.every((s) => s.count === 0)).toBe(true);
    expect(o.dimensions.source).toEqual([]);
  });

  it('rejects a period that ends before it starts', () => {
    expect(OptionsQuerySchema.safeParse({ from: '2026-03-02', to: '2026-03-01' }).success).toBe(false);
  });
});
