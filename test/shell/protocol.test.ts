import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mock } from './electron-mock';

vi.mock('electron', async () => (await import('./electron-mock')).electronModule());

const { mimeType, resolveAppPath } = await import('../../src-main/shell/app-path');
const { registerAppScheme, serveAppRequest, handleAppProtocol } = await import('../../src-main/shell/protocol');
const { CSP } = await import('../../src-main/shell/csp');

const base = mkdtempSync(join(tmpdir(), 'skvoz-proto-'));
const root = join(base, 'renderer');
mkdirSync(join(root, 'assets'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Skvoz</title>');
writeFileSync(join(root, 'assets', 'index-Ab12_x.js'), 'console.log(1)');
writeFileSync(join(root, 'assets', 'index-Ab12_x.css'), 'body{}');
writeFileSync(join(base, 'secret.txt'), 'TOP-SECRET');
symlinkSync(join(base, 'secret.txt'), join(root, 'assets', 'link.txt'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const HOSTILE = [
  'app://skvoz/../secret.txt',
  'app://skvoz/assets/../../secret.txt',
  'app://skvoz/%2e%2e/secret.txt',
  'app://skvoz/%2E%2E/secret.txt',
  'app://skvoz/.%2e/secret.txt',
  'app://skvoz/%2e./secret.txt',
  'app://skvoz/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
  'app://skvoz/%252e%252e/secret.txt',
  'app://skvoz/..%2fsecret.txt',
  'app://skvoz/..%5csecret.txt',
  'app://skvoz/..\\secret.txt',
  'app://skvoz/assets\\..\\..\\secret.txt',
  'app://skvoz//etc/passwd',
  'app://skvoz///etc/passwd',
  'app://skvoz/%2fetc/passwd',
  'app://skvoz/C:/Windows/win.ini',
  'app://skvoz/c:%5cWindows%5cwin.ini',
  'app://skvoz/index.html%00.png',
  'app://skvoz/./index.html',
  'app://skvoz/assets/./index-Ab12_x.js',
  'app://evil/index.html',
  'app://skvoz.evil.example/index.html',
  'app://user:pw@skvoz/index.html',
  'app://skvoz:8080/index.html',
  'APP://evil/index.html',
  'file:///etc/passwd',
  'https://skvoz/index.html',
  'http://localhost:5173/index.html',
  'app:index.html',
  'app:/index.html',
  'app://skvoz/.hidden',
  'app://skvoz/%E0%A4%A',
  `app://skvoz/${'a/'.repeat(2000)}`,
  '',
];

describe('resolveAppPath', () => {
  it.each(HOSTILE)('refuses %s', (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
  });

  it('maps good URLs inside the root', () => {
    expect(resolveAppPath(root, 'app://skvoz/')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://skvoz')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://skvoz/index.html?x=1#/reports')).toBe(join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://skvoz/assets/index-Ab12_x.js')).toBe(join(root, 'assets', 'index-Ab12_x.js'));
    expect(resolveAppPath(root, 'app://SKVOZ/index.html')).toBe(join(root, 'index.html'));
  });

  it('never returns a path outside the root', () => {
    for (const url of HOSTILE) {
      const p = resolveAppPath(root, url);
      if (p !== null) expect(p.startsWith(root + sep)).toBe(true);
    }
  });
});

describe('MIME types', () => {
  it('knows the renderer build outputs', () => {
    expect(mimeType('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('a.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a.css')).toBe('text/css; charset=utf-8');
    expect(mimeType('a.svg')).toBe('image/svg+xml');
    expect(mimeType('a.woff2')).toBe('font/woff2');
    expect(mimeType('a.PNG')).toBe('image/png');
    expect(mimeType('a.unknown')).toBe('application/octet-stream');
  });
});

describe('serveAppRequest', () => {
  it('serves index.html with its type, nosniff and the CSP', async () => {
    const r = await serveAppRequest(root, 'app://skvoz/index.html', 'GET', CSP);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CSP);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await r.text()).toContain('<title>Skvoz</title>');
  });

  it('serves assets', async () => {
    const r = await serveAppRequest(root, 'app://skvoz/assets/index-Ab12_x.css', 'GET', CSP);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('404 for a missing file, a folder, and every hostile URL', async () => {
    expect((await serveAppRequest(root, 'app://skvoz/nope.js', 'GET', CSP)).status).toBe(404);
    expect((await serveAppRequest(root, 'app://skvoz/assets', 'GET', CSP)).status).toBe(404);
    for (const url of HOSTILE.slice(0, 12)) {
      const r = await serveAppRequest(root, url, 'GET', CSP);
      expect(r.status, url).toBe(404);
      expect(await r.text()).not.toContain('TOP-SECRET');
    }
  });

  it('a symlink out of the renderer folder is not followed', async () => {
    const r = await serveAppRequest(root, 'app://skvoz/assets/link.txt', 'GET', CSP);
    expect(r.status).toBe(404);
    expect(await r.text()).not.toContain('TOP-SECRET');
  });

  it('405 for anything but GET and HEAD', async () => {
    expect((await serveAppRequest(root, 'app://skvoz/index.html', 'POST', CSP)).status).toBe(405);
    expect((await serveAppRequest(root, 'app://skvoz/index.html', 'HEAD', CSP)).status).toBe(200);
  });
});

describe('registration', () => {
  it('app:// is privileged as standard, secure, fetch-capable', () => {
    registerAppScheme();
    const schemes = mock.protocol.registerSchemesAsPrivileged.mock.calls[0]![0] as { scheme: string; privileges: Record<string, boolean> }[];
    expect(schemes).toHaveLength(1);
    expect(schemes[0]!.scheme).toBe('app');
    expect(schemes[0]!.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(schemes[0]!.privileges.bypassCSP).toBeUndefined();
  });

  it('protocol.handle serves through the guard', async () => {
    handleAppProtocol(root, CSP);
    const [scheme, handler] = mock.protocol.handle.mock.calls[0]! as [string, (r: Request) => Promise<Response>];
    expect(scheme).toBe('app');
    expect((await handler({ url: 'http://x/index.html', method: 'GET' } as Request)).status).toBe(404);
    const fake = { url: 'app://skvoz/../secret.txt', method: 'GET' } as Request;
    expect((await handler(fake)).status).toBe(404);
    const good = { url: 'app://skvoz/index.html', method: 'GET' } as Request;
    expect((await handler(good)).status).toBe(200);
  });
});
