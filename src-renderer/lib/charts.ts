// Pure builders of chart.js data and options from report rows (DESIGN.md §5: charts draw,
// builders decide). No DOM, no chart.js import: the shapes are chart.js's, checked where drawn.
import type { Dimension } from '@shared/metrics';
import type { Grain, ReportResult, ReportRow, SeriesPoint, SeriesResult } from '@shared/contract';
import { daysBetween, monthEnd } from '@shared/time';
import { METRIC_KIND, type TableMetric } from './report';

export type Scheme = 'light' | 'dark';

export interface Palette {
  leads: string;
  revenue: string;
  /** ad costs (the cost-vs-revenue chart) */
  cost: string;
  grid: string;
  text: string;
  /** the comparison period's line */
  compare: string;
  /** the card background (doughnut slice borders) */
  surface: string;
  /** the unattributed bar / slice: a neutral grey, never one of the channel colours */
  unattributed: string;
  /** channel colours of the doughnut, in order */
  mix: readonly string[];
}

export const PALETTES: Record<Scheme, Palette> = {
  light: {
    leads: '#4f74d9',
    revenue: '#2f9e74',
    cost: '#d9822b',
    grid: '#e6e8ec',
    text: '#5b6270',
    compare: '#9aa3b2',
    surface: '#ffffff',
    unattributed: '#b9bfc9',
    mix: ['#4f74d9', '#2f9e74', '#e0923a', '#8e63c7', '#d15b7a', '#3aa3b8', '#a8a23a'],
  },
  dark: {
    leads: '#7f9ff0',
    revenue: '#4fc393',
    cost: '#f0ab5c',
    grid: '#2c323c',
    text: '#a4abb8',
    compare: '#6b7483',
    surface: '#1a1e25',
    unattributed: '#6b7280',
    mix: ['#7f9ff0', '#4fc393', '#f0ab5c', '#b08de6', '#ec7f9b', '#5cc3d6', '#cdc65e'],
  },
};

export interface SourceTotal {
  label: string;
  unattributed: boolean;
  leads: number;
  revenue: number;
  cost: number;
  /** the source's key among the rows (for the comparison's rows) */
  key: string;
}

export interface ChartLabels {
  leads: string;
  revenue: string;
  notSet: string;
  unattributed: string;
  others: string;
}

/** Sums leads and revenue per source (or another dimension) over rows grouped by it (and maybe deeper). */
export function sourceTotals(rows: readonly ReportRow[], labels: Pick<ChartLabels, 'notSet' | 'unattributed'>, dim: Dimension = 'source'): SourceTotal[] {
  const by = new Map<string, SourceTotal>();
  for (const r of rows) {
    const v = r[dim];
    const key = r.unattributed ? '\u0000u' : `s:${v ?? ''}`;
    let t = by.get(key);
    if (!t) {
      const label = r.unattributed ? labels.unattributed : v ? v : labels.notSet;
      t = { label, unattributed: r.unattributed, leads: 0, revenue: 0, cost: 0, key };
      by.set(key, t);
    }
    t.leads += r.leads;
    t.revenue += r.revenue;
    t.cost += r.cost;
  }
  return [...by.values()];
}

export interface BarDataset {
  label: string;
  data: number[];
  backgroundColor: string;
  borderRadius: number;
  maxBarThickness: number;
  yAxisID: 'leads' | 'revenue';
}

export interface BarChartData {
  /** A label of several words may be split into lines (chart.js draws an array as lines). */
  labels: (string | string[])[];
  datasets: BarDataset[];
}

/**
 * Leads and revenue per source: the biggest sources (by their share of leads plus their share of
 * revenue) first, the rest
 * summed into «Другие» when there are more than `maxBars`, the unattributed bar last.
 */
