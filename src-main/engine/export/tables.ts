// The tables of an export, each built from the engine function the matching screen uses.
import {
  MODELS,
  type DealListItem,
  type DealsExportQuery,
  type DealsQuery,
  type Dimension,
  type HealthSummary,

  type Metrics,
  type Model,
  type ReportQuery,
  type ReportResult,
  type ReportRow,
  type SeriesResult,
} from '@shared/contract';
import { addDays, instantParts } from '@shared/time';
import type { Metric } from '@shared/metrics';
import type { Workspace } from '../workspace';
import { runModels } from '../reports/series';
import { dealHits, describer } from '../reports/drill';
import { loadTuples, runPeriod } from '../reports/query';
import { ensureAttribution } from '../attribution/materialise';
import type { Cell, Column, Table, TableRow } from './doc';
import { DIM_LABEL, dimValueLabel, EMPTY_DIM_LABEL, METRIC_KIND, METRIC_LABEL, MODEL_LABEL, TOTAL_LABEL, UNATTRIBUTED_LABEL } from './labels';

async function* once(rows: TableRow[]): AsyncIterable<TableRow[]> {
  yield rows;
}

const dimCols = (groupBy: Dimension[]): Column[] => groupBy.map((g) => ({ header: DIM_LABEL[g], kind: 'text' }));
const metricCols = (metrics: Metric[]): Column[] => metrics.map((m) => ({ header: METRIC_LABEL[m], kind: METRIC_KIND[m] }));

function dimCells(row: Partial<Record<Dimension, string | null>> & { unattributed: boolean }, groupBy: Dimension[]): Cell[] {
  if (groupBy.length === 0) return [];
  if (row.unattributed) return groupBy.map((_, i) => (i === 0 ? UNATTRIBUTED_LABEL : ''));
  return groupBy.map((g) => {
    const v = row[g];
    return v === null || v === undefined ? EMPTY_DIM_LABEL : dimValueLabel(g, v);
  });
}

const labelCells = (groupBy: Dimension[], label: string): Cell[] => (groupBy.length ? groupBy.map((_, i) => (i === 0 ? label : '')) : []);

export function reportRows(r: Pick<ReportResult, 'rows' | 'totals' | 'groupBy'>, metrics: Metric[]): TableRow[] {
  const rows: TableRow[] = r.rows.map((row: ReportRow) => ({
    cells: [...dimCells(row, r.groupBy), ...metrics.map((m) => row[m])],
    style: row.unattributed ? 'unattributed' : undefined,
  }));
  rows.push({ cells: [...labelCells(r.groupBy, TOTAL_LABEL), ...metrics.map((m) => r.totals[m])], style: 'total' });
  return rows;
}

export function reportTable(r: ReportResult, metrics: Metric[], sheet: string): Table {
  const rows = reportRows(r, metrics);
  return {
    sheet,
    title: `${r.groupBy.map((g) => DIM_LABEL[g]).join(' → ')} · ${fmtRange(r.from, r.to)}`,
    columns: [...dimCols(r.groupBy), ...metricCols(metrics)],
    total: rows.length,
    rows: () => once(rows),
  };
}

const fmtRange = (from: string, to: string) => `${from.split('-').reverse().join('.')} – ${to.split('-').reverse().join('.')}`;
/** A calendar date as an Excel date (midnight, no zone). */
export const dateCell = (d: string): Date => new Date(`${d}T00:00:00Z`);

export function seriesTable(s: SeriesResult, metrics: Metric[]): Table {
  const day = s.grain === 'day';
  const rows: TableRow[] = s.points.map((p) => ({ cells: [dateCell(p.from), ...(day ? [] : [dateCell(p.to)]), ...metrics.map((m) => p.metrics[m])] }));
  const grain = day ? 'по дням' : s.grain === 'week' ? 'по неделям' : 'по месяцам';
  const dates: Column[] = day ? [{ header: 'Дата', kind: 'date' }] : [{ header: 'Начало', kind: 'date' }, { header: 'Конец', kind: 'date' }];
  return {
    sheet: 'Динамика',
    title: `Динамика ${grain}`,
    columns: [...dates, ...metricCols(metrics)],
    total: rows.length,
    rows: () => once(rows),
  };
}

const MODEL_METRICS: Metric[] = ['leads', 'deals', 'wonDeals', 'revenue'];

export function modelsTable(ws: Workspace, q: ReportQuery, models: readonly Model[] = MODELS): Table {
  const r = runModels(ws, { ...q, models: [...models] });
  const columns: Column[] = [...dimCols(q.groupBy)];
  for (const m of r.models) for (const k of MODEL_METRICS) columns.push({ header: `${METRIC_LABEL[k]} · ${MODEL_LABEL[m]}`, kind: METRIC_KIND[k] });
  const cells = (byModel: Partial<Record<Model, Metrics>>) => r.models.flatMap((m) => MODEL_METRICS.map((k) => byModel[m]?.[k] ?? 0));
  const rows: TableRow[] = r.rows.map((row) => ({ cells: [...dimCells(row, q.groupBy), ...cells(row.byModel)], style: row.unattributed ? 'unattributed' : undefined }));
  rows.push({ cells: [...labelCells(q.groupBy, TOTAL_LABEL), ...cells(r.totals)], style: 'total' });
  return { sheet: 'Модели', title: `Сравнение моделей атрибуции · ${fmtRange(q.from, q.to)}`, columns, total: rows.length, rows: () => once(rows) };
}

