// `skvoz` — the command line over the same engine the app runs. This module only reads the
// command name and loads that command's module (src-main/cli/*), so `skvoz --help` starts
// without loading the engine and every command loads only what it uses. Every failure ends here
// as one line «skvoz: русский / English» and exit code 1 (cli/errors.ts).
import { HELP } from './cli/help';
import { cliMessage, fail } from './cli/errors';

interface Command {
  /** runs the command with the arguments after its name; returns the exit code (0 when void) */
  run(args: string[]): Promise<number | void>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: () => import('./cli/demo'),
  report: () => import('./cli/report'),
  sync: () => import('./cli/sync'),
  costs: () => import('./cli/costs'),
  views: () => import('./cli/views'),
  visits: () => import('./cli/visits'),
  export: () => import('./cli/export'),
  channels: () => import('./cli/channels'),
  init: async () => (await import('./cli/workspace')).initCommand,
  settings: async () => (await import('./cli/workspace')).settingsCommand,
  backup: async () => (await import('./cli/storage')).backupCommand,
  restore: async () => (await import('./cli/storage')).restoreCommand,
  check: async () => (await import('./cli/storage')).checkCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  let unsink = () => {};
  try {
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) fail(`неизвестная команда «${command}» (см. skvoz --help)`, `unknown command "${command}" (see skvoz --help)`);
    const { setupCommand } = await import('./cli/log');
    unsink = setupCommand();
    return (await (await load!()).run(rest)) ?? 0;
  } catch (err) {
    process.stderr.write(`skvoz: ${cliMessage(err)}\n`);
    return 1;
  } finally {
    unsink();
  }
}
