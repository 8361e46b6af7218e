// The shell's export half with a mocked electron: save/folder dialogs remember the last folder,
// engine calls that write files accept only paths picked in a dialog, chart PNGs are checked,
// and PDFs print in a hidden window with JavaScript off (A4 landscape, page numbers).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Result } from '@shared/contract';
import { addLogSink } from '../../src-main/engine/log';
import { FakeBrowserWindow, FakeWebContents } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());
addLogSink(() => {});

const { ExportShell } = await import('../../src-main/shell/exports');
const { handleCall } = await import('../../src-main/shell/ipc');
const { APP_ORIGIN } = await import('../../src-main/shell/origin');
const { printHtmlToPdf, PRINT_WINDOW_PREFS } = await import('../../src-main/shell/print');

const PNG = 'data:image/png;base64,' + Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'skvoz-shell-exp-'));
  let answer: string | null = join(dir, 'out', 'Отчёт.xlsx');
  const dialog = {
    showSaveDialog: vi.fn(async (_o: { defaultPath?: string }) => (answer === null ? { canceled: true } : { canceled: false, filePath: answer })),
    showOpenDialog: vi.fn(async (_o: { defaultPath?: string }) => ({ canceled: false, filePaths: [join(dir, 'folder')] })),
  };
  const engine = {
    currentWorkspaceId: 'ws-1',
    call: vi.fn(async (channel: string, input: unknown): Promise<Result<unknown>> => (channel === 'export:html' ? { ok: true, value: { html: '<p>x</p>', title: 't' } } : { ok: true, value: { channel, input } })),
  };
  const printer = vi.fn(async (_html: string) => Buffer.from('%PDF-1.7 test'));
  const shell = new ExportShell({ dialog, prefsFile: join(dir, 'prefs.json'), defaultDir: join(dir, 'docs'), printer, engine });
  const deps = { allowedOrigins: [APP_ORIGIN], engine, secrets: {} as never, exports: shell };
  const call = (channel: Parameters<typeof handleCall>[1], input: unknown) => handleCall(deps, channel, { senderFrame: { url: `${APP_ORIGIN}/index.html` } as never }, input);
  return { dir, dialog, engine, printer, shell, call, setAnswer: (a: string | null) => (answer = a) };
}

