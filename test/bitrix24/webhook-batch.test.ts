// Webhook URL validation, PHP bracket-notation encoding, batch answer parsing, id-range scans.
import { describe, expect, it } from 'vitest';
import { parseWebhook, WebhookError, withOrigin } from '../../src-main/engine/sources/bitrix24/webhook';
import { listRows, parseBatchResult, toPhpQuery } from '../../src-main/engine/sources/bitrix24/batch';
import { advanceScan, isoAt, mergeRanges, newScan, planScan, type PieceAnswer, type ScanState } from '../../src-main/engine/sources/bitrix24/scan';
import { redact } from '../../src-main/engine/log';
import { parsePhpQuery } from '../fakes/bitrix24';

function problem(url: string): string {
  try {
    parseWebhook(url);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(WebhookError);
    expect((e as WebhookError).code).toBe('invalid_input');
    return (e as WebhookError).problem;
  }
}

describe('webhook URL', () => {
  it('accepts the documented shape, with or without a method suffix', () => {
    const w = parseWebhook(' https://example.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/ ');
    expect(w).toMatchObject({ origin: 'https://example.bitrix24.ru', host: 'example.bitrix24.ru', userId: 1 });
    expect(w.base).toBe('https://example.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/');
    expect(parseWebhook('https://example.bitrix24.ru/rest/12/x8k2m4q9v7t1z3ab/profile.json').base).toBe('https://example.bitrix24.ru/rest/12/x8k2m4q9v7t1z3ab/');
    expect(parseWebhook('https://example.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab').userId).toBe(1);
  });

  it('refuses http except on loopback, and malformed URLs, in Russian', () => {
    expect(problem('http://example.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/')).toBe('not_https');
    expect(problem('http://127.0.0.1:8080/rest/1/x8k2m4q9v7t1z3ab/')).toBe('ok');
    expect(problem('http://localhost:8080/rest/1/x8k2m4q9v7t1z3ab/')).toBe('ok');
    expect(problem('example.bitrix24.ru/rest/1/abc')).toBe('bad_url');
    expect(problem('https://example.bitrix24.ru/rest/abc/x8k2m4q9v7t1z3ab/')).toBe('bad_url');
    expect(problem('https://example.bitrix24.ru/crm/deal/')).toBe('bad_url');
    expect(problem('https://example.bitrix24.ru/rest/1/short/')).toBe('bad_url');
    expect(problem('https://u:p@example.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/')).toBe('bad_url');
    expect(problem('')).toBe('bad_url');
    try {
      parseWebhook('http://example.bitrix24.ru/rest/1/x8k2m4q9v7t1z3ab/');
    } catch (e) {
      expect((e as Error).message).toMatch(/https/);
      expect((e as Error).message).not.toMatch(/x8k2m4q9v7t1z3ab/);
    }
  });

  it('moves to another origin keeping user and code; the logger hides the code', () => {
    const w = withOrigin(parseWebhook('https://old.bitrix24.ru/rest/3/x8k2m4q9v7t1z3ab/'), 'https://new.bitrix24.ru');
    expect(w.base).toBe('https://new.bitrix24.ru/rest/3/x8k2m4q9v7t1z3ab/');
    expect(() => withOrigin(w, 'http://evil.example')).toThrow(WebhookError);
    expect(redact(`POST ${w.base}crm.lead.list`)).not.toContain('x8k2m4q9v7t1z3ab');
  });
});

describe('batch encoding and answers', () => {
  it('encodes params in PHP bracket notation that parse_str reads back', () => {
    const params = {
      entityTypeId: 2,
      select: ['ID', 'PHONE'],
      filter: { '>=DATE_MODIFY': '2025-03-10T09:00:00+03:00', '>=ID': 100, '<ID': 150, '@ID': [1, 2], TITLE: 'a&b=c [x]' },
      order: { ID: 'ASC' },
      start: -1,
      empty: null,
      skipped: undefined,
    };
    const q = toPhpQuery(params);
    expect(q).toContain('filter[%3E%3DID]=100');
    expect(q).toContain('select[1]=PHONE');
    expect(parsePhpQuery(q)).toEqual({
      entityTypeId: '2',
      select: { '0': 'ID', '1': 'PHONE' },
      filter: { '>=DATE_MODIFY': '2025-03-10T09:00:00+03:00', '>=ID': '100', '<ID': '150', '@ID': { '0': '1', '1': '2' }, TITLE: 'a&b=c [x]' },
      order: { ID: 'ASC' },
      start: '-1',
      empty: '',
    });
  });

  it('accepts [] and {} maps, numeric-key objects and empty-error codes', () => {
    const r = parseBatchResult({
      result: { a: [{ ID: '1' }], b: { items: [{ id: 2 }] } },
      result_error: { x: { error: '', error_description: 'Access denied.' } },
      result_total: { a: 0 },
      result_next: [],
      result_time: { a: { operating: 0.5, operating_reset_at: 1741594421 } },
    });
    expect(r.get('a')).toMatchObject({ result: [{ ID: '1' }], total: 0, time: { operating: 0.5 } });
    expect(r.get('a')?.next).toBeUndefined();
    expect(listRows(r.get('b')?.result)).toEqual([{ id: 2 }]);
    expect(r.get('x')?.error).toEqual({ code: 'ACCESS_DENIED', description: 'Access denied.', kind: 'denied' });
    const empty = parseBatchResult({ result: [], result_error: [], result_total: [], result_next: [], result_time: [] });
    expect(empty.size).toBe(0);
    expect(listRows({ '0': { ID: '1' }, '1': { ID: '2' } })).toHaveLength(2);
    expect(parseBatchResult({ result: { a: [] }, result_next: { a: '50' } }).get('a')?.next).toBe(50);
  });

  it('writes filter instants with the portal offset', () => {
    expect(isoAt(Date.parse('2025-03-10T06:03:41.900Z'), 180)).toBe('2025-03-10T09:03:41+03:00');
    expect(isoAt(Date.parse('2025-03-10T06:03:41Z'), -90)).toBe('2025-03-10T04:33:41-01:30');
  });
});

