// XLSX exports read back with exceljs: every number equals reports:query / reports:series /
// reports:models / reports:deals; formats, frozen header, autofilter, totals and unattributed rows.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type ExcelJS from 'exceljs';
import { METRICS, type DealsResult, type ModelsResult, type ReportResult, type SeriesResult } from '@shared/contract';
import type { Metric } from '@shared/metrics';
import type { Engine } from '../../src-main/engine/engine';
import { METRIC_LABEL } from '../../src-main/engine/export/labels';
import { exportFile, ok, outDir, readXlsx, smallDemo } from './helpers';

let engine: Engine;
let events: { event: string; payload: unknown }[];
const out = outDir();
const Q = { from: '2026-06-01', to: '2026-08-31', groupBy: ['source', 'medium'] as ('source' | 'medium')[] };

beforeAll(async () => {
  ({ engine, events } = await smallDemo());
});
afterAll(async () => {
  await engine?.close();
});

/** Data rows of a table sheet: row 1 is the title, row 2 the header. */
function table(ws: ExcelJS.Worksheet): { header: string[]; rows: ExcelJS.CellValue[][] } {
  const header = (ws.getRow(2).values as ExcelJS.CellValue[]).slice(1).map(String);
  const rows: ExcelJS.CellValue[][] = [];
  for (let r = 3; r <= ws.rowCount; r++) {
    const v = ws.getRow(r).values as ExcelJS.CellValue[];
    if (v.length) rows.push(header.map((_, i) => v[i + 1] ?? null));
  }
  return { header, rows };
}

function expectNumber(cell: ExcelJS.CellValue, want: number | null): void {
  if (want === null) expect(cell).toBeNull();
  else {
    expect(typeof cell).toBe('number');
    expect(cell as number).toBeCloseTo(want, 9);
  }
}

