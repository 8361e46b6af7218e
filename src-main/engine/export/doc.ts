// What an export holds, independent of the file format: a parameter block and tables (columns
// with cell kinds, rows in batches). Built from the same engine functions the contract uses
// (runReport, runSeries, runModels, listDeals, healthSummary), so a file never disagrees with
// the screen. XLSX, CSV and the print view (PDF) all render an ExportDoc.
import {
  ReportQuerySchema,
  METRICS,
  type Dimension,
  type ExportWhat,

  type ReportQuery,
  type ReportResult,
  type SeriesResult,
  type ViewSpec,
} from '@shared/contract';
import { comparePeriod, todayIn } from '@shared/periods';
import { comparedModels, viewQuery, viewRange } from '@shared/views-schema';
import type { Metric } from '@shared/metrics';
import type { Workspace } from '../workspace';
import { coverage, runReport } from '../reports/query';
import { runSeries } from '../reports/series';
import { healthSummary } from '../health';
import { notFound } from '../errors';
import { BASIS_LABEL, DIM_LABEL, MODEL_LABEL, METRIC_KIND, METRIC_LABEL, type CellKind } from './labels';
import { dealsTable, healthTable, modelsTable, pivotTable, reportTable, seriesTable } from './tables';

export type Cell = string | number | Date | null;
export type RowStyle = 'unattributed' | 'total' | 'section';
export interface TableRow {
  cells: Cell[];
  style?: RowStyle;
}
export interface Column {
  header: string;
  kind: CellKind;
}
export interface Table {
  /** sheet name (≤ 31 characters, no []:*?/\) */
  sheet: string;
  /** one line above the header row */
  title: string;
  columns: Column[];
  /** rows in all when known up front (progress) */
  total: number | null;
  /** rows in batches; a long table yields between batches so progress and cancel get through */
  rows(signal?: AbortSignal): AsyncIterable<TableRow[]>;
}

export interface ExportDoc {
  /** the report's or view's name (file names, titles) */
  name: string;
  from: string | null;
  to: string | null;
  currency: string;
  timeZone: string;
  /** the header block: workspace, period, model, basis, time zone, currency, generated at, … */
  params: [string, string][];
  tables: Table[];
  /** for the print view: the report and the series behind the tables */
  report: ReportResult | null;
  series: SeriesResult | null;
  kind: ExportWhat['kind'];
}

export interface DocContext {
  ws: Workspace;
  now: number;
}

const ruDate = (d: string) => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;
export const ruPeriod = (from: string, to: string) => (from === to ? ruDate(from) : `${ruDate(from)} – ${ruDate(to)}`);

export function generatedAt(now: number, tz: string): string {
  return new Intl.DateTimeFormat('ru-RU', { timeZone: tz, dateStyle: 'short', timeStyle: 'short' }).format(new Date(now));
}

function baseParams(ctx: DocContext, extra: [string, string][]): [string, string][] {
  const s = ctx.ws.settings;
  return [
    ['Рабочее пространство', ctx.ws.meta.name],
    ...extra,
    ['Часовой пояс', s.timeZone],
    ['Валюта', s.currency],
    ['Сформировано', `${generatedAt(ctx.now, s.timeZone)} (${s.timeZone})`],
  ];
}

function filterText(ctx: DocContext, q: Pick<ReportQuery, 'filters'>): string {
  const f = q.filters;
  const parts: string[] = [];
  if (f.pipelines?.length) parts.push(`воронки: ${f.pipelines.join(', ')}`);
  if (f.responsible?.length) parts.push(`ответственные: ${f.responsible.join(', ')}`);
  if (f.calltouchSites?.length) parts.push(`кабинеты Calltouch: ${f.calltouchSites.join(', ')}`);
  for (const [d, v] of Object.entries(f.dimensions ?? {}) as [Dimension, (string | null)[]][]) {
    if (v?.length) parts.push(`${DIM_LABEL[d].toLowerCase()}: ${v.map((x) => x ?? '(не задано)').join(', ')}`);
  }
  void ctx;
  return parts.join('; ') || 'нет';
}