export function buildSourceBarData(
  rows: readonly ReportRow[],
  opts: { labels: ChartLabels & { previous?: string }; palette: Palette; maxBars?: number; dim?: Dimension; wrap?: number; compare?: readonly ReportRow[] },
): BarChartData {
  const maxBars = Math.max(2, opts.maxBars ?? 10);
  const all = sourceTotals(rows, opts.labels, opts.dim).filter((s) => s.leads !== 0 || s.revenue !== 0);
  const unattributed = all.filter((s) => s.unattributed);
  const attributed = all.filter((s) => !s.unattributed);
  // rank by the share of both measures, so a source big in leads but small in revenue still shows
  const sumLeads = attributed.reduce((a, s) => a + Math.abs(s.leads), 0) || 1;
  const sumRevenue = attributed.reduce((a, s) => a + Math.abs(s.revenue), 0) || 1;
  const score = (s: SourceTotal) => Math.abs(s.leads) / sumLeads + Math.abs(s.revenue) / sumRevenue;
  const sources = attributed.sort((a, b) => score(b) - score(a) || b.revenue - a.revenue || a.label.localeCompare(b.label, 'ru'));
  const room = maxBars - unattributed.length;
  let shown = sources;
  let others = new Set<string>();
  if (sources.length > room) {
    shown = sources.slice(0, room - 1);
    const rest = sources.slice(room - 1);
    shown.push({
      label: opts.labels.others,
      unattributed: false,
      leads: rest.reduce((s, x) => s + x.leads, 0),
      revenue: rest.reduce((s, x) => s + x.revenue, 0),
      cost: rest.reduce((s, x) => s + x.cost, 0),
      key: '\u0000others',
    });
    others = new Set(rest.map((x) => x.key));
  }
  const bars = [...shown, ...unattributed];
  const common = { borderRadius: 4, maxBarThickness: 36 };
  const datasets: BarDataset[] = [
    { ...common, label: opts.labels.leads, data: bars.map((b) => round2(b.leads)), backgroundColor: opts.palette.leads, yAxisID: 'leads' },
    { ...common, label: opts.labels.revenue, data: bars.map((b) => round2(b.revenue)), backgroundColor: opts.palette.revenue, yAxisID: 'revenue' },
  ];
  if (opts.compare) {
    // the comparison period's bars beside each of this period's, the same colour lighter
    const prev = new Map(sourceTotals(opts.compare, opts.labels, opts.dim).map((p) => [p.key, p]));
    const value = (b: SourceTotal, k: 'leads' | 'revenue') => {
      if (b.key !== '\u0000others') return round2(prev.get(b.key)?.[k] ?? 0);
      let sum = 0;
      for (const [key, p] of prev) if (others.has(key)) sum += p[k];
      return round2(sum);
    };
    const was = opts.labels.previous ?? '';
    datasets.splice(1, 0, { ...common, label: `${opts.labels.leads} ${was}`.trim(), data: bars.map((b) => value(b, 'leads')), backgroundColor: `${opts.palette.leads}59`, yAxisID: 'leads' });
    datasets.push({ ...common, label: `${opts.labels.revenue} ${was}`.trim(), data: bars.map((b) => value(b, 'revenue')), backgroundColor: `${opts.palette.revenue}59`, yAxisID: 'revenue' });
  }
  return { labels: bars.map((b) => wrapLabel(b.label, opts.wrap)), datasets };
}

/**
 * Cost against revenue per source — which channel brings revenue at what cost: the sources with
 * a cost first (biggest cost first), then the biggest by revenue, the rest in «Другие»; the
 * unattributed row has no cost and is left out. Both on one money axis.
 */
export function buildCostRevenueData(
  rows: readonly ReportRow[],
  opts: { labels: Pick<ChartLabels, 'notSet' | 'unattributed' | 'others' | 'revenue'> & { cost: string }; palette: Palette; maxBars?: number; dim?: Dimension; wrap?: number },
): BarChartData & { romi: (number | null)[] } {
  const maxBars = Math.max(2, opts.maxBars ?? 8);
  const all = sourceTotals(rows, opts.labels, opts.dim).filter((s) => !s.unattributed && (s.cost !== 0 || s.revenue !== 0));
  const sorted = all.sort((a, b) => b.cost - a.cost || b.revenue - a.revenue || a.label.localeCompare(b.label, 'ru'));
  let shown = sorted;
  if (sorted.length > maxBars) {
    const rest = sorted.slice(maxBars - 1);
    shown = sorted.slice(0, maxBars - 1);
    shown.push({ label: opts.labels.others, unattributed: false, key: '\u0000others', leads: 0, revenue: rest.reduce((a, x) => a + x.revenue, 0), cost: rest.reduce((a, x) => a + x.cost, 0) });
  }
  const common = { borderRadius: 4, maxBarThickness: 36 };
  return {
    labels: shown.map((b) => wrapLabel(b.label, opts.wrap)),
    datasets: [
      { ...common, label: opts.labels.cost, data: shown.map((b) => round2(b.cost)), backgroundColor: opts.palette.cost, yAxisID: 'revenue' },
      { ...common, label: opts.labels.revenue, data: shown.map((b) => round2(b.revenue)), backgroundColor: opts.palette.revenue, yAxisID: 'revenue' },
    ],
    romi: shown.map((b) => (b.cost > 0 ? (b.revenue - b.cost) / b.cost : null)),
  };
}

