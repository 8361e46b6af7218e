// Scheduled exports with a fake clock: nothing before the planned time, one file at it, one
// catch-up run after the app was closed over several planned times, weekly on its weekday only,
// files named Skvoz_<view>_<from>_<to>.<ext>; the background job does the catch-up on start.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { ExportSchedule, SavedView } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { Workspace } from '../../src-main/engine/workspace';
import { latestDue, nextDue, runDueSchedules } from '../../src-main/engine/export/schedules';
import { Fixture, msk } from '../reports/fixture';
import { ok, outDir } from './helpers';
import { pdfWith } from '../../src-main/engine/export/chromium';
import { launchChromium } from '../e2e/harness';

function setup() {
  const f = new Fixture();
  f.lead(1, msk('2026-03-02'), { utm: ['yandex', 'cpc', 'sofas'] });
  f.lead(2, msk('2026-03-09'), { utm: ['google', 'cpc', 'beds'] });
  const dir = f.ws.dir;
  f.ws.close();
  const clock = { now: msk('2026-03-10', '10:00:00') };
  const engine = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => clock.now });
  return { dir, clock, engine, folder: outDir() };
}

const files = (folder: string) => readdirSync(folder).filter((f) => !f.startsWith('.')).sort();

describe('scheduled exports', () => {
  it('runs at the planned time, catches up once after the app was closed, and names the file by the view and its period', async () => {
    const { dir, clock, engine, folder } = setup();
    const view = await ok<SavedView>(engine.dispatch('views:save', { name: 'Неделя: источники', spec: { period: { kind: 'preset', preset: 'last7', anchor: 'today' } } }));
    const s = await ok<ExportSchedule>(engine.dispatch('schedules:save', { viewId: view.id, folder, frequency: 'daily', time: '08:00' }));
    expect(s.nextAt).toBe(new Date(msk('2026-03-11', '08:00:00')).toISOString());
    const ws = engine.workspace;

    // created at 10:00: today's 08:00 has passed already and is not "missed"
    expect(await runDueSchedules(ws, clock.now)).toEqual([]);
    clock.now = msk('2026-03-11', '07:59:00');
    expect(await runDueSchedules(ws, clock.now)).toEqual([]);
    clock.now = msk('2026-03-11', '08:00:00');
    const [ran] = await runDueSchedules(ws, clock.now);
    expect(ran).toMatchObject({ lastError: null, lastFile: join(folder, 'Skvoz_Неделя_источники_2026-03-05_2026-03-11.xlsx') });
    expect(files(folder)).toEqual(['Skvoz_Неделя_источники_2026-03-05_2026-03-11.xlsx']);
    expect(await runDueSchedules(ws, clock.now + 60_000)).toEqual([]);
    await engine.close();

    // the app is closed from the 11th to the 14th, 12:00: one catch-up run, not three
    clock.now = msk('2026-03-14', '12:00:00');
    const again = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => clock.now });
    const caught = await runDueSchedules(again.workspace, clock.now);
    expect(caught).toHaveLength(1);
    expect(caught[0]!.lastRunAt).toBe(new Date(clock.now).toISOString());
    expect(files(folder)).toEqual(['Skvoz_Неделя_источники_2026-03-05_2026-03-11.xlsx', 'Skvoz_Неделя_источники_2026-03-08_2026-03-14.xlsx']);
    expect(await runDueSchedules(again.workspace, clock.now)).toEqual([]);
    const listed = await ok<ExportSchedule[]>(again.dispatch('schedules:list', undefined));
    expect(listed[0]).toMatchObject({ id: s.id, nextAt: new Date(msk('2026-03-15', '08:00:00')).toISOString() });
    await again.close();
  });

  it('the background job catches up by itself when the app starts', async () => {
    const { dir, clock, engine, folder } = setup();
    const view = await ok<SavedView>(engine.dispatch('views:save', { name: 'Март', spec: { period: { kind: 'custom', from: '2026-03-01', to: '2026-03-31' } } }));
    await ok(engine.dispatch('schedules:save', { viewId: view.id, folder, format: 'csv', time: '09:30' }));
    await engine.close();
    clock.now = msk('2026-03-12', '09:00:00');
    const app = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => clock.now });
    app.startBackground();
    await vi.waitFor(() => expect(files(folder)).toEqual(['Skvoz_Март_2026-03-01_2026-03-31.csv']), { timeout: 20_000, interval: 50 });
    await app.close();
  });

  it('writes PDF on schedule with the printer it is given; without one the schedule says why', async () => {
    const { dir, clock, engine, folder } = setup();
    const view = await ok<SavedView>(engine.dispatch('views:save', { name: 'Март', spec: { period: { kind: 'custom', from: '2026-03-01', to: '2026-03-31' } } }));
    await ok(engine.dispatch('schedules:save', { viewId: view.id, folder, format: 'pdf', time: '09:30' }));
    clock.now = msk('2026-03-11', '09:30:00');
    // no printer (the CLI without a browser, or tests): nothing written, the reason on the schedule
    const [r] = await runDueSchedules(engine.workspace, clock.now);
    expect(r!.lastError).toContain('PDF создаётся в приложении Skvoz');
    expect(files(folder)).toEqual([]);
    await engine.close();

    const browser = await launchChromium();
    try {
      clock.now = msk('2026-03-12', '09:45:00');
      const app = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => clock.now, pdf: async (html, path) => writeFileSync(path, await pdfWith(browser, html)) });
      app.startBackground();
      await vi.waitFor(() => expect(files(folder)).toEqual(['Skvoz_Март_2026-03-01_2026-03-31.pdf']), { timeout: 20_000, interval: 50 });
      expect(readFileSync(join(folder, files(folder)[0]!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      await app.close();
    } finally {
      await browser.close();
    }
  });

  it('weekly schedules run on their weekday only; a deleted view is reported on the schedule, not thrown', async () => {
    const { clock, engine, folder } = setup();
    const view = await ok<SavedView>(engine.dispatch('views:save', { name: 'Пн', spec: {} }));
    const s = { viewId: view.id, folder, frequency: 'weekly' as const, weekday: 1, time: '08:00' };
    const tz = 'Europe/Moscow';
    // 2026-03-10 is a Tuesday: the latest Monday 08:00 is the 9th, the next the 16th
    expect(latestDue({ ...s, enabled: true, format: 'xlsx', csv: { delimiter: ';', decimalComma: false } }, clock.now, tz)).toBe(msk('2026-03-09', '08:00:00'));
    expect(nextDue({ ...s, enabled: true, format: 'xlsx', csv: { delimiter: ';', decimalComma: false } }, clock.now, tz)).toBe(msk('2026-03-16', '08:00:00'));
    await ok(engine.dispatch('schedules:save', s));
    clock.now = msk('2026-03-15', '23:00:00');
    expect(await runDueSchedules(engine.workspace, clock.now)).toEqual([]);
    await ok(engine.dispatch('views:delete', { id: view.id }));
    clock.now = msk('2026-03-16', '08:05:00');
    const [r] = await runDueSchedules(engine.workspace, clock.now);
    expect(r!.lastError).toContain('Сохранённый отчёт не найден');
    expect(files(folder)).toEqual([]);
    await engine.close();
  });

  it('refuses a schedule for an unknown view and a bad time', async () => {
    const { engine, folder, dir } = setup();
    expect(await engine.dispatch('schedules:save', { viewId: 'nope', folder })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await engine.dispatch('schedules:save', { viewId: 'x', folder, time: '25:00' })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(existsSync(join(dir, 'exports.json'))).toBe(false);
    expect(Workspace.exists(dir)).toBe(true);
    await engine.close();
  });
});
