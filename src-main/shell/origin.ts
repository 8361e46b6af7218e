// Which pages may talk to the shell: pure URL/origin checks, unit-tested in Node.
// Production pages come from app://skvoz; in development only from the exact Vite dev server.

export const APP_SCHEME = 'app';
export const APP_HOST = 'skvoz';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function parse(url: unknown): URL | null {
  if (typeof url !== 'string' || url === '') return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * The origin of a URL as `scheme://host[:port]`, or null for anything we never trust
 * (unparsable, credentials in the URL, opaque origins such as data:, file:, about:).
 * Node's URL reports `null` as the origin of non-special schemes like app:, so it is built here.
 */
export function originOf(url: unknown): string | null {
  const u = parse(url);
  if (!u || u.username !== '' || u.password !== '') return null;
  if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
  if (u.protocol === `${APP_SCHEME}:`) {
    if (u.hostname === '' || u.port !== '') return null;
    return `${APP_SCHEME}://${u.hostname.toLowerCase()}`;
  }
  return null;
}

/**
 * The dev server origin from electron-vite's ELECTRON_RENDERER_URL; only plain http on a
 * loopback host is accepted, so a stray environment variable can never whitelist a remote site.
 */
export function devServerOrigin(rendererUrl: string | undefined): string | null {
  const u = parse(rendererUrl);
  if (!u || u.protocol !== 'http:' || !LOOPBACK.has(u.hostname) || u.username !== '' || u.password !== '') return null;
  return u.origin;
}

/** The origins whose pages may call the shell: the dev server in dev, app://skvoz otherwise. */
export function allowedOrigins(devOrigin: string | null): readonly string[] {
  return devOrigin ? [devOrigin] : [APP_ORIGIN];
}

export function isAllowedOrigin(url: unknown, allowed: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && allowed.includes(origin);
}
