import { describe, expect, it } from 'vitest';
import { PALETTES, buildBarOptions, buildCostRevenueData, buildSourceBarData, sourceTotals, wrapLabel } from '../../src-renderer/lib/charts';
import { row } from './rows';

const labels = { leads: 'Лиды', revenue: 'Выручка', notSet: '(не задано)', unattributed: 'Без атрибуции', others: 'Другие' };
const palette = PALETTES.light;

describe('chart builders', () => {
  it('sums rows grouped by source and medium into sources', () => {
    const totals = sourceTotals(
      [
        row({ source: 'yandex', medium: 'cpc' }, { leads: 10, revenue: 1000 }),
        row({ source: 'yandex', medium: 'organic' }, { leads: 2.5, revenue: 0 }),
        row({ source: null, medium: null }, { leads: 1 }),
        row({}, { leads: 3, revenue: 50 }, true),
      ],
      labels,
    );
    expect(totals).toEqual([
      { label: 'yandex', unattributed: false, leads: 12.5, revenue: 1000, cost: 0, key: 's:yandex' },
      { label: '(не задано)', unattributed: false, leads: 1, revenue: 0, cost: 0, key: 's:' },
      { label: 'Без атрибуции', unattributed: true, leads: 3, revenue: 50, cost: 0, key: '\u0000u' },
    ]);
  });

  it('lays the comparison period beside each source, lighter, with «Другие» summed the same way', () => {
    const rows = [row({ source: 'a' }, { leads: 9, revenue: 100 }), row({ source: 'b' }, { leads: 5, revenue: 50 }), row({ source: 'c' }, { leads: 1, revenue: 1 }), row({ source: 'd' }, { leads: 1, revenue: 1 })];
    const prev = [row({ source: 'a' }, { leads: 3, revenue: 30 }), row({ source: 'c' }, { leads: 2, revenue: 5 }), row({ source: 'd' }, { leads: 4, revenue: 7 }), row({ source: 'z' }, { leads: 8, revenue: 8 })];
    const data = buildSourceBarData(rows, { labels: { ...labels, previous: '(было)' }, palette, maxBars: 3, compare: prev });
    expect(data.labels).toEqual(['a', 'b', 'Другие']);
    expect(data.datasets.map((d) => d.label)).toEqual(['Лиды', 'Лиды (было)', 'Выручка', 'Выручка (было)']);
    expect(data.datasets[1]!.data).toEqual([3, 0, 6]);
    expect(data.datasets[3]!.data).toEqual([30, 0, 12]);
    expect(data.datasets[1]!.backgroundColor).toBe(`${palette.leads}59`);
  });

  it('shows cost against revenue per source, biggest cost first, with each source’s ROMI', () => {
    const rows = [
      row({ source: 'yandex' }, { revenue: 900, cost: 100 }),
      row({ source: 'звонок' }, { revenue: 5000, cost: 0 }),
      row({ source: 'vk' }, { revenue: 50, cost: 300 }),
      row({}, { revenue: 70 }, true),
    ];
    const data = buildCostRevenueData(rows, { labels: { ...labels, cost: 'Расходы' }, palette });
    expect(data.labels).toEqual(['vk', 'yandex', 'звонок']);
    expect(data.datasets[0]!.data).toEqual([300, 100, 0]);
    expect(data.datasets[1]!.data).toEqual([50, 900, 5000]);
    expect(data.romi[0]).toBeCloseTo(-250 / 300, 12);
    expect(data.romi[1]).toBeCloseTo(8, 12);
    expect(data.romi[2]).toBeNull();
  });

  it('orders by share of leads plus share of revenue, puts the unattributed bar last, drops empty sources', () => {
    const data = buildSourceBarData(
      [
        row({}, { leads: 4, revenue: 10 }, true),
        row({ source: 'vk' }, { leads: 9, revenue: 100 }),
        row({ source: 'google' }, { leads: 5, revenue: 900 }),
        row({ source: 'avito' }, { leads: 7, revenue: 100 }),
        row({ source: 'empty' }, {}),
      ],
      { labels, palette },
    );
    expect(data.labels).toEqual(['google', 'vk', 'avito', 'Без атрибуции']);
    expect(data.datasets.map((d) => d.label)).toEqual(['Лиды', 'Выручка']);
    expect(data.datasets[0]?.data).toEqual([5, 9, 7, 4]);
    expect(data.datasets[1]?.data).toEqual([900, 100, 100, 10]);
    expect(data.datasets[0]?.yAxisID).toBe('leads');
    expect(data.datasets[1]?.yAxisID).toBe('revenue');
    expect(data.datasets[0]?.backgroundColor).toBe(palette.leads);
  });

  it('lumps the tail into «Другие» and keeps the sums', () => {
    const rows = Array.from({ length: 12 }, (_, i) => row({ source: `s${i}` }, { leads: 1, revenue: 100 * (12 - i) }));
    rows.push(row({}, { leads: 2 }, true));
    const data = buildSourceBarData(rows, { labels, palette, maxBars: 6 });
    expect(data.labels).toEqual(['s0', 's1', 's2', 's3', 'Другие', 'Без атрибуции']);
    const leads = data.datasets[0]?.data ?? [];
    const revenue = data.datasets[1]?.data ?? [];
    expect(leads.reduce((a, b) => a + b, 0)).toBe(14);
    expect(revenue.reduce((a, b) => a + b, 0)).toBe(rows.reduce((a, r) => a + r.revenue, 0));
    expect(leads[4]).toBe(8);
  });

  it('keeps a source big in leads but poor in revenue out of «Другие»', () => {
    const rows = [
      row({ source: 'calls' }, { leads: 80, revenue: 10 }),
      ...Array.from({ length: 6 }, (_, i) => row({ source: `r${i}` }, { leads: 2, revenue: 1000 + i })),
    ];
    const data = buildSourceBarData(rows, { labels, palette, maxBars: 4 });
    expect(data.labels[0]).toBe('calls');
    expect(data.labels).toHaveLength(4);
    expect(data.labels[3]).toBe('Другие');
  });

  it('wraps long labels into lines', () => {
    expect(wrapLabel('yandex')).toBe('yandex');
    expect(wrapLabel('существующий клиент')).toEqual(['существующий', 'клиент']);
    expect(wrapLabel('market.yandex.ru/very-long-path')).toBe('market.yandex.ru/very-long-path');
    expect(wrapLabel('a b c d e f g h i j k', 5)).toEqual(['a b c', 'd e f', 'g h i', 'j k']);
  });

  it('gives no bars for an empty report', () => {
    const data = buildSourceBarData([], { labels, palette });
    expect(data.labels).toEqual([]);
    expect(data.datasets.every((d) => d.data.length === 0)).toBe(true);
  });

  it('builds options with two axes, no animation and RU-formatted tooltips', () => {
    const o = buildBarOptions(PALETTES.dark, { count: (v) => `n${v}`, money: (v) => `m${v}`, compact: (v) => `c${v}` }, 'system-ui');
    expect(o.animation).toBe(false);
    expect(o.scales.leads.position).toBe('left');
    expect(o.scales.revenue.position).toBe('right');
    expect(o.scales.leads.grid.color).toBe(PALETTES.dark.grid);
    expect(o.scales.revenue.ticks.callback(1500)).toBe('c1500');
    const label = o.plugins.tooltip.callbacks.label;
    expect(label({ dataset: { label: 'Выручка', yAxisID: 'revenue' }, parsed: { y: 5 } })).toBe('Выручка: m5');
    expect(label({ dataset: { label: 'Лиды', yAxisID: 'leads' }, parsed: { y: 2 } })).toBe('Лиды: n2');
  });
});
