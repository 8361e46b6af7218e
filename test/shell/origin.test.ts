import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, allowedOrigins, devServerOrigin, isAllowedOrigin, originOf } from '../../src-main/shell/origin';

describe('originOf', () => {
  it.each([
    ['app://skvoz/index.html', 'app://skvoz'],
    ['app://SKVOZ/x', 'app://skvoz'],
    ['http://localhost:5173/', 'http://localhost:5173'],
    ['https://Example.com/a?b', 'https://example.com'],
    ['app://user@skvoz/', null],
    ['app://skvoz:1/', null],
    ['file:///etc/passwd', null],
    ['data:text/html,x', null],
    ['about:blank', null],
    ['javascript:alert(1)', null],
    ['', null],
    [undefined, null],
    [42, null],
  ])('%j → %j', (url, origin) => {
    expect(originOf(url)).toBe(origin);
  });
});

describe('devServerOrigin', () => {
  it('accepts loopback http only', () => {
    expect(devServerOrigin('http://localhost:5173/')).toBe('http://localhost:5173');
    expect(devServerOrigin('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
    expect(devServerOrigin('https://localhost:5173')).toBeNull();
    expect(devServerOrigin('http://evil.example:5173')).toBeNull();
    expect(devServerOrigin('http://localhost.evil.example/')).toBeNull();
    expect(devServerOrigin('http://u:p@localhost:5173/')).toBeNull();
    expect(devServerOrigin(undefined)).toBeNull();
  });
});

describe('allowedOrigins', () => {
  it('production: app://skvoz only; dev: the dev server only', () => {
    expect(allowedOrigins(null)).toEqual([APP_ORIGIN]);
    expect(allowedOrigins('http://localhost:5173')).toEqual(['http://localhost:5173']);
    expect(isAllowedOrigin('app://skvoz/index.html', allowedOrigins(null))).toBe(true);
    expect(isAllowedOrigin('http://localhost:5173/', allowedOrigins(null))).toBe(false);
  });
});
