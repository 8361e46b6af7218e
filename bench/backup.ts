// Backups of a workspace database (issue 15): the daily online backup, the integrity check and a
// restore, on a demo workspace.
//   npx tsx bench/backup.ts [--workspace DIR] [--size medium|large]
// DIR defaults to /tmp/skvoz-large (created with the demo of --size, default large, when missing;
// the large one takes ≈ 15 minutes). DIR's database is only read: it is opened read-only and the
// backup, the check and the restore work on copies in a temporary folder, deleted at the end.
// Figures (`name: value unit (ratio R vs BOUND)`); the bound is measured in the same run:
//   backup             SQLite backup API into a fresh file, as the daily job does it (steps, the
//                      event loop free between them) vs a plain copy of the database file.
//   backup size        the backup file vs the database file (+ its WAL); 7 are kept.
//   longest stall      the longest the event loop waited during the backup (the engine's thread
//                      must keep answering) vs 100 ms.
//   quick_check        PRAGMA quick_check of the backup on its own thread (what the weekly check and
//                      a restore run) vs the plain copy.
//   restore            check + copy into place (restoreFolder) vs the plain copy.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createDemoWorkspace } from '../src-main/engine/demo/workspace';
import { DB_FILE, META_FILE } from '../src-main/engine/workspace';
import { BACKUP_DIR, createBackup } from '../src-main/engine/safety/backup';
import { quickCheck } from '../src-main/engine/safety/integrity';
import { restoreFolder } from '../src-main/engine/safety/restore';
import { report } from './lib';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dir = resolve(arg('workspace') ?? '/tmp/skvoz-large');
const size = (arg('size') ?? 'large') as 'medium' | 'large';
const MB = 1024 * 1024;
const sizeOf = (f: string) => (existsSync(f) ? statSync(f).size : 0);

async function main(): Promise<void> {
  if (!existsSync(join(dir, DB_FILE))) {
    console.log(`creating the ${size} demo in ${dir} …`);
    const t0 = performance.now();
    const { ws } = await createDemoWorkspace(dir, { name: `Демо-данные (${size})`, size, seed: 1 });
    ws.close();
    console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const src = join(dir, DB_FILE);
  const dbBytes = sizeOf(src) + sizeOf(`${src}-wal`);
  const work = mkdtempSync(join(tmpdir(), 'skvoz-bench-backup-'));
  try {
    // the bound: a plain copy of the file (cold and warm alike: it runs first)
    let t = performance.now();
    copyFileSync(src, join(work, 'plain-copy.db'));
    const copyMs = performance.now() - t;
    rmSync(join(work, 'plain-copy.db'));

    // a workspace folder of our own: workspace.json, and the backup goes into its backups/
    const ws = join(work, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, META_FILE), readFileSync(join(dir, META_FILE)));
    const db = new Database(src, { readonly: true, fileMustExist: true });
    let last = performance.now();
    let stall = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 5);
    t = performance.now();
    last = t;
    const info = await createBackup(db, ws, Date.now());
    const backupMs = performance.now() - t;
    clearInterval(ticker);
    db.close();

    t = performance.now();
    const { problems } = await quickCheck(join(ws, BACKUP_DIR, info.file));
    const checkMs = performance.now() - t;
    if (problems.length) throw new Error(`the backup does not pass quick_check: ${problems[0]}`);

    t = performance.now();
    await restoreFolder(ws, info.file, Date.now());
    const restoreMs = performance.now() - t;

    console.log(`database ${(dbBytes / MB).toFixed(0)} MB (${dir}); a plain file copy took ${(copyMs / 1000).toFixed(2)} s`);
    report('backup', backupMs / 1000, 's', { name: `plain copy ${(copyMs / 1000).toFixed(2)} s`, value: copyMs / 1000 });
    report('backup size', info.bytes / MB, 'MB', { name: `database ${(dbBytes / MB).toFixed(0)} MB; 7 kept = ${((7 * info.bytes) / MB / 1024).toFixed(2)} GB`, value: dbBytes / MB });
    report('longest stall during backup', stall, 'ms', { name: '100 ms', value: 100 });
    report('quick_check', checkMs / 1000, 's', { name: `plain copy ${(copyMs / 1000).toFixed(2)} s`, value: copyMs / 1000 });
    report('restore (check + copy)', restoreMs / 1000, 's', { name: `plain copy ${(copyMs / 1000).toFixed(2)} s`, value: copyMs / 1000 });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
