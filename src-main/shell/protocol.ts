// The app:// protocol: production pages come from out/renderer through a privileged, standard,
// secure scheme instead of file:// (Electron checklist #18).
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { protocol } from 'electron';
import { createLogger } from '../engine/log';
import { mimeType, resolveAppPath } from './app-path';
import { APP_SCHEME } from './origin';

const log = createLogger('shell/protocol');

/** Must run before `app` is ready. */
export function registerAppScheme(): void {
  // standard: a real origin (app://skvoz) for CSP 'self' and the IPC sender check; secure: a
  // secure context; corsEnabled: Vite's <script type="module" crossorigin> loads in CORS mode
  // (same-origin here; we send no Access-Control-Allow-Origin, so other origins still can't read).
  // Never bypassCSP.
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
  ]);
}

function notFound(status = 404, text = 'Not found'): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } });
}

/**
 * Answers one app:// request from files under `root`. Plain Node (Response is global), so tests
 * call it directly: hostile paths and missing files are 404, only GET/HEAD are served.
 */
export async function serveAppRequest(root: string, url: string, method: string, csp: string): Promise<Response> {
  if (method !== 'GET' && method !== 'HEAD') return notFound(405, 'Method not allowed');
  const file = resolveAppPath(root, url);
  if (!file) {
    log.warn('app:// request refused', url.slice(0, 200));
    return notFound();
  }
  try {
    // symlinks must not lead out of the renderer folder either
    const [realRoot, realFile] = await Promise.all([realpath(resolve(root)), realpath(file)]);
    if (!realFile.startsWith(realRoot + sep)) return notFound();
    const info = await stat(realFile);
    if (!info.isFile()) return notFound();
    const body = method === 'HEAD' ? null : await readFile(realFile);
    return new Response(body, {
      status: 200,
      headers: {
        'Content-Type': mimeType(realFile),
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-cache',
      },
    });
  } catch {
    return notFound();
  }
}

/** Registers the handler on the default session (after ready). */
export function handleAppProtocol(root: string, csp: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(root, request.url, request.method, csp));
}
