// What every command (not --help) sets up before it runs. The engine's log lines in a terminal
// or a cron mail: one line each — an error's stack trace is kept only with SKVOZ_LOG_LEVEL=debug.
// zod without its compiled validators: a command parses each schema once or twice, and compiling
// them costs more than it saves (≈ 50 ms of a `skvoz report`).
import { z } from 'zod';
import { addLogSink } from '../engine/log';

export function setupCommand(): () => void {
  z.config({ jitless: true });
  const full = process.env.SKVOZ_LOG_LEVEL === 'debug';
  return addLogSink((line) => {
    process.stderr.write(`${full ? line : line.split('\n')[0]}\n`);
  });
}
