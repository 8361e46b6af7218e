import { describe, expect, it } from 'vitest';
import { CSP, buildCsp, parseCsp } from '../../src-main/shell/csp';

// Sources a directive may list; anything else (a host, a scheme like https: or ws:, *) fails.
const LOCAL_SOURCES = new Set(["'self'", "'none'", "'unsafe-inline'", 'data:', 'blob:']);

describe('CSP', () => {
  const d = parseCsp(CSP);

  it('has no remote source in any directive', () => {
    for (const [name, sources] of d) {
      for (const s of sources) expect(LOCAL_SOURCES.has(s), `${name} ${s}`).toBe(true);
    }
    expect(CSP).not.toMatch(/https?:|wss?:|\*/);
  });

  it("connect-src is 'self' only: the renderer never talks to the network", () => {
    expect(d.get('connect-src')).toEqual(["'self'"]);
  });

  it('scripts only from the app, no inline or eval', () => {
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
  });

  it('keeps the agreed style and image sources', () => {
    expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(d.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('is usable as a <meta> tag (no header-only directives)', () => {
    for (const name of ['frame-ancestors', 'report-uri', 'sandbox']) expect(d.has(name)).toBe(false);
  });

  it('production header CSP is the same string', () => {
    expect(buildCsp(null)).toBe(CSP);
  });

  it('dev adds only the Vite HMR websocket of the exact dev origin', () => {
    const dev = parseCsp(buildCsp('http://localhost:5173'));
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    for (const [name, sources] of dev) {
      if (name !== 'connect-src') expect(sources).toEqual(d.get(name));
    }
  });

  it('refuses a non-http dev origin', () => {
    expect(() => buildCsp('https://evil.example')).toThrow();
  });
});