export function queryParams(ctx: DocContext, q: ReportQuery, extra: [string, string][] = []): [string, string][] {
  const model = q.model ?? ctx.ws.settings.defaultModel;
  const out: [string, string][] = [
    ['Период', ruPeriod(q.from, q.to)],
    ['Модель атрибуции', MODEL_LABEL[model]],
    ['Дата конверсии', BASIS_LABEL[q.basis]],
    ['Группировка', q.groupBy.map((g) => DIM_LABEL[g]).join(' → ') || '—'],
    ['Фильтры', filterText(ctx, q)],
  ];
  if (q.compare) out.splice(1, 0, ['Период сравнения', comparisonLabel(ctx, q)]);
  if (model === 'markov') out.splice(out.findIndex(([k]) => k === 'Модель атрибуции') + 1, 0, ['Выручка по модели Маркова', MARKOV_READING]);
  return baseParams(ctx, [...out, ...extra]);
}

/** docs/REPORTS.md «Readings settled after the first release»: how Markov shares revenue. */
export const MARKOV_READING =
  'V·RE(c)/ΣRE: выручка периода делится между каналами пропорционально эффекту удаления канала — каждый канал получает одинаковую выручку на каждую приписанную ему конверсию';

/** «01.10.2026 – 31.10.2026 (предыдущий период)», with a note when it has no data. */
export function comparisonLabel(ctx: DocContext, q: ReportQuery): string {
  const c = q.compare!;
  const p = comparePeriod(q.from, q.to, c);
  const kind =
    c.kind === 'previous'
      ? 'предыдущий период'
      : c.kind === 'month'
        ? 'тот же период месяц назад'
        : c.kind === 'year'
          ? 'тот же период год назад'
          : c.kind === 'weekdays'
            ? `те же дни недели ${c.weeks} нед. назад`
            : 'свой период';
  const cov = coverage(ctx.ws, p);
  const note = cov.empty ? '; в нём нет данных — изменения не считаются' : cov.partial && cov.dataFrom ? `; данные только с ${ruDate(cov.dataFrom)}` : '';
  return `${ruPeriod(p.from, p.to)} (${kind}${note})`;
}

export interface ReportSheets {
  levels: boolean;
  series: boolean;
  models: boolean;
  pivot: boolean;
}

export function metricColumns(columns: readonly Metric[] | undefined): Metric[] {
  return columns && columns.length ? [...columns] : [...METRICS];
}

/** The report export: the report (per level), its comparison, series, models, pivot. */
export function reportDoc(ctx: DocContext, q: ReportQuery, sheets: ReportSheets, name: string, columns?: readonly Metric[]): ExportDoc {
  const metrics = metricColumns(columns);
  const report = runReport(ctx.ws, q);
  const tables: Table[] = [];
  if (sheets.levels && q.groupBy.length > 1) {
    for (let i = 1; i <= q.groupBy.length; i++) {
      const level = i === q.groupBy.length ? report : runReport(ctx.ws, { ...q, groupBy: q.groupBy.slice(0, i), compare: undefined });
      tables.push(reportTable(level, metrics, `Уровень ${i}`));
    }
  } else {
    tables.push(reportTable(report, metrics, 'Отчёт'));
  }
  if (report.compare) {
    tables.push(reportTable({ ...report, ...report.compare, compare: undefined }, metrics, 'Сравнение'));
  }
  let series: SeriesResult | null = null;
  if (sheets.series) {
    series = runSeries(ctx.ws, { ...q, grain: grainFor(q.from, q.to) });
    tables.push(seriesTable(series, metrics));
  }
  if (sheets.models) tables.push(modelsTable(ctx.ws, q));
  if (sheets.pivot) tables.push(pivotTable(ctx.ws, q, metrics));
  return {
    name,
    from: q.from,
    to: q.to,
    currency: report.currency,
    timeZone: report.timeZone,
    params: queryParams(ctx, q),
    tables,
    report,
    series,
    kind: 'report',
  };
}

