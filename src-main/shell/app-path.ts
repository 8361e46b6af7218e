// app:// → a file under out/renderer. Pure functions: the traversal guard and the MIME table.
import { extname, isAbsolute, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

// Raw-text red flags, checked before the URL parser gets a chance to normalise them away:
// backslashes, encoded dots / slashes / backslashes / NUL, and dot segments.
const HOSTILE_RAW = /\\|%2e|%2f|%5c|%00|%25/i;
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;
const SAFE_SEGMENT = /^[A-Za-z0-9_@][A-Za-z0-9_.@~+-]*$/;

/**
 * The absolute file an `app://skvoz/...` URL names under `root`, or null when the URL is not
 * ours or tries to leave `root`: other schemes or hosts, ports, credentials, `..` in any
 * spelling (plain, percent-encoded, double-encoded), backslashes, absolute or drive paths,
 * empty segments, control characters. `/` means `/index.html`.
 */
export function resolveAppPath(root: string, url: string): string | null {
  if (typeof url !== 'string' || url.length > 2048) return null;
  const prefix = `${APP_SCHEME}://${APP_HOST}`;
  if (!url.toLowerCase().startsWith(`${prefix}/`) && url.toLowerCase() !== prefix) return null;
  // the raw path, without query and fragment, exactly as sent
  const rawPath = url.slice(prefix.length).split(/[?#]/, 1)[0] || '/';
  if (HOSTILE_RAW.test(rawPath) || DOT_SEGMENT.test(rawPath)) return null;

  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.hostname.toLowerCase() !== APP_HOST || u.port !== '' || u.username !== '' || u.password !== '') {
    return null;
  }

  let path: string;
  try {
    path = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (path === '' || path === '/') path = '/index.html';
  if (!path.startsWith('/') || path.startsWith('//')) return null;

  const segments = path.slice(1).split('/');
  for (const s of segments) {
    if (!SAFE_SEGMENT.test(s) || s === '.' || s === '..' || s.includes('..')) return null;
  }
  if (/^[A-Za-z]:/.test(segments[0] ?? '')) return null;
  const rel = segments.join(sep);
  if (isAbsolute(rel)) return null;

  const base = resolve(root);
  const full = resolve(base, rel);
  if (!full.startsWith(base + sep)) return null;
  return full;
}
