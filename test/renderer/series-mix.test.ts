import { describe, expect, it } from 'vitest';
import { emptyBaseMetrics, withRatios } from '@shared/metrics';
import type { SeriesPoint } from '@shared/contract';
import { PALETTES, buildMixData, buildSeriesData, defaultGrain, isPartialBucket, mixSlices, pointValue, unattributedShare } from '../../src-renderer/lib/charts';
import { formatBucket } from '../../src-renderer/lib/format';
import { row } from './rows';

const palette = PALETTES.light;
const point = (from: string, m: Partial<ReturnType<typeof emptyBaseMetrics>>, to = from): SeriesPoint => ({
  from,
  to,
  metrics: withRatios({ ...emptyBaseMetrics(), ...m }),
});
const bucket = (from: string, to: string, grain: 'day' | 'week' | 'month') => formatBucket(from, to, grain);

describe('time series builder', () => {
  it('draws the chosen metric per bucket and lays the comparison over the same positions', () => {
    const data = buildSeriesData(
      {
        grain: 'day',
        points: [point('2026-11-01', { leads: 3 }), point('2026-11-02', { leads: 1.333333 }), point('2026-11-03', { leads: 0 })],
        compare: { from: '2026-10-29', to: '2026-10-31', points: [point('2026-10-29', { leads: 2 }), point('2026-10-30', { leads: 5 })] },
      },
      'leads',
      { palette, labels: { current: '01.11 — 03.11', compare: '29.10 — 31.10' }, bucket },
    );
    expect(data.labels).toEqual(['01.11', '02.11', '03.11']);
    expect(data.datasets).toHaveLength(2);
    expect(data.datasets[0]!.data).toEqual([3, 1.33, 0]);
    expect(data.datasets[0]!.borderColor).toBe(palette.leads);
    // a shorter comparison leaves a gap at the end
    expect(data.datasets[1]!.data).toEqual([2, 5, null]);
    expect(data.datasets[1]!.borderDash.length).toBeGreaterThan(0);
    expect(data.datasets[1]!.borderColor).toBe(palette.compare);
    expect(data.datasets[1]!.label).toBe('29.10 — 31.10');
  });

  it('has one line without a comparison and leaves gaps where a ratio is undefined', () => {
    const data = buildSeriesData(
      { grain: 'week', points: [point('2026-11-02', { leads: 2, cost: 500 }, '2026-11-08'), point('2026-11-09', { leads: 0, cost: 100 }, '2026-11-15')] },
      'cpl',
      { palette, labels: { current: 'a', compare: 'b' }, bucket },
    );
    expect(data.datasets).toHaveLength(1);
    expect(data.datasets[0]!.data).toEqual([250, null]);
    expect(data.labels).toEqual(['02.11–08.11', '09.11–15.11']);
    expect(data.partial).toEqual([false, false]);
  });

  it('marks weeks and months the period cuts, at both ends', () => {
    const weeks = buildSeriesData(
      { grain: 'week', points: [point('2026-11-05', { leads: 1 }, '2026-11-08'), point('2026-11-09', { leads: 1 }, '2026-11-15'), point('2026-11-16', { leads: 1 }, '2026-11-18')] },
      'leads',
      { palette, labels: { current: 'a', compare: 'b' }, bucket },
    );
    expect(weeks.labels).toEqual(['05.11–08.11*', '09.11–15.11', '16.11–18.11*']);
    expect(weeks.partial).toEqual([true, false, true]);
    expect(isPartialBucket('2026-02-01', '2026-02-28', 'month')).toBe(false);
    expect(isPartialBucket('2026-02-03', '2026-02-28', 'month')).toBe(true);
    expect(isPartialBucket('2026-12-01', '2026-12-05', 'month')).toBe(true);
    expect(isPartialBucket('2026-12-05', '2026-12-05', 'day')).toBe(false);
  });

  it('keeps ROMI as a ratio to four places', () => {
    expect(pointValue(point('2026-11-01', { revenue: 1000, cost: 300 }), 'romi')).toBe(2.3333);
  });

  it('chooses a grain that keeps the chart readable', () => {
    expect(defaultGrain(30)).toBe('day');
    expect(defaultGrain(90)).toBe('week');
    expect(defaultGrain(365)).toBe('week');
    expect(defaultGrain(800)).toBe('month');
  });

  it('labels months in Russian', () => {
    expect(formatBucket('2026-11-01', '2026-11-30', 'month')).toMatch(/^нояб?\.? 2026$/);
  });
});

describe('channel mix builder', () => {
  const labels = { notSet: '(не задано)', unattributed: 'Без атрибуции', others: 'Другие' };

  it('sums a metric per medium across sources, biggest first, unattributed last in grey', () => {
    const rows = [
      row({ source: 'yandex', medium: 'cpc' }, { leads: 6 }),
      row({ source: 'google', medium: 'cpc' }, { leads: 4 }),
      row({ source: 'google', medium: 'organic' }, { leads: 5 }),
      row({ source: 'x', medium: null }, { leads: 2 }),
      row({ source: 'y', medium: 'email' }, { leads: 0 }),
      row({}, { leads: 3 }, true),
    ];
    const slices = mixSlices(rows, 'leads', { dim: 'medium', labels });
    expect(slices.map((s) => [s.label, s.value])).toEqual([
      ['cpc', 10],
      ['organic', 5],
      ['(не задано)', 2],
      ['Без атрибуции', 3],
    ]);
    expect(slices.reduce((a, s) => a + s.share, 0)).toBeCloseTo(1, 12);
    expect(slices[3]!.share).toBeCloseTo(0.15, 12);
    const data = buildMixData(slices, { palette, label: 'Лиды' });
    expect(data.datasets[0]!.backgroundColor[3]).toBe(palette.unattributed);
    expect(new Set(data.datasets[0]!.backgroundColor.slice(0, 3)).size).toBe(3);
    expect(data.datasets[0]!.backgroundColor).not.toContain(undefined);
  });

  it('shows even a tiny unattributed slice and lumps the tail into «Другие»', () => {
    const rows = Array.from({ length: 10 }, (_, i) => row({ medium: `m${i}` }, { revenue: 100 - i }));
    rows.push(row({}, { revenue: 0.5 }, true));
    const slices = mixSlices(rows, 'revenue', { dim: 'medium', labels, maxSlices: 5 });
    expect(slices.map((s) => s.label)).toEqual(['m0', 'm1', 'm2', 'Другие', 'Без атрибуции']);
    expect(slices.reduce((a, s) => a + s.value, 0)).toBeCloseTo(rows.reduce((a, r) => a + r.revenue, 0), 9);
  });

  it('is by channel unless told otherwise', () => {
    const rows = [
      row({ channel: 'Контекстная реклама', medium: 'cpc' }, { leads: 6 }),
      row({ channel: 'SEO', medium: 'organic' }, { leads: 2 }),
      row({ channel: 'Контекстная реклама', medium: 'CPC' }, { leads: 1 }),
    ];
    expect(mixSlices(rows, 'leads', { labels }).map((s) => [s.label, s.value])).toEqual([
      ['Контекстная реклама', 7],
      ['SEO', 2],
    ]);
  });

  it('computes the unattributed share of the total, null when there is nothing', () => {
    const rows = [row({ source: 'a' }, { leads: 9 }), row({}, { leads: 1 }, true)];
    expect(unattributedShare({ rows, totals: withRatios({ ...emptyBaseMetrics(), leads: 10 }) }, 'leads')).toBeCloseTo(0.1, 12);
    expect(unattributedShare({ rows: [], totals: withRatios(emptyBaseMetrics()) }, 'leads')).toBeNull();
  });
});