/** One row per day and dimension combination (pivot tables): the report run day by day. */
export function pivotTable(ws: Workspace, q: ReportQuery, metrics: Metric[]): Table {
  let days = 0;
  for (let d = q.from; d <= q.to; d = addDays(d, 1)) days++;
  return {
    sheet: 'Для сводной',
    title: `По дням и ${q.groupBy.map((g) => DIM_LABEL[g].toLowerCase()).join(', ')} · ${fmtRange(q.from, q.to)}`,
    columns: [{ header: 'Дата', kind: 'date' }, ...dimCols(q.groupBy), { header: 'Не атрибутировано', kind: 'text' }, ...metricCols(metrics)],
    total: null,
    async *rows(signal) {
      ensureAttribution(ws.db, ws.settings);
      const model = q.model ?? ws.settings.defaultModel;
      const tuples = loadTuples(ws);
      const flat = { ...q, compare: undefined };
      void days;
      for (let d = q.from; d <= q.to; d = addDays(d, 1)) {
        signal?.throwIfAborted();
        const { rows } = runPeriod(ws, flat, model, d, d, tuples);
        yield rows.map((row) => ({
          cells: [dateCell(d), ...q.groupBy.map((g) => (row.unattributed ? null : (row[g] ?? null))), row.unattributed ? 'да' : 'нет', ...metrics.map((m) => row[m])],
        }));
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

/** Deals (or leads) described and written a batch at a time (reports/drill.ts dealHits). */
export const DEALS_BATCH = 2_000;

export function dealsTable(ws: Workspace, q: DealsExportQuery): Table {
  const tz = ws.settings.timeZone;
  const at = (iso: string | null): Date | null => {
    if (!iso) return null;
    const p = instantParts(Date.parse(iso), tz);
    return new Date(Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s));
  };
  const rowKeys: { key: DealsQuery['row']; label: string }[] = q.row
    ? [{ key: q.row, label: q.row.unattributed ? 'нет' : 'да' }]
    : [
        { key: { dims: {}, unattributed: false }, label: 'да' },
        { key: { dims: {}, unattributed: true }, label: 'нет' },
      ];
  const lead = q.kind === 'lead';
  const columns: Column[] = [
    { header: 'ID', kind: 'int' },
    { header: 'Название', kind: 'text' },
    { header: 'Создан' + (lead ? '' : 'а'), kind: 'datetime' },
    ...(lead ? [] : ([{ header: 'Выиграна', kind: 'datetime' }] as Column[])),
    { header: 'Стадия', kind: 'text' },
    ...(lead ? [] : ([{ header: 'Воронка', kind: 'text' }] as Column[])),
    { header: 'Ответственный', kind: 'text' },
    ...(lead ? [] : ([{ header: 'Сумма сделки', kind: 'money' }] as Column[])),
    { header: 'Доля в строке', kind: 'pct' },
    { header: 'Атрибутирован' + (lead ? '' : 'а'), kind: 'text' },
  ];
  const cells = (it: DealListItem, label: string): Cell[] =>
    lead
      ? [it.id, it.title, at(it.createdAt), it.stage, it.responsible, it.weight, label]
      : [it.id, it.title, at(it.createdAt), at(it.wonAt), it.stage, it.pipeline, it.responsible, it.revenue, it.weight, label];
  const table: Table = {
    sheet: lead ? 'Лиды' : 'Сделки',
    title: `${lead ? 'Лиды' : 'Сделки'} · ${fmtRange(q.from, q.to)}`,
    columns,
    total: null,
    async *rows(signal) {
      const describe = describer(ws, q.kind);
      const counted = rowKeys.map(({ key, label }) => ({ label, unattributed: key.unattributed, ...dealHits(ws, q, key) }));
      table.total = counted.reduce((s, c) => s + c.hits.n, 0);
      for (const { label, unattributed, hits, order } of counted) {
        for (let start = 0; start < order.length; start += DEALS_BATCH) {
          signal?.throwIfAborted();
          const batch: TableRow[] = [];
          for (let k = start; k < Math.min(order.length, start + DEALS_BATCH); k++) {
            const i = order[k]!;
            batch.push({ cells: cells(describe(hits.id[i]!, hits.revenue[i]!, hits.weight[i]!), label), style: unattributed ? 'unattributed' : undefined });
          }
          yield batch;
          await new Promise((r) => setImmediate(r));
        }
      }
    },
  };
  return table;
}

const HEALTH_LABEL: Record<string, string> = {
  leads_without_utm: 'Лиды без UTM-меток',
  deals_unmatched: 'Сделки без совпадений в Calltouch',
  deals_without_amount: 'Сделки без суммы',
  duplicate_phones: 'Телефоны, общие для нескольких лидов',
  unattributed_leads: 'Неатрибутированные лиды',
  unattributed_deals: 'Неатрибутированные сделки',
};
const REASON_LABEL: Record<string, string> = {
  no_contact: 'нет телефона, e-mail и UTM',
  no_match: 'нет касаний в окне',
  outside_window: 'касания вне окна атрибуции',
};

export function healthTable(h: HealthSummary): Table {
  const rows: TableRow[] = h.checks.map((c) => ({
    cells: [
      HEALTH_LABEL[c.key] ?? c.key,
      c.count,
      c.total,
      c.total ? c.count / c.total : null,
      c.reasons ? Object.entries(c.reasons).filter(([, n]) => n > 0).map(([r, n]) => `${REASON_LABEL[r] ?? r}: ${n}`).join('; ') : '',
    ],
  }));
  return {
    sheet: 'Качество данных',
    title: 'Проверки качества данных',
    columns: [
      { header: 'Проверка', kind: 'text' },
      { header: 'Записей', kind: 'int' },
      { header: 'Всего', kind: 'int' },
      { header: 'Доля', kind: 'pct' },
      { header: 'Причины', kind: 'text' },
    ],
    total: rows.length,
    rows: () => once(rows),
  };
}