/** Options of the cost-vs-revenue chart: one money axis; the tooltip adds the source's ROMI. */
export function buildCostRevenueOptions(palette: Palette, fmt: { money: (v: number) => string; compact: (v: number) => string; romi: (i: number) => string }, fontFamily: string) {
  const base = buildBarOptions(palette, { count: fmt.money, money: fmt.money, compact: fmt.compact }, fontFamily);
  const { leads: _leads, ...scales } = base.scales;
  return {
    ...base,
    plugins: {
      ...base.plugins,
      tooltip: {
        callbacks: {
          label: (ctx: TooltipContext): string => `${ctx.dataset.label ?? ''}: ${fmt.money(ctx.parsed.y ?? 0)}`,
          footer: (items: { dataIndex: number }[]): string => (items[0] ? fmt.romi(items[0].dataIndex) : ''),
        },
      },
    },
    scales: { ...scales, revenue: { ...scales.revenue, position: 'left' as const, grid: { color: palette.grid } } },
  };
}

/** Splits a long label at spaces into lines of at most `width` characters (long words stay whole). */
export function wrapLabel(label: string, width = 14): string | string[] {
  if (label.length <= width || !label.includes(' ')) return label;
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length === 1 ? lines[0] : lines;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

export interface AxisFormatters {
  count: (v: number) => string;
  money: (v: number) => string;
  compact: (v: number) => string;
}

interface TooltipContext {
  dataset: { label?: string; yAxisID?: string };
  parsed: { y: number | null };
}

/** Options for the leads/revenue bar chart: two y axes (leads left, revenue right), no animation. */
export function buildBarOptions(palette: Palette, fmt: AxisFormatters, fontFamily: string) {
  const ticks = { color: palette.text, font: { family: fontFamily, size: 12 } };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    interaction: { mode: 'index' as const, intersect: false },
    plugins: {
      legend: {
        position: 'top' as const,
        align: 'end' as const,
        labels: { color: palette.text, boxWidth: 12, boxHeight: 12, font: { family: fontFamily, size: 12 } },
      },
      tooltip: {
        callbacks: {
          label: (ctx: TooltipContext): string => {
            const y = ctx.parsed.y ?? 0;
            const v = ctx.dataset.yAxisID === 'revenue' ? fmt.money(y) : fmt.count(y);
            return `${ctx.dataset.label ?? ''}: ${v}`;
          },
        },
      },
    },
    scales: {
      x: { grid: { display: false }, border: { color: palette.grid }, ticks: { ...ticks, font: { family: fontFamily, size: 11 }, maxRotation: 45, autoSkip: false } },
      leads: {
        type: 'linear' as const,
        position: 'left' as const,
        beginAtZero: true,
        grid: { color: palette.grid },
        border: { display: false },
        ticks: { ...ticks, callback: (v: number | string): string => fmt.compact(Number(v)) },
      },
      revenue: {
        type: 'linear' as const,
        position: 'right' as const,
        beginAtZero: true,
        grid: { display: false },
        border: { display: false },
        ticks: { ...ticks, callback: (v: number | string): string => fmt.compact(Number(v)) },
      },
    },
  };
}

export type BarOptions = ReturnType<typeof buildBarOptions>;
export type CostRevenueOptions = ReturnType<typeof buildCostRevenueOptions>;

