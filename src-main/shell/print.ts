// PDF from the print view: a hidden, sandboxed window with JavaScript off loads the engine's
// self-contained HTML from a temporary file and prints it (A4 landscape, page numbers).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { PDF_FOOTER, PDF_HEADER } from '../engine/export/html';

export const PRINT_WINDOW_PREFS = {
  javascript: false,
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  webSecurity: true,
  images: true,
} as const;

export async function printHtmlToPdf(html: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'skvoz-print-'));
  const file = join(dir, 'print.html');
  writeFileSync(file, html, 'utf8');
  const win = new BrowserWindow({ show: false, width: 1123, height: 794, webPreferences: { ...PRINT_WINDOW_PREFS } });
  try {
    win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    win.webContents.on('will-navigate', (e) => e.preventDefault());
    await win.loadFile(file);
    return await win.webContents.printToPDF({
      landscape: true,
      pageSize: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: PDF_HEADER,
      footerTemplate: PDF_FOOTER,
    });
  } finally {
    win.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
