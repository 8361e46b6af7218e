// The shell's half of exports: save and folder dialogs (remembering the last folder), PDF through
// a hidden window's printToPDF, chart PNGs from the renderer's canvas. The renderer never names a
// file on its own: export:run, export:pdf, export:png and schedules:save accept only paths the
// user picked in one of these dialogs during this session.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Parsed, Result } from '@shared/contract';
import { createLogger } from '../engine/log';
import type { EngineCaller } from './ipc';

export interface DialogLike {
  showSaveDialog(opts: { title?: string; defaultPath?: string; filters?: { name: string; extensions: string[] }[] }): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(opts: { title?: string; defaultPath?: string; properties: ('openDirectory' | 'createDirectory')[] }): Promise<{ canceled: boolean; filePaths: string[] }>;
}

/** Prints self-contained HTML to a PDF file (print.ts: a hidden BrowserWindow, JavaScript off). */
export type HtmlPrinter = (html: string) => Promise<Buffer>;

export interface ExportShellOptions {
  dialog: DialogLike;
  /** `<userData>/exports.json`: the last folder used */
  prefsFile: string;
  /** the folder offered the first time (Documents) */
  defaultDir: string;
  printer: HtmlPrinter;
  engine: EngineCaller;
}

const FILTERS: Record<Parsed<'files:chooseSave'>['format'], { name: string; extensions: string[] }> = {
  xlsx: { name: 'Книга Excel', extensions: ['xlsx'] },
  csv: { name: 'CSV (разделители — точка с запятой)', extensions: ['csv'] },
  pdf: { name: 'PDF', extensions: ['pdf'] },
  png: { name: 'Изображение PNG', extensions: ['png'] },
  json: { name: 'Правила каналов Skvoz (JSON)', extensions: ['json'] },
};

const NOT_CHOSEN = 'Сначала выберите файл в окне сохранения — Skvoz пишет только туда, куда вы указали.';
const log = createLogger('shell/exports');

const norm = (p: string) => resolve(p);

export class ExportShell {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  constructor(private readonly opts: ExportShellOptions) {}

  lastFolder(): string {
    try {
      const raw = JSON.parse(readFileSync(this.opts.prefsFile, 'utf8')) as { lastFolder?: unknown };
      if (typeof raw.lastFolder === 'string' && existsSync(raw.lastFolder)) return raw.lastFolder;
    } catch {
      // first time, or unreadable: the default folder
    }
    return this.opts.defaultDir;
  }

  private remember(folder: string): void {
    try {
      mkdirSync(dirname(this.opts.prefsFile), { recursive: true });
      writeFileSync(this.opts.prefsFile, `${JSON.stringify({ lastFolder: folder })}\n`, 'utf8');
    } catch (err) {
      log.warn('cannot remember the export folder', err);
    }
  }

  async chooseSave(input: Parsed<'files:chooseSave'>): Promise<Result<{ path: string | null }>> {
    const name = basename(input.suggestedName.replace(/[\\/]/g, ' '));
    const withExt = extname(name).toLowerCase() === `.${input.format}` ? name : `${name}.${input.format}`;
    const r = await this.opts.dialog.showSaveDialog({ title: 'Сохранить выгрузку', defaultPath: join(this.lastFolder(), withExt), filters: [FILTERS[input.format]] });
    if (r.canceled || !r.filePath) return { ok: true, value: { path: null } };
    let path = norm(r.filePath);
    if (extname(path).toLowerCase() !== `.${input.format}`) path = `${path}.${input.format}`;
    this.files.add(path);
    this.remember(dirname(path));
    return { ok: true, value: { path } };
  }

  async chooseFolder(input: Parsed<'files:chooseFolder'>): Promise<Result<{ path: string | null }>> {
    const r = await this.opts.dialog.showOpenDialog({ title: input.title ?? 'Папка для выгрузок', defaultPath: this.lastFolder(), properties: ['openDirectory', 'createDirectory'] });
    const picked = r.filePaths[0];
    if (r.canceled || !picked) return { ok: true, value: { path: null } };
    const path = norm(picked);
    this.folders.add(path);
    this.remember(path);
    return { ok: true, value: { path } };
  }

  /** Was this file picked in a save dialog (or does it sit in a picked folder)? */
  allowsFile(path: string): boolean {
    const p = norm(path);
    return this.files.has(p) || this.folders.has(dirname(p));
  }

  allowsFolder(path: string): boolean {
    return this.folders.has(norm(path));
  }

  /** Checks the paths of engine calls that write files; null when fine. */
  checkEngineCall(channel: string, input: unknown): Result<never> | null {
    if ((channel === 'export:run' || channel === 'channels:export') && !this.allowsFile((input as Parsed<'export:run'>).path)) {
      return { ok: false, error: { code: 'invalid_input', message: NOT_CHOSEN } };
    }
    if (channel === 'schedules:save' && !this.allowsFolder((input as Parsed<'schedules:save'>).folder)) {
      const existing = (input as Parsed<'schedules:save'>).id !== undefined;
      // an edit that keeps the folder it already had is fine: the engine stored it from a dialog
      if (!existing) return { ok: false, error: { code: 'invalid_input', message: 'Выберите папку для выгрузок в окне выбора папки.' } };
    }
    return null;
  }

  async pdf(input: Parsed<'export:pdf'>): Promise<Result<{ path: string; bytes: number }>> {
    if (!this.allowsFile(input.path)) return { ok: false, error: { code: 'invalid_input', message: NOT_CHOSEN } };
    const html = await this.opts.engine.call('export:html', { what: input.what });
    if (!html.ok) return html;
    const bytes = await this.opts.printer((html.value as { html: string }).html);
    return this.writeAtomic(input.path, bytes);
  }

  async png(input: Parsed<'export:png'>): Promise<Result<{ path: string; bytes: number }>> {
    if (!this.allowsFile(input.path)) return { ok: false, error: { code: 'invalid_input', message: NOT_CHOSEN } };
    const data = Buffer.from(input.dataUrl.slice('data:image/png;base64,'.length), 'base64');
    if (data.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') {
      return { ok: false, error: { code: 'invalid_input', message: 'Картинка графика повреждена — попробуйте ещё раз.' } };
    }
    return this.writeAtomic(input.path, data);
  }

  private writeAtomic(path: string, bytes: Buffer): Result<{ path: string; bytes: number }> {
    const part = `${path}.part`;
    try {
      writeFileSync(part, bytes);
      renameSync(part, path);
      return { ok: true, value: { path, bytes: statSync(path).size } };
    } catch (err) {
      rmSync(part, { force: true });
      log.warn('cannot write', path, err);
      return { ok: false, error: { code: 'invalid_input', message: `Не удалось записать ${path}: возможно, файл открыт в другой программе или нет прав на папку.` } };
    }
  }
}
