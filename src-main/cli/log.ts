// The engine's log lines in a terminal or a cron mail: one line each — an error's stack trace
// is kept only with SKVOZ_LOG_LEVEL=debug.
import { addLogSink } from '../engine/log';

export function cliLogSink(): () => void {
  const full = process.env.SKVOZ_LOG_LEVEL === 'debug';
  return addLogSink((line) => {
    process.stderr.write(`${full ? line : line.split('\n')[0]}\n`);
  });
}
