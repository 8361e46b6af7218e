// Pure builders of chart.js data and options from report rows (DESIGN.md §5: charts draw,
// builders decide). No DOM, no chart.js import: the shapes are chart.js's, checked where drawn.
import type { ReportRow } from '@shared/contract';

export type Scheme = 'light' | 'dark';

export interface Palette {
  leads: string;
  revenue: string;
  grid: string;
  text: string;
}

export const PALETTES: Record<Scheme, Palette> = {
  light: { leads: '#4f74d9', revenue: '#2f9e74', grid: '#e6e8ec', text: '#5b6270' },
  dark: { leads: '#7f9ff0', revenue: '#4fc393', grid: '#2c323c', text: '#a4abb8' },
};

export interface SourceTotal {
  label: string;
  unattributed: boolean;
  leads: number;
  revenue: number;
}

export interface ChartLabels {
  leads: string;
  revenue: string;
  notSet: string;
  unattributed: string;
  others: string;
}

/** Sums leads and revenue per source over rows grouped by source (and maybe deeper). */
export function sourceTotals(rows: readonly ReportRow[], labels: Pick<ChartLabels, 'notSet' | 'unattributed'>): SourceTotal[] {
  const by = new Map<string, SourceTotal>();
  for (const r of rows) {
    const key = r.unattributed ? '\u0000u' : `s:${r.source ?? ''}`;
    let t = by.get(key);
    if (!t) {
      const label = r.unattributed ? labels.unattributed : r.source ? r.source : labels.notSet;
      t = { label, unattributed: r.unattributed, leads: 0, revenue: 0 };
      by.set(key, t);
    }
    t.leads += r.leads;
    t.revenue += r.revenue;
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
  opts: { labels: ChartLabels; palette: Palette; maxBars?: number },
): BarChartData {
  const maxBars = Math.max(2, opts.maxBars ?? 10);
  const all = sourceTotals(rows, opts.labels).filter((s) => s.leads !== 0 || s.revenue !== 0);
  const unattributed = all.filter((s) => s.unattributed);
  const attributed = all.filter((s) => !s.unattributed);
  // rank by the share of both measures, so a source big in leads but small in revenue still shows
  const sumLeads = attributed.reduce((a, s) => a + Math.abs(s.leads), 0) || 1;
  const sumRevenue = attributed.reduce((a, s) => a + Math.abs(s.revenue), 0) || 1;
  const score = (s: SourceTotal) => Math.abs(s.leads) / sumLeads + Math.abs(s.revenue) / sumRevenue;
  const sources = attributed.sort((a, b) => score(b) - score(a) || b.revenue - a.revenue || a.label.localeCompare(b.label, 'ru'));
  const room = maxBars - unattributed.length;
  let shown = sources;
  if (sources.length > room) {
    shown = sources.slice(0, room - 1);
    const rest = sources.slice(room - 1);
    shown.push({
      label: opts.labels.others,
      unattributed: false,
      leads: rest.reduce((s, x) => s + x.leads, 0),
      revenue: rest.reduce((s, x) => s + x.revenue, 0),
    });
  }
  const bars = [...shown, ...unattributed];
  const common = { borderRadius: 4, maxBarThickness: 36 };
  return {
    labels: bars.map((b) => wrapLabel(b.label)),
    datasets: [
      { ...common, label: opts.labels.leads, data: bars.map((b) => round2(b.leads)), backgroundColor: opts.palette.leads, yAxisID: 'leads' },
      { ...common, label: opts.labels.revenue, data: bars.map((b) => round2(b.revenue)), backgroundColor: opts.palette.revenue, yAxisID: 'revenue' },
    ],
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
      x: { grid: { display: false }, border: { color: palette.grid }, ticks: { ...ticks, maxRotation: 0, autoSkip: false } },
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
