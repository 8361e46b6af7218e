// The export half of the shell for tests (e2e harness, test/export): the real ExportShell with a
// dialog that "picks" files in a temp folder and a printer that uses the test's Chromium.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { EngineChannel, ShellChannel } from '@shared/channels';
import { inputSchemas, type Result } from '@shared/contract';
import type { Engine } from '../../src-main/engine/engine';
import { ExportShell, type DialogLike } from '../../src-main/shell/exports';
import { Links } from '../../src-main/shell/links';
import { pdfWith } from '../../src-main/engine/export/chromium';

export class TestDialog implements DialogLike {
  readonly dir = mkdtempSync(join(tmpdir(), 'skvoz-exports-'));
  /** what the next dialog returns: a file name in `dir`, or null for «Отмена» */
  next: string | null | undefined;
  saves: { defaultPath?: string }[] = [];
  async showSaveDialog(o: { defaultPath?: string }) {
    this.saves.push(o);
    const name = this.next === undefined ? (o.defaultPath ?? 'export').split(/[\\/]/).pop()! : this.next;
    this.next = undefined;
    return name === null ? { canceled: true } : { canceled: false, filePath: join(this.dir, name) };
  }
  async showOpenDialog() {
    return { canceled: false, filePaths: [this.dir] };
  }
}

export type ExportShellChannel = Exclude<ShellChannel, `secrets:${string}`>;

/** What the app asked the shell to open: `url …`, `open …`, `reveal …`. */
export type Opened = string[];

export function testExportShell(engine: Engine, browser: () => Browser, portalHost: () => string | null = () => null) {
  const dialog = new TestDialog();
  const shell = new ExportShell({
    dialog,
    prefsFile: join(dialog.dir, '.prefs.json'),
    defaultDir: dialog.dir,
    printer: (html) => pdfWith(browser() as never, html),
    engine: { call: (c: EngineChannel, i: unknown) => engine.dispatch(c, i), currentWorkspaceId: null },
  });
  const opened: Opened = [];
  const links = new Links(
    {
      openExternal: async (url) => void opened.push(`url ${url}`),
      openPath: async (path) => (opened.push(`open ${path}`), ''),
      showItemInFolder: (path) => void opened.push(`reveal ${path}`),
    },
    portalHost,
    (path) => shell.allowsFile(path),
    async (touch) => {
      const r = await engine.dispatch('reports:landing', touch);
      return r.ok ? (r.value as { url: string | null }).url : null;
    },
  );
  async function dispatch(channel: ExportShellChannel, raw: unknown): Promise<Result<unknown>> {
    const parsed = inputSchemas[channel].safeParse(raw);
    if (!parsed.success) return { ok: false, error: { code: 'invalid_input', message: parsed.error.issues[0]?.message ?? 'Неверные данные' } };
    const input = parsed.data as never;
    if (channel === 'bitrix24:open') return links.openCrm(input);
    if (channel === 'touches:openLanding') return links.openLanding(input);
    if (channel === 'files:open') return links.openFile(input);
    if (channel === 'files:reveal') return links.revealFile(input);
    if (channel === 'files:chooseSave') return shell.chooseSave(input);
    if (channel === 'files:chooseFolder') return shell.chooseFolder(input);
    if (channel === 'export:pdf') return shell.pdf(input);
    return shell.png(input);
  }
  return { dialog, shell, dispatch, opened };
}