describe('export dialogs and file grants', () => {
  it('offers the suggested name in the last folder, adds the extension, and remembers the folder across restarts', async () => {
    const s = setup();
    const r = await s.call('files:chooseSave', { suggestedName: 'Skvoz_Отчёт_2026-01-01_2026-01-31', format: 'xlsx' });
    expect(r).toEqual({ ok: true, value: { path: join(s.dir, 'out', 'Отчёт.xlsx') } });
    expect(s.dialog.showSaveDialog.mock.calls[0]![0].defaultPath).toBe(join(s.dir, 'docs', 'Skvoz_Отчёт_2026-01-01_2026-01-31.xlsx'));
    s.setAnswer(join(s.dir, 'out', 'без расширения'));
    const noExt = await s.call('files:chooseSave', { suggestedName: 'x', format: 'csv' });
    expect(noExt).toEqual({ ok: true, value: { path: join(s.dir, 'out', 'без расширения.csv') } });
    // a new shell (app restart) reads the remembered folder — it must exist
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(s.dir, 'out'), { recursive: true });
    const again = new ExportShell({ dialog: s.dialog, prefsFile: join(s.dir, 'prefs.json'), defaultDir: '/nowhere', printer: s.printer, engine: s.engine });
    expect(again.lastFolder()).toBe(join(s.dir, 'out'));
    s.setAnswer(null);
    expect(await s.call('files:chooseSave', { suggestedName: 'x', format: 'pdf' })).toEqual({ ok: true, value: { path: null } });
  });

  it('export:run reaches the engine only with a path picked in the dialog', async () => {
    const s = setup();
    const what = { kind: 'health' };
    const refused = await s.call('export:run', { what, format: 'xlsx', path: '/etc/cron.d/evil.xlsx' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringContaining('окне сохранения') } });
    expect(s.engine.call).not.toHaveBeenCalled();
    const picked = await s.call('files:chooseSave', { suggestedName: 'a', format: 'xlsx' });
    const path = (picked as { value: { path: string } }).value.path;
    expect(await s.call('export:run', { what, format: 'xlsx', path })).toMatchObject({ ok: true });
    expect(s.engine.call).toHaveBeenCalledWith('export:run', expect.objectContaining({ path }));
  });

  it('schedules:save needs a folder picked in the folder dialog', async () => {
    const s = setup();
    const folder = join(s.dir, 'folder');
    expect(await s.call('schedules:save', { viewId: 'v', folder })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await s.call('files:chooseFolder', {})).toEqual({ ok: true, value: { path: folder } });
    expect(await s.call('schedules:save', { viewId: 'v', folder })).toMatchObject({ ok: true });
  });

  it('writes a chart PNG only to a picked path and only when it is a PNG', async () => {
    const s = setup();
    const path = join(s.dir, 'chart.png');
    expect(await s.call('export:png', { path, dataUrl: PNG })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    s.setAnswer(path);
    await s.call('files:chooseSave', { suggestedName: 'chart', format: 'png' });
    const bad = 'data:image/png;base64,' + Buffer.from('<svg onload=alert(1)>').toString('base64');
    expect(await s.call('export:png', { path, dataUrl: bad })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(existsSync(path)).toBe(false);
    expect(await s.call('export:png', { path, dataUrl: PNG })).toEqual({ ok: true, value: { path, bytes: 16 } });
    expect(readFileSync(path).subarray(0, 4).toString('hex')).toBe('89504e47');
  });

  it('export:pdf asks the engine for the print view and prints it to the picked file', async () => {
    const s = setup();
    const path = join(s.dir, 'r.pdf');
    s.setAnswer(path);
    await s.call('files:chooseSave', { suggestedName: 'r', format: 'pdf' });
    const r = await s.call('export:pdf', { what: { kind: 'health' }, path });
    expect(r).toEqual({ ok: true, value: { path, bytes: 13 } });
    expect(s.engine.call).toHaveBeenCalledWith('export:html', { what: { kind: 'health' } });
    expect(s.printer).toHaveBeenCalledWith('<p>x</p>');
  });
});

describe('printHtmlToPdf', () => {
  it('prints in a hidden sandboxed window with JavaScript off, A4 landscape with page numbers, then destroys it', async () => {
    const proto = FakeBrowserWindow.prototype as unknown as Record<string, unknown>;
    const loaded: string[] = [];
    proto.loadFile = async function (f: string) {
      loaded.push(readFileSync(f, 'utf8'));
    };
    const destroy = vi.fn();
    proto.destroy = destroy;
    const printToPDF = vi.fn(async (_o: Record<string, unknown>) => Buffer.from('%PDF'));
    (FakeWebContents.prototype as unknown as Record<string, unknown>).printToPDF = printToPDF;
    const pdf = await printHtmlToPdf('<h1>Отчёт</h1>');
    expect(pdf.toString()).toBe('%PDF');
    const win = FakeBrowserWindow.instances.at(-1)!;
    expect(win.options).toMatchObject({ show: false, webPreferences: PRINT_WINDOW_PREFS });
    expect(PRINT_WINDOW_PREFS).toMatchObject({ javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(loaded).toEqual(['<h1>Отчёт</h1>']);
    expect(printToPDF.mock.calls[0]![0]).toMatchObject({ landscape: true, pageSize: 'A4', displayHeaderFooter: true, footerTemplate: expect.stringContaining('pageNumber') });
    expect(win.webContents.windowOpenHandler?.({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(destroy).toHaveBeenCalled();
  });
});
