import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/engine/db/migrate';
import { parseCostsCsv, parseCsvRecords } from '../../src-main/engine/costs/csv';
import { deleteCostBatch, importCosts, listCostBatches } from '../../src-main/engine/costs/store';

const enc = (s: string) => new TextEncoder().encode(s);
const cp1251 = (s: string) => {
  // minimal cp1251 encoder for Cyrillic test strings
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 128) out.push(c);
    else if (c >= 0x410 && c <= 0x44f) out.push(c - 0x410 + 0xc0);
    else if (c === 0x401) out.push(0xa8);
    else if (c === 0x451) out.push(0xb8);
    else throw new Error(`no cp1251 for ${ch}`);
  }
  return new Uint8Array(out);
};

function db() {
  const d = new Database(':memory:');
  d.pragma('foreign_keys = ON');
  migrate(d);
  return d;
}

const opts = { fileName: 'costs.csv', defaultCurrency: 'RUB', skipErrors: false, dryRun: false, now: 1_700_000_000_000 };

describe('costs CSV (Yandex Metrica layout)', () => {
  it('parses comma CSV with dot decimals and a date range spread evenly', () => {
    const p = parseCostsCsv(enc('Date,UTMSource,UTMMedium,UTMCampaign,Expenses,Currency\n2026-03-01/2026-03-03,yandex,cpc,sofas,100.00,RUB\n'), 'RUB');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => [r.day, r.amount])).toEqual([
      ['2026-03-01', 33.33],
      ['2026-03-02', 33.33],
      ['2026-03-03', 33.34],
    ]);
    expect(p.rows.reduce((s, r) => s + r.amount, 0)).toBeCloseTo(100, 9);
    expect(p.rows[0]).toMatchObject({ source: 'yandex', medium: 'cpc', campaign: 'sofas', content: '', term: '' });
  });

  it('parses semicolons, decimal commas, thousands spaces, BOM and quoted fields', () => {
    const p = parseCostsCsv(enc('\uFEFFDate;UTMSource;UTMCampaign;UTMTerm;Expenses\n2026-03-01;vk;"весна; скидки";"купить ""диван""";1 234,50\n'), 'RUB');
    expect(p.delimiter).toBe(';');
    expect(p.errors).toEqual([]);
    expect(p.rows[0]).toMatchObject({ campaign: 'весна; скидки', term: 'купить "диван"', amount: 1234.5, currency: 'RUB' });
  });

  it('reads Windows-1251 files', () => {
    const p = parseCostsCsv(cp1251('Date;UTMSource;UTMCampaign;Expenses\n2026-03-01;yandex;Диваны Москва;500\n'), 'RUB');
    expect(p.encoding).toBe('windows-1251');
    expect(p.rows[0]!.campaign).toBe('Диваны Москва');
  });

  it('reports bad lines with line numbers', () => {
    const p = parseCostsCsv(
      enc('Date,UTMSource,Expenses\n2026-02-30,yandex,10\n2026-03-01,,10\n2026-03-01,google,abc\n2026-03-05/2026-03-01,vk,1\n2026-03-01,vk,5\n'),
      'RUB',
    );
    expect(p.errors.map((e) => e.line)).toEqual([2, 3, 4, 5]);
    expect(p.errors[0]!.message).toMatch(/Дата/);
    expect(p.rows).toHaveLength(1);
  });

  it('refuses costs above a trillion (a typo or glued columns), keeps the rest to the kopeck', () => {
    const p = parseCostsCsv(enc('Date;UTMSource;Expenses\n2026-03-01;yandex;1000000000000,01\n2026-03-02;yandex;999 999 999 999,99\n'), 'RUB');
    expect(p.errors).toEqual([{ line: 2, message: 'Расход «1000000000000,01» больше триллиона — проверьте число (не склеились ли колонки).' }]);
    expect(p.rows.map((r) => r.amount)).toEqual([999_999_999_999.99]);
  });

  it('refuses a file without the required columns', () => {
    const p = parseCostsCsv(enc('Day,Source,Money\n2026-03-01,x,1\n'), 'RUB');
    expect(p.errors[0]!.message).toMatch(/Нет обязательных колонок:.*«Расход»/);
  });

  it('record parser handles CRLF and newlines inside quotes', () => {
    expect(parseCsvRecords('a,"b\nc"\r\nd,e', ',')).toEqual([
      [1, ['a', 'b\nc']],
      [3, ['d', 'e']],
    ]);
  });
});

describe('costs import into the workspace', () => {
  it('imports nothing from a file with errors unless asked to skip them', () => {
    const d = db();
    const file = enc('Date,UTMSource,Expenses\n2026-03-01,yandex,10\n2026-03-02,yandex,oops\n');
    expect(() => importCosts(d, { ...opts, bytes: file })).toThrow(/строка 3/);
    expect(d.prepare('SELECT count(*) AS n FROM cost').get()).toEqual({ n: 0 });
    const r = importCosts(d, { ...opts, bytes: file, skipErrors: true });
    expect(r.rows).toBe(1);
    expect(r.errorCount).toBe(1);
    expect(d.prepare('SELECT count(*) AS n FROM cost').get()).toEqual({ n: 1 });
  });

  it('re-importing the same keys replaces, never duplicates; deleting a batch removes its rows', () => {
    const d = db();
    importCosts(d, { ...opts, bytes: enc('Date,UTMSource,UTMCampaign,Expenses\n2026-03-01,yandex,a,10\n2026-03-02,yandex,a,20\n') });
    const second = importCosts(d, { ...opts, fileName: 'v2.csv', bytes: enc('Date,UTMSource,UTMCampaign,Expenses\n2026-03-01,yandex,a,15\n2026-03-03,yandex,a,5\n') });
    const sum = d.prepare('SELECT count(*) AS n, sum(amount) AS s FROM cost').get();
    expect(sum).toEqual({ n: 3, s: 40 });
    const batches = listCostBatches(d);
    expect(batches).toHaveLength(2);
    deleteCostBatch(d, second.batchId!);
    expect(d.prepare('SELECT count(*) AS n, sum(amount) AS s FROM cost').get()).toEqual({ n: 1, s: 20 });
    expect(() => deleteCostBatch(d, 999)).toThrow(/не найдена/);
  });

  it('dry run previews without writing', () => {
    const d = db();
    const r = importCosts(d, { ...opts, dryRun: true, bytes: enc('Date,UTMSource,Expenses\n2026-03-01,yandex,10\n') });
    expect(r.batchId).toBeNull();
    expect(r.preview[0]).toMatchObject({ source: 'yandex', amount: 10 });
    expect(d.prepare('SELECT count(*) AS n FROM cost').get()).toEqual({ n: 0 });
  });
});
