// The costs import reads each sample format (issue 14): Yandex Metrica's CSV, Russian headers with
// `;`, BOM, decimal comma and dd.mm.yyyy, tab-separated, Windows-1251, a Yandex Direct statistics
// export and a VK Ads export; the preview's column mapping; per-line errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../src-main/engine/db/migrate';
import { parseCostsCsv, parseDay, parseNumber } from '../../src-main/engine/costs/csv';
import { importCosts } from '../../src-main/engine/costs/store';

const fixture = (name: string) => new Uint8Array(readFileSync(join(import.meta.dirname, '../fixtures/costs', name)));
const pick = (r: { day: string; source: string; medium: string; campaign: string; amount: number; impressions: number | null; clicks: number | null }) =>
  [r.day, r.source, r.medium, r.campaign, r.amount, r.impressions, r.clicks];

describe('costs files as marketers have them', () => {
  it('Yandex Metrica expenses CSV', () => {
    const p = parseCostsCsv(fixture('metrica.csv'), 'RUB');
    expect(p.errors).toEqual([]);
    expect(p.layout).toBe('metrica');
    expect(p.rows.map(pick)).toEqual([
      ['2026-03-01', 'yandex', 'cpc', 'divany_poisk_msk', 1520.4, null, null],
      ['2026-03-01', 'vk', 'cpc', 'vk_divany', 830, null, null],
      ['2026-03-02', 'google', 'cpc', 'divany_search', 50, null, null],
      ['2026-03-03', 'google', 'cpc', 'divany_search', 50, null, null],
    ]);
  });

  it('Russian headers, `;`, BOM, decimal comma, thousands spaces and dd.mm.yyyy; impressions and clicks kept', () => {
    const p = parseCostsCsv(fixture('russian-semicolon-bom.csv'), 'RUB');
    expect(p.errors).toEqual([]);
    expect([p.delimiter, p.encoding]).toEqual([';', 'utf-8']);
    expect(p.rows.map(pick)).toEqual([
      ['2026-03-01', 'yandex', 'cpc', 'divany_poisk_msk', 1520.4, 15230, 412],
      ['2026-03-01', 'vk', 'cpc', 'vk_divany', 830, 9100, 120],
      ['2026-03-02', 'yandex', 'cpc', 'krovati_poisk_msk', 2004.1, null, null],
    ]);
  });

  it('tab-separated', () => {
    const p = parseCostsCsv(fixture('tab-separated.tsv'), 'RUB');
    expect(p.delimiter).toBe('\t');
    expect(p.errors).toEqual([]);
    expect(p.rows.map((r) => r.amount)).toEqual([1520.4, 998]);
  });

  it('Windows-1251', () => {
    const p = parseCostsCsv(fixture('windows-1251.csv'), 'RUB');
    expect(p.encoding).toBe('windows-1251');
    expect(p.rows.map(pick)).toEqual([['2026-03-01', 'yandex', '', 'Диваны Москва', 500.5, null, null]]);
  });

  it('a Yandex Direct statistics export: title lines skipped, yandex / cpc for the file, «--» as zero, «Итого» dropped', () => {
    const p = parseCostsCsv(fixture('yandex-direct-export.csv'), 'USD');
    expect(p.errors).toEqual([]);
    expect(p.layout).toBe('yandex_direct');
    expect(p.headerLine).toBe(3);
    expect([p.source, p.medium]).toEqual(['yandex', 'cpc']);
    expect(p.rows.map(pick)).toEqual([
      ['2026-03-01', 'yandex', 'cpc', 'divany_poisk_msk', 18345.6, 15230, 412],
      ['2026-03-01', 'yandex', 'cpc', 'rsya_retarget', 7021.11, 120400, 380],
      ['2026-03-02', 'yandex', 'cpc', 'divany_poisk_msk', 0, 14100, 0],
    ]);
    // «Расход (руб.)» names the currency, whatever the workspace's is
    expect(p.rows.every((r) => r.currency === 'RUB')).toBe(true);
  });

  it('a VK Ads export: vk / cpc for the file, «Потрачено» as cost, «Всего» dropped', () => {
    const p = parseCostsCsv(fixture('vk-ads-export.csv'), 'RUB');
    expect(p.errors).toEqual([]);
    expect(p.layout).toBe('vk_ads');
    expect(p.rows.map(pick)).toEqual([
      ['2026-03-01', 'vk', 'cpc', 'vk_divany', 830, 9100, 120],
      ['2026-03-02', 'vk', 'cpc', 'vk_divany', 702.5, 8800, 101],
    ]);
  });

  it('the preview mapping overrides the guess: another column, a source for the whole file', () => {
    const bytes = new TextEncoder().encode('День;Название;Сумма;Прочее\n01.03.2026;Кампания А;100;x\n');
    const guessed = parseCostsCsv(bytes, 'RUB');
    expect(guessed.errors[0]!.message).toMatch(/Нет обязательных колонок/);
    const p = parseCostsCsv(bytes, 'RUB', { columns: { date: 0, campaign: 1, cost: 2 }, headerLine: 1, source: 'mytarget', medium: 'cpm' });
    expect(p.errors).toEqual([]);
    expect(p.rows.map(pick)).toEqual([['2026-03-01', 'mytarget', 'cpm', 'Кампания А', 100, null, null]]);
    const noSource = parseCostsCsv(bytes, 'RUB', { columns: { date: 0, campaign: 1, cost: 2 } });
    expect(noSource.errors[0]!.message).toMatch(/Нет колонки «Источник»/);
  });

  it('errors per line with the reason', () => {
    const p = parseCostsCsv(
      new TextEncoder().encode('Дата;Источник;Расход;Клики\n31.02.2026;yandex;10;1\n01.03.2026;yandex;десять;1\n01.03.2026;yandex;10;-3\n01.03.2026;yandex;10;2\n'),
      'RUB',
    );
    expect(p.errors).toEqual([
      { line: 2, message: 'Дата «31.02.2026» не похожа на ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.' },
      { line: 3, message: 'Расход «десять» — не неотрицательное число.' },
      { line: 4, message: 'Клики «-3» — не целое неотрицательное число.' },
    ]);
    expect(p.rows).toHaveLength(1);
  });

  it('numbers and dates in the usual spellings', () => {
    expect(['1 234,50', '1234.5', '18 345,60 ₽', '1,234.50', '1.234,50', '--', 'abc'].map(parseNumber)).toEqual([1234.5, 1234.5, 18345.6, 1234.5, 1234.5, 0, null]);
    expect(['2026-03-01', '01.03.2026', '1.3.26', '01/03/2026', '2026-02-30', '01.03.2026 0:00'].map(parseDay)).toEqual([
      '2026-03-01', '2026-03-01', '2026-03-01', '2026-03-01', null, '2026-03-01',
    ]);
  });

  it('an import stores impressions and clicks', () => {
    const db = new Database(':memory:');
    migrate(db);
    const r = importCosts(db, { fileName: 'direct.csv', bytes: fixture('yandex-direct-export.csv'), defaultCurrency: 'RUB', skipErrors: false, dryRun: false, now: 1 });
    expect(r.layout).toBe('yandex_direct');
    expect(db.prepare('SELECT sum(amount) AS a, sum(impressions) AS i, sum(clicks) AS c FROM cost').get()).toEqual({ a: 25366.71, i: 149730, c: 792 });
  });
});
