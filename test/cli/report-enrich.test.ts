// `skvoz report --group city` / `--group source,device` / `--group landing` (issue 19): attribution
// credits split by the enrichment dimensions exactly as by source — for every model the rows add
// up to the totals, and the totals are those of the report by channel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../survive/helpers';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { MODELS } from '../../src-shared/metrics';

let dir: string;
const NOW = Date.parse('2026-12-05T09:00:00Z');
const SUMMED = ['calls', 'requests', 'leads', 'deals', 'wonDeals', 'revenue', 'visits', 'cost'] as const;

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'skvoz-cli-enrich-')), 'ws');
  const { ws } = await createDemoWorkspace(dir, { name: 'CLI', size: 'small', seed: 3, now: NOW });
  ws.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, unknown> & Record<(typeof SUMMED)[number], number>;
interface Json {
  groupBy: string[];
  rows: Row[];
  totals: Row;
}

const PERIOD = ['--from', '2026-09-01', '--to', '2026-11-30'];

async function report(group: string, model: string): Promise<Json> {
  const r = await cli(['report', '--workspace', dir, ...PERIOD, '--group', group, '--model', model]);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Json;
}

/** The JSON rounds counts to 6 decimals and money to kopecks: the rows' sum may differ by that per row. */
function expectSums(r: Json, base: Json): void {
  for (const k of SUMMED) {
    const sum = r.rows.reduce((s, row) => s + row[k], 0);
    const rounding = k === 'revenue' || k === 'cost' ? 0.005 : 5e-7;
    expect(Math.abs(sum - r.totals[k]), k).toBeLessThanOrEqual(r.rows.length * rounding + 1e-9);
    expect(Math.abs(r.totals[k] - base.totals[k]), k).toBeLessThanOrEqual(0.01);
  }
}

describe('skvoz report by city, device and landing page', () => {
  it.each(MODELS)('rows add up to the totals under %s', async (model) => {
    const base = await report('channel', model);
    expect(base.totals.leads).toBeGreaterThan(0);
    const city = await report('city', model);
    expect(city.groupBy).toEqual(['city']);
    expectSums(city, base);
    const cities = city.rows.map((r) => r.city);
    expect(cities).toEqual(expect.arrayContaining(['Москва', 'Санкт-Петербург']));
    // a city a touch did not carry is its own row, null (never «undefined»)
    expect(cities).toContain(null);
    expect(cities).not.toContain('undefined');
    const sd = await report('source,device', model);
    expect(sd.groupBy).toEqual(['source', 'device']);
    expectSums(sd, base);
    expect(sd.rows.map((r) => r.device)).toEqual(expect.arrayContaining(['mobile', 'desktop']));
    const landing = await report('landing', model);
    expectSums(landing, base);
    const pages = landing.rows.map((r) => r.landing).filter((p): p is string => typeof p === 'string');
    expect(pages.length).toBeGreaterThanOrEqual(6);
    for (const p of pages) expect(p).toMatch(/^\/[^?#]*$/);
  });

  it('refuses a dimension that does not exist, naming the ones that do', async () => {
    const r = await cli(['report', '--workspace', dir, ...PERIOD, '--group', 'region']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('"city"|"device"|"landing"');
  });
});

describe('city, device and landing page are report dimensions where the workspace turns them on', () => {
  it('off: grouping or filtering by them says how to turn them on; on again: the report splits by city', async () => {
    const set = (v: boolean) => cli(['settings', 'set', '--workspace', dir, `normalisation.touchDetails=${v}`]);
    expect((await set(false)).code).toBe(0);
    const off = await cli(['report', '--workspace', dir, ...PERIOD, '--group', 'source,city']);
    expect(off.code).toBe(1);
    expect(off.err).toMatch(/Разрезы «Город» выключены в этом пространстве.*normalisation\.touchDetails=true/);
    expect(off.out).toBe('');
    // the rest of the report is as before: rows by channel and source read off equal those read on
    const base = await report('channel,source', 'linear');
    expect((await set(true)).code).toBe(0);
    const city = await report('city', 'linear');
    expectSums(city, base);
    expect(city.rows.map((r) => r.city)).toContain('Москва');
    expect(await report('channel,source', 'linear')).toEqual(base);
  });
});
