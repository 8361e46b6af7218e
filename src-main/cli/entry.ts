// The built command's entry (out/cli/skvoz.js, scripts/build-cli.mjs): runs the command in
// process.argv and sets the exit code. Whatever escapes the command — an error thrown from a
// timer or a stream — still ends as one line and exit code 1, never a stack trace.
import module from 'node:module';
import { main } from '../cli';
import { cliMessage } from './errors';

// compiled code kept between runs (bin/skvoz.mjs does it too; the app's `skvoz` runs this file)
module.enableCompileCache?.();
// bundled dependencies are no longer under node_modules, where Node keeps quiet about their use of
// deprecated APIs (exceljs's helpers: «Buffer() is deprecated»); a cron log is not the place
process.noDeprecation = true;

function die(err: unknown): void {
  process.stderr.write(`skvoz: ${cliMessage(err)}\n`);
  process.exit(1);
}
process.on('uncaughtException', die);
process.on('unhandledRejection', die);

process.exitCode = await main(process.argv.slice(2));
