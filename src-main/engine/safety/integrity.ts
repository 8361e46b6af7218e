// Is the database file sound? PRAGMA quick_check runs on a thread of its own (check-worker.ts)
// after an unclean shutdown and weekly (IntegrityJob in jobs.ts); damage found stops writing
// (Workspace.markDamaged: PRAGMA query_only) until a backup is restored or a check passes again.
// An unclean shutdown is told by marker files: each open handle leaves <db>.open-<pid>-<n>, a
// clean close removes it; a marker whose process is gone was left by a crash or kill -9.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isCorrupt } from '../db/busy';
import { openDatabase } from '../db/open';
import { join } from 'node:path';

export const CHECK_EVERY_MS = 7 * 86_400_000;
const MAX_PROBLEMS = 20;

export interface CheckResult {
  problems: string[];
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

let markerSeq = 0;

/** Leaves this handle's marker; true when a marker of a process that is gone was found (and removed). */
export function markOpen(dir: string, dbFile: string): { marker: string; unclean: boolean } {
  const prefix = `${dbFile}.open-`;
  let unclean = false;
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && alive(pid)) continue;
    unclean = true;
    rmSync(join(dir, f), { force: true });
  }
  const marker = join(dir, `${prefix}${process.pid}-${++markerSeq}-${Math.random().toString(36).slice(2, 8)}`);
  try {
    writeFileSync(marker, '');
  } catch {
    // a read-only folder: no crash detection, the database still opens
  }
  return { marker, unclean };
}

export function markClosed(marker: string): void {
  rmSync(marker, { force: true });
}

/**
 * The thread's entry: next to this module once built (out/main/db-check.js beside
 * engine-worker.js, or one folder up from a chunk); in development and tests a bootstrap that
 * registers tsx and loads check-worker.ts. Null when neither exists (then the check runs here).
 */
function entryUrl(): string | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./check-worker-dev.mjs', here).href;
  for (const rel of ['./db-check.js', '../db-check.js']) {
    const u = new URL(rel, here);
    if (existsSync(fileURLToPath(u))) return u.href;
  }
  return null;
}

const BOOT = `
const { workerData, parentPort } = require('node:worker_threads');
import(workerData.entry).catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e), code: null }));`;

/** quick_check in this thread (the fallback, and tests of small files). */
export function quickCheckHere(file: string): CheckResult {
  try {
    const db = openDatabase(file, { readonly: true });
    try {
      const lines = (db.pragma(`quick_check(${MAX_PROBLEMS})`) as { quick_check: string }[]).map((r) => String(r.quick_check));
      return { problems: lines.length === 1 && lines[0] === 'ok' ? [] : lines };
    } finally {
      db.close();
    }
  } catch (err) {
    if (isCorrupt(err)) return { problems: [err instanceof Error ? err.message : String(err)] };
    throw err;
  }
}

/** PRAGMA quick_check of `file` on a thread of its own; [] problems = the file is sound. */
export function quickCheck(file: string): Promise<CheckResult> {
  const entry = entryUrl();
  if (!entry) return Promise.resolve().then(() => quickCheckHere(file));
  return new Promise<CheckResult>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(BOOT, { eval: true, workerData: { entry, file, max: MAX_PROBLEMS } });
    } catch {
      resolve(quickCheckHere(file));
      return;
    }
    let settled = false;
    worker.once('message', (m: { problems?: string[]; error?: string; code?: string | null }) => {
      settled = true;
      void worker.terminate();
      if (m.problems) resolve({ problems: m.problems });
      else if (m.code && (m.code.startsWith('SQLITE_CORRUPT') || m.code === 'SQLITE_NOTADB')) resolve({ problems: [m.error ?? m.code] });
      else reject(new Error(m.error ?? 'integrity check failed'));
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
      settled = true;
    });
    worker.once('exit', () => {
      if (!settled) reject(new Error('the integrity check thread ended without an answer'));
      settled = true;
    });
  });
}
