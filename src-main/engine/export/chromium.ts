// PDF outside the app (the CLI, tests): the print view rendered by a locally installed Chromium
// or Chrome through playwright-core. Nothing is downloaded; when no browser is found the caller
// says so and suggests the app (which prints with its own built-in Chromium).
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { PDF_FOOTER, PDF_HEADER } from './html';
import type { PdfRenderer } from './write';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
  'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env.SKVOZ_CHROMIUM;
  if (own) return existsSync(own) ? own : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Page options shared with Electron's printToPDF (shell/print.ts). */
export const PAGE_PDF_OPTIONS = {
  format: 'A4',
  landscape: true,
  printBackground: true,
  preferCSSPageSize: true,
  displayHeaderFooter: true,
  headerTemplate: PDF_HEADER,
  footerTemplate: PDF_FOOTER,
} as const;

interface PageLike {
  setContent(html: string, o?: { waitUntil?: 'load' }): Promise<void>;
  pdf(o: typeof PAGE_PDF_OPTIONS): Promise<Buffer>;
  close(): Promise<void>;
}
interface BrowserLike {
  newPage(o?: { javaScriptEnabled?: boolean }): Promise<PageLike>;
  close(): Promise<void>;
}

/** Prints with an already running browser (tests pass the harness's Chromium). */
export async function pdfWith(browser: BrowserLike, html: string): Promise<Buffer> {
  const page = await browser.newPage({ javaScriptEnabled: false });
  try {
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf(PAGE_PDF_OPTIONS);
  } finally {
    await page.close();
  }
}

/** A renderer that starts Chromium for each file, or null when no browser or playwright-core is there. */
export async function chromiumPdfRenderer(env: NodeJS.ProcessEnv = process.env): Promise<PdfRenderer | null> {
  const exe = findChromium(env);
  if (!exe) return null;
  let chromium: { launch(o: { executablePath: string; args?: string[] }): Promise<BrowserLike> };
  try {
    ({ chromium } = (await import('playwright-core')) as unknown as { chromium: typeof chromium });
  } catch {
    return null;
  }
  return async (html, path) => {
    const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox'] });
    try {
      await writeFile(path, await pdfWith(browser, html));
    } finally {
      await browser.close();
    }
  };
}