/** Day points up to a quarter, weeks up to a year and a half, months beyond. */
export function grainFor(from: string, to: string): 'day' | 'week' | 'month' {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  return days <= 92 ? 'day' : days <= 550 ? 'week' : 'month';
}

/** A saved view for today's data range (presets anchored to data or today). */
export function resolveView(ctx: DocContext, spec: ViewSpec): ReportQuery {
  const summary = ctx.ws.summary();
  const range = viewRange(spec.period, { today: todayIn(ctx.ws.settings.timeZone, ctx.now), dataFrom: summary.dataFrom, dataTo: summary.dataTo });
  return ReportQuerySchema.parse(viewQuery(spec, range));
}

export function buildDoc(ctx: DocContext, what: ExportWhat): ExportDoc {
  const s = ctx.ws.settings;
  switch (what.kind) {
    case 'report':
      return reportDoc(ctx, what.query, what.sheets, what.title ?? 'Отчёт');
    case 'dashboard': {
      const doc = reportDoc(ctx, { ...what.query, groupBy: ['channel', 'source'] }, { levels: false, series: true, models: false, pivot: false }, 'Дашборд');
      return { ...doc, kind: 'dashboard' };
    }
    case 'models': {
      const report = runReport(ctx.ws, what.query);
      return {
        name: 'Сравнение моделей',
        from: what.query.from,
        to: what.query.to,
        currency: s.currency,
        timeZone: s.timeZone,
        params: queryParams(ctx, what.query),
        tables: [modelsTable(ctx.ws, what.query, what.models)],
        report,
        series: null,
        kind: 'models',
      };
    }
    case 'deals': {
      const q = what.query;
      const model = q.model ?? s.defaultModel;
      const row = q.row
        ? q.row.unattributed
          ? 'Не атрибутировано'
          : Object.entries(q.row.dims).map(([d, v]) => `${DIM_LABEL[d as Dimension]}: ${v ?? '(не задано)'}`).join(', ') || 'все'
        : 'все';
      return {
        name: q.kind === 'lead' ? 'Лиды' : 'Сделки',
        from: q.from,
        to: q.to,
        currency: s.currency,
        timeZone: s.timeZone,
        params: baseParams(ctx, [
          ['Период', ruPeriod(q.from, q.to)],
          ['Модель атрибуции', MODEL_LABEL[model]],
          ['Дата конверсии', BASIS_LABEL[q.basis]],
          ['Строка отчёта', row],
          ['Фильтры', filterText(ctx, { filters: q.filters })],
        ]),
        tables: [dealsTable(ctx.ws, q)],
        report: null,
        series: null,
        kind: 'deals',
      };
    }
    case 'health': {
      const h = healthSummary(ctx.ws, ctx.now);
      return {
        name: 'Качество данных',
        from: null,
        to: null,
        currency: s.currency,
        timeZone: s.timeZone,
        params: baseParams(ctx, [['Данные', 'всё время']]),
        tables: [healthTable(h)],
        report: null,
        series: null,
        kind: 'health',
      };
    }
    case 'view': {
      const view = ctx.ws.meta.views.find((v) => v.id === what.viewId);
      if (!view) throw notFound('Сохранённый отчёт не найден — возможно, его удалили.');
      const q = resolveView(ctx, view.spec);
      if (view.spec.mode === 'models') {
        const doc = buildDoc(ctx, { kind: 'models', query: q, models: comparedModels(view.spec.models, ctx.ws.settings.defaultModel) });
        return { ...doc, name: view.name, params: [['Отчёт', view.name], ...doc.params] };
      }
      const doc = reportDoc(ctx, q, what.sheets, view.name, view.spec.columns);
      return { ...doc, params: [['Отчёт', view.name], ...doc.params] };
    }
  }
}

export { METRIC_KIND, METRIC_LABEL };