/** Runs a pass over a sorted id set, answering like the portal; returns ids read and rounds. */
function simulate(ids: number[], room = 50): { seen: number[]; rounds: number; subCalls: number } {
  let st: ScanState = newScan(null);
  const seen: number[] = [];
  let rounds = 0;
  let subCalls = 0;
  for (;;) {
    const { pieces, rest } = planScan(st, room);
    rounds++;
    subCalls += pieces.length;
    const answers: PieceAnswer[] = pieces.map((p) => {
      if (p.kind === 'max') return { piece: p, ids: ids.slice(-50) };
      if (p.kind === 'ids') return { piece: p, ids: ids.filter((i) => p.ids.includes(i)) };
      const lo = p.lo;
      const hi = p.kind === 'win' ? p.hi : Infinity;
      return { piece: p, ids: ids.filter((i) => i >= lo && i < hi).slice(0, 50) };
    });
    for (const a of answers) if (a.piece.kind !== 'max') seen.push(...a.ids);
    const next = advanceScan(st, rest, answers, 1000);
    st = next.state;
    if (next.done) return { seen, rounds, subCalls };
    if (rounds > 10_000) throw new Error('no progress');
  }
}

describe('id-range scans', () => {
  it('reads every id of dense, gappy and sparse sets, ≈ 2,500 rows per round when dense', () => {
    const dense = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const r1 = simulate(dense);
    expect(new Set(r1.seen).size).toBe(10_000);
    expect(r1.rounds).toBeLessThanOrEqual(1 + Math.ceil(10_000 / 2500) + 1);
    // a deleted id every ~23: windows widen to ~52 ids and stay within 3 % of 50 rows per sub-call
    let x = 1000;
    const gappy = Array.from({ length: 20_000 }, () => (x += 1 + (x % 23 === 0 ? 1 : 0)));
    const r2 = simulate(gappy);
    expect(new Set(r2.seen)).toEqual(new Set(gappy));
    expect(r2.subCalls).toBeLessThan((20_000 / 50) * 1.03);
    // plus a block of 5,000 deleted records: still fewer sub-calls than fixed 50-id windows
    x = 1000;
    const holed = Array.from({ length: 20_000 }, (_, i) => (x += 1 + (x % 23 === 0 ? 1 : 0) + (i === 9000 ? 5000 : 0)));
    const r3 = simulate(holed);
    expect(new Set(r3.seen)).toEqual(new Set(holed));
    expect(r3.subCalls).toBeLessThan(((holed.at(-1) ?? 0) - (holed[0] ?? 0)) / 50);
    const sparse = [5, 90_000, 90_001, 5_000_000];
    expect(new Set(simulate(sparse).seen)).toEqual(new Set(sparse));
    expect(simulate([]).rounds).toBe(1);
    const few = Array.from({ length: 49 }, (_, i) => i * 7 + 3);
    expect(simulate(few)).toMatchObject({ rounds: 1 });
  });

  it('lists the leftovers of windows cut short by id, and merges adjacent ranges', () => {
    expect(mergeRanges([[10, 12], [1, 3], [3, 5], [20, 30], [25, 26]])).toEqual([[1, 5], [10, 12], [20, 30]]);
    const st: ScanState = { ...newScan(null), start: 1, ranges: [[100, 103], [200, 201], [1000, 5000]], density: 1 };
    const { pieces } = planScan(st, 3);
    expect(pieces[0]).toEqual({ kind: 'ids', ids: [100, 101, 102, 200] });
    expect(pieces[1]).toEqual({ kind: 'win', lo: 1000, hi: 1050 });
  });
});
