// Demo generation + load throughput against a raw prepared-insert loop on the same machine.
//   npx tsx bench/demo-load.ts [small|medium|large] [runs]
// Figures (rows/s, median of the runs; rows = leads + deals + contacts + calls + requests + cost
// rows, i.e. API records in):
//   demo-load     generate → map → store into a fresh workspace file, one transaction per page
//   demo-generate the generator alone (records built, nothing written)
//   raw-insert    the bound: the same number of rows, as wide on disk as the demo's, written by
//                 one prepared INSERT into a plain table in transactions of the same page size
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoSize } from '@shared/contract';
import { closeDatabase, openDatabase, type Db } from '../src-main/engine/db/open';
import { DEMO_PAGE_SIZE, generateDemo, loadDemo, type DemoStats } from '../src-main/engine/demo';
import { measureInterleaved, report } from './lib';

const size = (process.argv[2] ?? 'medium') as DemoSize;
const runs = Number(process.argv[3] ?? (size === 'large' ? 1 : 3));
const NOW = Date.parse('2026-03-31T09:30:00Z');
const dir = mkdtempSync(join(tmpdir(), 'skvoz-bench-'));
let fileNo = 0;
let db: Db | null = null;
let file = '';

function freshDb(migrate: boolean): void {
  file = join(dir, `bench-${fileNo++}.db`);
  db = openDatabase(file, { migrate });
}

function cur(): Db {
  if (!db) throw new Error('no database open');
  return db;
}

function dropDb(): void {
  if (db) closeDatabase(db);
  db = null;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
}

function fileBytes(f: string): number {
  let total = 0;
  for (const suffix of ['', '-wal']) {
    try {
      total += statSync(`${f}${suffix}`).size;
    } catch {
      // no WAL file
    }
  }
  return total;
}

const rowsOf = (s: DemoStats) => s.leads + s.deals + s.contacts + s.calls + s.requests + s.costRows;

async function main(): Promise<void> {
  // one untimed load fixes the row count and the bytes per row the baseline must match
  freshDb(true);
  const probe = await loadDemo(cur(), { size, seed: 1, timeZone: 'Europe/Moscow', now: NOW });
  const rows = rowsOf(probe);
  cur().pragma('wal_checkpoint(TRUNCATE)');
  const bytesPerRow = Math.max(64, Math.round(fileBytes(file) / rows));
  dropDb();
  console.log(`# ${size}: ${rows} API records (${JSON.stringify(probe)}), ~${bytesPerRow} B/row on disk, ${runs} run(s), median`);

  const payload = 'x'.repeat(Math.max(8, bytesPerRow - 90));
  const rawInsert = () => {
    const d = cur();
    d.exec(`CREATE TABLE raw_rows (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, c INTEGER, d INTEGER,
      e TEXT, f TEXT, g TEXT, h TEXT, i TEXT, payload TEXT)`);
    const st = d.prepare('INSERT INTO raw_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const page = d.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) st.run(i, i * 7, i % 1000, 1_700_000_000_000 + i, i & 1, 'yandex', 'cpc', 'divany_poisk', 'ad_1', `+7916${i}`, payload);
    });
    for (let i = 0; i < rows; i += DEMO_PAGE_SIZE) page(i, Math.min(rows, i + DEMO_PAGE_SIZE));
    return rows;
  };
  const demoLoad = async () => rowsOf(await loadDemo(cur(), { size, seed: 1, timeZone: 'Europe/Moscow', now: NOW }));
  const generate = () => {
    const g = generateDemo({ size, seed: 1, now: NOW });
    let n = 0;
    for (const s of [g.leads(), g.contacts(), g.deals(), g.calls(), g.requests(), g.costs()]) for (const p of s) n += p.length;
    return n;
  };

  const [raw, load, gen] = await measureInterleaved(
    [
      { name: 'raw-insert', op: rawInsert, setup: () => freshDb(false), teardown: dropDb },
      { name: 'demo-load', op: demoLoad, setup: () => freshDb(true), teardown: dropDb },
      { name: 'demo-generate', op: generate },
    ],
    runs,
  );
  if (!raw || !load || !gen) throw new Error('missing measurement');
  const perSec = (n: number, ms: number) => (n / ms) * 1000;
  const bound = { name: 'raw-insert', value: perSec(rows, raw.median) };
  report(`demo-load ${size} (generate + map + store)`, perSec(rows, load.median), 'rows/s', bound);
  report(`demo-generate ${size} (records only)`, perSec(Number(gen.result), gen.median), 'rows/s', bound);
  report(`raw-insert (${DEMO_PAGE_SIZE}-row transactions, ~${bytesPerRow} B/row)`, bound.value, 'rows/s', bound);
  console.log(`# demo-load ${size}: ${(load.median / 1000).toFixed(2)} s median (runs ${load.runs.map((r) => (r / 1000).toFixed(2)).join(', ')} s)`);
  console.log(`# rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));