describe('XLSX export', () => {
  it('writes every report row, the unattributed row and the totals with the numbers of reports:query', async () => {
    const path = join(out, 'report.xlsx');
    const fin = await exportFile(engine, { what: { kind: 'report', query: Q, sheets: { levels: true, series: true, models: true, pivot: true } }, format: 'xlsx', path });
    expect(fin).toMatchObject({ ok: true, path, error: null });
    expect(fin.bytes).toBeGreaterThan(1000);
    const wb = await readXlsx(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Параметры', 'Уровень 1', 'Уровень 2', 'Динамика', 'Модели', 'Для сводной']);

    const params = wb.getWorksheet('Параметры')!;
    const block = Object.fromEntries([...Array(params.rowCount).keys()].map((i) => [String(params.getRow(i + 1).getCell(1).value), String(params.getRow(i + 1).getCell(2).value)]));
    expect(block).toMatchObject({
      'Рабочее пространство': 'Демо-данные',
      Период: '01.06.2026 – 31.08.2026',
      'Модель атрибуции': 'Последний значимый переход',
      'Дата конверсии': 'по дате события',
      'Часовой пояс': 'Europe/Moscow',
      Валюта: 'RUB',
    });
    expect(block['Сформировано']).toContain('22.11.2026');

    for (const [sheet, groupBy] of [['Уровень 1', ['source']], ['Уровень 2', ['source', 'medium']]] as const) {
      const want = await ok<ReportResult>(engine.dispatch('reports:query', { ...Q, groupBy: [...groupBy] }));
      const t = table(wb.getWorksheet(sheet)!);
      expect(t.header).toEqual([...groupBy.map((g) => (g === 'source' ? 'Источник' : 'Тип трафика')), ...METRICS.map((m) => METRIC_LABEL[m])]);
      expect(t.rows).toHaveLength(want.rows.length + 1);
      want.rows.forEach((row, i) => {
        const got = t.rows[i]!;
        if (row.unattributed) expect(got[0]).toBe('Не атрибутировано');
        else groupBy.forEach((g, j) => expect(got[j]).toBe(row[g] ?? '(не задано)'));
        METRICS.forEach((m, j) => expectNumber(got[groupBy.length + j]!, row[m]));
      });
      expect(want.rows.some((r) => r.unattributed)).toBe(true);
      const total = t.rows.at(-1)!;
      expect(total[0]).toBe('Итого');
      METRICS.forEach((m, j) => expectNumber(total[groupBy.length + j]!, want.totals[m]));
    }

    const series = await ok<SeriesResult>(engine.dispatch('reports:series', { ...Q, grain: 'day' }));
    const st = table(wb.getWorksheet('Динамика')!);
    expect(st.rows).toHaveLength(series.points.length);
    series.points.forEach((p, i) => {
      expect((st.rows[i]![0] as Date).toISOString().slice(0, 10)).toBe(p.from);
      METRICS.forEach((m, j) => expectNumber(st.rows[i]![1 + j]!, p.metrics[m]));
    });

    const models = await ok<ModelsResult>(engine.dispatch('reports:models', Q));
    const mt = table(wb.getWorksheet('Модели')!);
    expect(mt.rows).toHaveLength(models.rows.length + 1);
    models.rows.forEach((row, i) => {
      models.models.forEach((model, k) => {
        (['leads', 'deals', 'wonDeals', 'revenue'] as Metric[]).forEach((metric, j) => expectNumber(mt.rows[i]![2 + k * 4 + j]!, row.byModel[model]![metric]));
      });
    });

    // pivot: per day the rows sum to the period's totals of additive metrics
    const pt = table(wb.getWorksheet('Для сводной')!);
    const leadsCol = pt.header.indexOf('Лиды');
    const callsCol = pt.header.indexOf('Звонки');
    const want = await ok<ReportResult>(engine.dispatch('reports:query', Q));
    expect(pt.rows.reduce((s, r) => s + (r[callsCol] as number), 0)).toBe(want.totals.calls);
    expect(pt.rows.reduce((s, r) => s + (r[leadsCol] as number), 0)).toBeCloseTo(want.totals.leads, 6);
  });

  it('prints the comparison period beside the main one, and the Markov revenue reading, on the parameters sheet', async () => {
    const path = join(out, 'compare.xlsx');
    const q = { from: '2026-10-01', to: '2026-10-31', groupBy: ['source'] as 'source'[], model: 'markov' as const, compare: { kind: 'previous' as const, preset: 'lastMonth' as const } };
    const fin = await exportFile(engine, { what: { kind: 'report', query: q, sheets: { levels: false, series: false, models: false, pivot: false } }, format: 'xlsx', path });
    expect(fin.ok).toBe(true);
    const wb = await readXlsx(path);
    const params = wb.getWorksheet('Параметры')!;
    const block = Object.fromEntries([...Array(params.rowCount).keys()].map((i) => [String(params.getRow(i + 1).getCell(1).value), String(params.getRow(i + 1).getCell(2).value)]));
    expect(block['Период']).toBe('01.10.2026 – 31.10.2026');
    expect(block['Период сравнения']).toBe('01.09.2026 – 30.09.2026 (предыдущий период)');
    expect(block['Выручка по модели Маркова']).toContain('V·RE(c)/ΣRE');
    expect(wb.worksheets.map((w) => w.name)).toContain('Сравнение');
  });

  it('exports only the models chosen for comparison, from the screen and from a saved view', async () => {
    const chosen = ['first', 'markov'] as const;
    const want = await ok<ModelsResult>(engine.dispatch('reports:models', { ...Q, models: [...chosen] }));
    const check = async (file: string) => {
      const mt = table((await readXlsx(file)).getWorksheet('Модели')!);
      expect(mt.header.filter((h) => h.startsWith('Лиды · '))).toEqual(['Лиды · Первое касание', 'Лиды · Цепи Маркова']);
      want.rows.forEach((row, i) => chosen.forEach((m, k) => expectNumber(mt.rows[i]![2 + k * 4]!, row.byModel[m]!.leads)));
    };
    const direct = join(out, 'models.xlsx');
    expect((await exportFile(engine, { what: { kind: 'models', query: Q, models: [...chosen] }, format: 'xlsx', path: direct })).ok).toBe(true);
    await check(direct);
    // a saved view keeps its models (listed in any order, stored in the usual one)
    const view = await ok<{ id: string }>(engine.dispatch('views:save', { name: 'Две модели', spec: { period: { kind: 'custom', from: Q.from, to: Q.to }, groupBy: Q.groupBy, mode: 'models', models: ['markov', 'first'] } }));
    const viaView = join(out, 'view-models.xlsx');
    expect((await exportFile(engine, { what: { kind: 'view', viewId: view.id }, format: 'xlsx', path: viaView })).ok).toBe(true);
    await check(viaView);
    // no models chosen: the default set — the workspace's model, first and linear touch
    const byDefault = await ok<{ id: string }>(engine.dispatch('views:save', { name: 'Модели по умолчанию', spec: { period: { kind: 'custom', from: Q.from, to: Q.to }, groupBy: Q.groupBy, mode: 'models', models: [] } }));
    const viaDefault = join(out, 'view-default-models.xlsx');
    expect((await exportFile(engine, { what: { kind: 'view', viewId: byDefault.id }, format: 'xlsx', path: viaDefault })).ok).toBe(true);
    const dt = table((await readXlsx(viaDefault)).getWorksheet('Модели')!);
    expect(dt.header.filter((h) => h.startsWith('Лиды · '))).toEqual(['Лиды · Последний значимый переход', 'Лиды · Первое касание', 'Лиды · Линейная']);
  });

  it('formats numbers as a Russian marketer reads them: ₽, %, dates; frozen header, autofilter, widths', async () => {
    const path = join(out, 'formats.xlsx');
    await exportFile(engine, { what: { kind: 'report', query: Q, sheets: {} }, format: 'xlsx', path });
    const ws = (await readXlsx(path)).getWorksheet('Отчёт')!;
    const header = (ws.getRow(2).values as string[]).slice(1);
    const col = (label: string) => header.indexOf(label) + 1;
    const first = ws.getRow(3);
    expect(first.getCell(col('Выручка')).numFmt).toBe('#,##0.00 "₽"');
    expect(first.getCell(col('CR лид → сделка')).numFmt).toBe('0.0%');
    expect(first.getCell(col('ROMI')).numFmt).toBe('0.0%');
    expect(first.getCell(col('Звонки')).numFmt).toBe('#,##0');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual(10);
    expect(ws.getRow(ws.rowCount).font?.bold).toBe(true);
    const dyn = (await readXlsx(path)).getWorksheet('Динамика')!;
    expect(dyn.getRow(3).getCell(1).numFmt).toBe('dd.mm.yyyy');
    expect(dyn.getRow(3).getCell(1).value).toBeInstanceOf(Date);
  });

  it('streams the deal list of a whole year with progress; every deal of reports:deals is there', async () => {
    const path = join(out, 'deals.xlsx');
    events.length = 0;
    const range = { from: '2026-01-01', to: '2026-12-31' };
    const fin = await exportFile(engine, { what: { kind: 'deals', query: range }, format: 'xlsx', path });
    expect(fin.ok).toBe(true);
    const attributed = await ok<DealsResult>(engine.dispatch('reports:deals', { ...range, row: { dims: {} }, limit: 1000 }));
    const unattributed = await ok<DealsResult>(engine.dispatch('reports:deals', { ...range, row: { unattributed: true }, limit: 1000 }));
    // newest first the engine reads only as far as the page; sorted by weight it counts the whole list
    const count = async (row: object) => (await ok<DealsResult>(engine.dispatch('reports:deals', { ...range, row, sort: 'weight', limit: 1 }))).total!;
    const attributedTotal = await count({ dims: {} });
    expect(unattributed.more).toBe(false);
    expect(unattributed.total).toBe(await count({ unattributed: true }));
    expect(fin.rows).toBe(attributedTotal + unattributed.total!);
    const t = table((await readXlsx(path)).getWorksheet('Сделки')!);
    expect(t.rows).toHaveLength(fin.rows);
    expect(t.rows.slice(0, attributed.items.length).map((r) => r[0])).toEqual(attributed.items.map((d) => d.id));
    attributed.items.forEach((d, i) => {
      expectNumber(t.rows[i]![7]!, d.revenue);
      expect(t.rows[i]![1]).toBe(d.title);
      expect([t.rows[i]![4], t.rows[i]![5], t.rows[i]![6]]).toEqual([d.stage, d.pipeline, d.responsible]);
      expectNumber(t.rows[i]![8]!, d.weight);
    });
    const tail = t.rows.slice(attributedTotal);
    expect(tail.map((r) => r[0])).toEqual(unattributed.items.map((d) => d.id));
    expect(tail.every((r) => r[9] === 'нет')).toBe(true);
    expect(events.filter((e) => e.event === 'export:finished')).toHaveLength(1);
    const progress = events.filter((e) => e.event === 'export:progress').map((e) => e.payload as { jobId: string; done: number; stage: string });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ jobId: fin.jobId, stage: 'Сделки' });
    expect(progress.at(-1)!.done).toBeLessThanOrEqual(fin.rows);
  });

  it('a cancelled export leaves no file (and no .part)', async () => {
    const path = join(out, 'cancelled.xlsx');
    const { jobId } = await ok<{ jobId: string }>(engine.dispatch('export:run', { what: { kind: 'report', query: { ...Q, from: '2026-01-01' }, sheets: { pivot: true } }, format: 'xlsx', path }));
    expect(await ok(engine.dispatch('export:cancel', { jobId }))).toEqual({ cancelled: true });
    const fin = await engine.exports.wait(jobId);
    expect(fin).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(out).filter((f) => f.startsWith('cancelled'))).toEqual([]);
    expect(await ok(engine.dispatch('export:cancel', { jobId }))).toEqual({ cancelled: false });
  });

  it('refuses a relative path and an unknown saved view with a Russian message', async () => {
    const rel = await engine.dispatch('export:run', { what: { kind: 'health' }, format: 'xlsx', path: 'report.xlsx' });
    expect(rel).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const fin = await exportFile(engine, { what: { kind: 'view', viewId: 'nope', sheets: {} }, format: 'xlsx', path: join(out, 'v.xlsx') });
    expect(fin).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('Сохранённый отчёт') } });
  });
});
