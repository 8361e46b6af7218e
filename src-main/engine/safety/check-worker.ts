// Worker-thread entry of the integrity check (built as out/main/db-check.js; see integrity.ts):
// PRAGMA quick_check over its own read-only connection, so a check of a large file never holds
// up the engine's thread. Posts { problems } ([] = ok) or { error }.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open';

const { file, max } = workerData as { file: string; max: number };
try {
  const db = openDatabase(file, { readonly: true });
  try {
    const rows = db.pragma(`quick_check(${max})`) as { quick_check: string }[];
    const lines = rows.map((r) => String(r.quick_check));
    parentPort?.postMessage({ problems: lines.length === 1 && lines[0] === 'ok' ? [] : lines });
  } finally {
    db.close();
  }
} catch (e) {
  const code = e instanceof Error ? (e as { code?: unknown }).code : undefined;
  parentPort?.postMessage({ error: e instanceof Error ? e.message : String(e), code: typeof code === 'string' ? code : null });
}
