// The shell's file log sink: <userData>/logs/skvoz.log, appended synchronously so the line about
// a crash is on disk before the process dies; rotated once at start when it grows past maxBytes.
// Lines arrive already redacted by the logger.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Sink } from '../engine/log';

export function fileLogSink(dir: string, opts: { name?: string; maxBytes?: number } = {}): { sink: Sink; file: string } {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, opts.name ?? 'skvoz.log');
  const old = `${file}.1`;
  try {
    if (existsSync(file) && statSync(file).size > (opts.maxBytes ?? 5 * 1024 * 1024)) {
      rmSync(old, { force: true });
      renameSync(file, old);
    }
  } catch {
    // rotation is best effort
  }
  const sink: Sink = (line) => {
    try {
      appendFileSync(file, `${line}\n`, { encoding: 'utf8', mode: 0o600 });
    } catch {
      // a full disk must not take the app down
    }
  };
  return { sink, file };
}
