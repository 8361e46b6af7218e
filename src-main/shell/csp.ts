// The renderer's Content-Security-Policy. Only the engine talks to the network, so the page may
// connect to itself and nothing else; in development the Vite HMR websocket is added.
// The same production string belongs in src-renderer/index.html as a <meta http-equiv>.

const BASE: readonly (readonly [string, ...string[]])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'", "'unsafe-inline'"],
  ['img-src', "'self'", 'data:', 'blob:'],
  ['font-src', "'self'", 'data:'],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['frame-src', "'none'"],
  ['worker-src', "'self'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
];

function render(directives: readonly (readonly string[])[]): string {
  return directives.map((d) => d.join(' ')).join('; ');
}

/** Production CSP (also valid as a <meta http-equiv="Content-Security-Policy"> value). */
export const CSP = render(BASE);

/**
 * The CSP for the response headers. `devOrigin` is the exact Vite dev server origin
 * (`http://localhost:5173`), already checked to be loopback http; its ws: twin is allowed for HMR.
 */
export function buildCsp(devOrigin: string | null = null): string {
  if (!devOrigin) return CSP;
  const u = new URL(devOrigin);
  if (u.protocol !== 'http:') throw new Error(`dev origin must be http: ${devOrigin}`);
  const ws = `ws://${u.host}`;
  return render(BASE.map((d) => (d[0] === 'connect-src' ? [...d, ws] : d)));
}

/** Parses a CSP into directive → sources (for tests and diagnostics). */
export function parseCsp(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}