// ---------- time series (line) ----------

export interface LineDataset {
  label: string;
  data: (number | null)[];
  borderColor: string;
  backgroundColor: string;
  borderWidth: number;
  borderDash: number[];
  pointRadius: number;
  pointHoverRadius: number;
  tension: number;
  spanGaps: boolean;
}

export interface LineChartData {
  labels: string[];
  datasets: LineDataset[];
  /** per bucket: a week or month the period cuts (its label carries the mark) */
  partial?: boolean[];
}

/** A week shorter than 7 days or a month that is not whole: the period's edges cut it. */
export function isPartialBucket(from: string, to: string, grain: Grain): boolean {
  if (grain === 'day') return false;
  if (grain === 'week') return daysBetween(from, to) + 1 < 7;
  return from.slice(8) !== '01' || to !== monthEnd(from);
}

/** One metric's value at a point: counts and money rounded to kopecks, ratios kept, missing = gap. */
export function pointValue(p: SeriesPoint, metric: TableMetric): number | null {
  const v = p.metrics[metric];
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return METRIC_KIND[metric] === 'percent' ? Math.round(v * 10000) / 10000 : round2(v);
}

/**
 * The metric over the period's buckets, with the comparison period's line (dashed, grey) laid
 * over the same x positions: bucket i of the comparison against bucket i of the period (a
 * shorter comparison leaves gaps, a longer one is cut).
 */
export function buildSeriesData(
  series: Pick<SeriesResult, 'grain' | 'points' | 'compare'>,
  metric: TableMetric,
  opts: { palette: Palette; labels: { current: string; compare: string }; bucket: (from: string, to: string, grain: Grain) => string; partialMark?: string },
): LineChartData {
  const n = series.points.length;
  const dense = n > 40;
  const line = (label: string, data: (number | null)[], color: string, dashed: boolean): LineDataset => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: dashed ? 1.5 : 2,
    borderDash: dashed ? [5, 4] : [],
    pointRadius: dense || dashed ? 0 : 2.5,
    pointHoverRadius: 4,
    tension: 0.25,
    spanGaps: false,
  });
  const datasets = [line(opts.labels.current, series.points.map((p) => pointValue(p, metric)), opts.palette.leads, false)];
  if (series.compare) {
    const cmp = series.compare.points;
    datasets.push(line(opts.labels.compare, Array.from({ length: n }, (_, i) => (cmp[i] ? pointValue(cmp[i], metric) : null)), opts.palette.compare, true));
  }
  const partial = series.points.map((p) => isPartialBucket(p.from, p.to, series.grain));
  const mark = opts.partialMark ?? '*';
  return { labels: series.points.map((p, i) => opts.bucket(p.from, p.to, series.grain) + (partial[i] ? mark : '')), datasets, partial };
}

/** Options of the time-series chart: one y axis in the metric's format, no animation. */
export function buildSeriesOptions(palette: Palette, format: (v: number) => string, axis: (v: number) => string, fontFamily: string) {
  const ticks = { color: palette.text, font: { family: fontFamily, size: 12 } };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    interaction: { mode: 'index' as const, intersect: false },
    plugins: {
      legend: {
        position: 'top' as const,
        align: 'end' as const,
        labels: { color: palette.text, boxWidth: 12, boxHeight: 2, font: { family: fontFamily, size: 12 } },
      },
      tooltip: {
        callbacks: {
          label: (ctx: TooltipContext): string => `${ctx.dataset.label ?? ''}: ${ctx.parsed.y === null ? '—' : format(ctx.parsed.y)}`,
        },
      },
    },
    scales: {
      x: { grid: { display: false }, border: { color: palette.grid }, ticks: { ...ticks, maxRotation: 0, autoSkip: true, autoSkipPadding: 12 } },
      y: {
        type: 'linear' as const,
        beginAtZero: true,
        grid: { color: palette.grid },
        border: { display: false },
        ticks: { ...ticks, callback: (v: number | string): string => axis(Number(v)) },
      },
    },
  };
}

export type SeriesOptions = ReturnType<typeof buildSeriesOptions>;

