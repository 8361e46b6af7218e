// `skvoz report` prints the comparison period beside the main one (docs/REPORTS.md «Comparison
// periods»), and `--period` presets compare by their calendar unit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli as run } from '../survive/helpers';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';

let dir: string;
const NOW = Date.parse('2026-12-05T09:00:00Z');

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'skvoz-cli-')), 'ws');
  const { ws } = await createDemoWorkspace(dir, { name: 'CLI', size: 'small', seed: 1, now: NOW });
  ws.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('skvoz report --compare', () => {
  it('prints the comparison period beside the main one, and a month ago', async () => {
    const r = await run(['report', '--workspace', dir, '--from', '2026-11-01', '--to', '2026-11-30', '--compare', 'month', '--format', 'csv']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('Период: 01.11.2026 – 30.11.2026; сравнение: 01.10.2026 – 31.10.2026');
  });

  it('--period lastMonth compares with the whole previous calendar month', async () => {
    const r = await run(['report', '--workspace', dir, '--period', 'lastMonth', '--compare', 'previous']);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out) as { from: string; to: string; compare: { from: string; to: string } };
    expect({ from: json.from, to: json.to }).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(json.compare).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
    expect(r.err).toContain('сравнение: 01.10.2026 – 31.10.2026');
  });

  it('says when the comparison period is before the data, and refuses an unknown comparison', async () => {
    const r = await run(['report', '--workspace', dir, '--from', '2026-11-01', '--to', '2026-11-30', '--compare', 'year']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/сравнение: 01\.11\.2025 – 30\.11\.2025 \((в нём нет данных|данные только с)/);
    const bad = await run(['report', '--workspace', dir, '--from', '2026-11-01', '--to', '2026-11-30', '--compare', 'decade']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--compare');
  });
});
