// Engine.dispatch under a few thousand malformed calls: every engine channel gets random junk
// (wrong types, prototype-polluting keys, huge and out-of-range values, deep nesting), and names
// that are not channels (`__proto__`, `constructor`, `toString`…) are asked for too. Every call
// resolves to a Result envelope, a valid call works afterwards, and Object.prototype is untouched.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CALL_CHANNELS, isShellChannel, type EngineChannel } from '@shared/channels';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { rng } from '../rng';

const root = mkdtempSync(join(tmpdir(), 'skvoz-fuzz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KEYS = ['__proto__', 'constructor', 'prototype', 'name', 'id', 'from', 'to', 'groupBy', 'model', 'basis', 'filters', 'compare', 'kind',
  'phones', 'emails', 'at', 'revenue', 'what', 'format', 'path', 'limit', 'offset', 'check', 'reason', 'sources', 'full', 'timeZone',
  'currency', 'normalisation', 'aliases', 'lookbackDays', 'toString', 'valueOf', 'then', 'length'];
const STRINGS = ['', ' ', '__proto__', 'constructor', '9999-12-31', '0000-01-01', '1999-12-31', '2026-02-30', '2026-03-31', 'x'.repeat(100_000),
  'source,medium', 'Europe/Moscow', 'Mars/Olympus', 'RUB', 'rub', '../../etc/passwd', 'C:\\Windows\\x.xlsx', '=HYPERLINK("x")', '\u0000', '😀',
  'last_non_direct', 'markov', 'event', 'lead', 'deal', '{"__proto__":{"polluted":1}}', 'NaN', '-1', '1e309'];
const NUMBERS = [0, -1, 1, 2 ** 31, -(2 ** 53), Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY, 0.5, 1e-300, 253402300800000];

function junk(r: () => number, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  switch (Math.floor(r() * (depth > 4 ? 6 : 10))) {
    case 0: return undefined;
    case 1: return null;
    case 2: return r() < 0.5;
    case 3: return pick(NUMBERS);
    case 4: return pick(STRINGS);
    case 5: return BigInt(Math.floor(r() * 1000)) as unknown;
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => junk(r, depth + 1));
    case 7: return JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}');
    case 8: {
      // a deep chain
      let v: unknown = 'deep';
      for (let i = 0; i < 2000; i++) v = [v];
      return v;
    }
    default: {
      const o: Record<string, unknown> = Object.create(r() < 0.1 ? null : Object.prototype) as Record<string, unknown>;
      for (let i = Math.floor(r() * 5); i > 0; i--) Object.defineProperty(o, pick(KEYS), { value: junk(r, depth + 1), enumerable: true, configurable: true, writable: true });
      return o;
    }
  }
}

const protoNames = (o: object) => Object.getOwnPropertyNames(o).sort();

describe('Engine.dispatch fuzz', () => {
  it('answers every malformed call with a Result and keeps working', async () => {
    const engine = new Engine({ root, secrets: new MemorySecrets() });
    await engine.init('small');
    const before = { object: protoNames(Object.prototype), array: protoNames(Array.prototype), fn: protoNames(Function.prototype) };
    const channels = CALL_CHANNELS.filter((c): c is EngineChannel => !isShellChannel(c))
      // these two would only do real, slow work on a valid input the generator cannot make anyway
      .filter((c) => c !== 'workspaces:delete');
    const bogus = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'reports:query ', 'nope:nope', 'secrets:set', 'files:chooseSave'];
    const r = rng(20260415);
    const codes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const channel = (r() < 0.1 ? bogus[Math.floor(r() * bogus.length)] : channels[Math.floor(r() * channels.length)]) as EngineChannel;
      const res = await engine.dispatch(channel, junk(r));
      expect(typeof res.ok).toBe('boolean');
      if (!res.ok) {
        expect(typeof res.error.message).toBe('string');
        codes.set(res.error.code, (codes.get(res.error.code) ?? 0) + 1);
      }
    }
    // junk is refused as input, never as an internal failure
    expect(codes.get('internal') ?? 0).toBe(0);
    expect(codes.get('invalid_input')).toBeGreaterThan(2000);
    for (const name of ['__proto__', 'constructor', 'toString']) {
      expect(await engine.dispatch(name as EngineChannel, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    // a date out of range says so
    const far = await engine.dispatch('reports:query', { from: '2026-01-01', to: '9999-12-31' });
    expect(far).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!far.ok) expect(far.error.message).toContain('между 2000-01-01 и 2100-12-31');
    // and the engine still works
    expect(await engine.dispatch('app:info', undefined)).toMatchObject({ ok: true });
    const report = await engine.dispatch('reports:query', { from: '2026-01-01', to: '2026-03-31' });
    expect(report.ok).toBe(true);
    expect({ object: protoNames(Object.prototype), array: protoNames(Array.prototype), fn: protoNames(Function.prototype) }).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await engine.close();
  }, 120_000);
});