/** Picks the grain that gives a readable number of points for a period of `days` days. */
export function defaultGrain(days: number): Grain {
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

// ---------- channel mix (doughnut) ----------

export interface MixSlice {
  label: string;
  value: number;
  /** share of the total of all slices (0…1) */
  share: number;
  unattributed: boolean;
}

export interface DoughnutData {
  labels: string[];
  datasets: { label: string; data: number[]; backgroundColor: string[]; borderColor: string; borderWidth: number; hoverOffset: number }[];
}

/**
 * Shares of one metric per value of `dim` (the channel by default): the biggest values
 * first, the tail summed into «Другие» when there are more than `maxSlices`, the unattributed
 * slice last in grey — shown whenever it is not zero, however small.
 */
export function mixSlices(
  rows: readonly ReportRow[],
  metric: 'leads' | 'deals' | 'wonDeals' | 'revenue',
  opts: { dim?: Dimension; labels: Pick<ChartLabels, 'notSet' | 'unattributed' | 'others'>; maxSlices?: number },
): MixSlice[] {
  const dim = opts.dim ?? 'channel';
  const maxSlices = Math.max(2, opts.maxSlices ?? 7);
  const by = new Map<string, { label: string; value: number }>();
  let unattributed = 0;
  for (const r of rows) {
    if (r.unattributed) {
      unattributed += r[metric];
      continue;
    }
    const v = r[dim];
    const key = v ?? '\u0000';
    const label = v === null || v === undefined || v === '' ? opts.labels.notSet : v;
    const e = by.get(key) ?? { label, value: 0 };
    e.value += r[metric];
    by.set(key, e);
  }
  const sorted = [...by.values()].filter((e) => e.value > 0).sort((a, b) => b.value - a.value || a.label.localeCompare(b.label, 'ru'));
  const room = maxSlices - (unattributed > 0 ? 1 : 0);
  let shown = sorted;
  if (sorted.length > room) {
    shown = sorted.slice(0, room - 1);
    shown.push({ label: opts.labels.others, value: sorted.slice(room - 1).reduce((a, e) => a + e.value, 0) });
  }
  const slices = shown.map((e) => ({ label: e.label, value: e.value, unattributed: false }));
  if (unattributed > 0) slices.push({ label: opts.labels.unattributed, value: unattributed, unattributed: true });
  const total = slices.reduce((a, s) => a + s.value, 0);
  return slices.map((s) => ({ ...s, value: round2(s.value), share: total > 0 ? s.value / total : 0 }));
}

export function buildMixData(slices: readonly MixSlice[], opts: { palette: Palette; label: string }): DoughnutData {
  let k = 0;
  const colors = slices.map((s) => (s.unattributed ? opts.palette.unattributed : opts.palette.mix[k++ % opts.palette.mix.length]!));
  return {
    labels: slices.map((s) => s.label),
    datasets: [
      { label: opts.label, data: slices.map((s) => s.value), backgroundColor: colors, borderColor: opts.palette.surface, borderWidth: 2, hoverOffset: 4 },
    ],
  };
}

export function buildMixOptions(palette: Palette, format: (v: number, share: number) => string, fontFamily: string) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    cutout: '62%',
    plugins: {
      legend: { display: false },
      tooltip: {
        bodyFont: { family: fontFamily },
        callbacks: {
          label: (ctx: { label?: string; parsed: number; dataset: { data: number[] } }): string => {
            const total = ctx.dataset.data.reduce((a, b) => a + b, 0);
            return `${ctx.label ?? ''}: ${format(ctx.parsed, total > 0 ? ctx.parsed / total : 0)}`;
          },
        },
      },
    },
    color: palette.text,
  };
}

export type MixOptions = ReturnType<typeof buildMixOptions>;

/** The unattributed row's share of a metric's total (null when the total is 0): shown, never hidden. */
export function unattributedShare(result: Pick<ReportResult, 'rows' | 'totals'>, metric: 'leads' | 'deals' | 'wonDeals' | 'revenue'): number | null {
  const total = result.totals[metric];
  if (!total) return null;
  const u = result.rows.filter((r) => r.unattributed).reduce((a, r) => a + r[metric], 0);
  return u / total;
}
