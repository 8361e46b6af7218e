// macOS: the app offers to put the `skvoz` command on the PATH (menu «Skvoz» → «Установить команду
// skvoz в PATH…»): a link /usr/local/bin/skvoz → Skvoz.app/Contents/Resources/bin/skvoz, the script
// that runs the app's bundled CLI with the app's Electron in Node mode (resources/cli/skvoz).
// /usr/local/bin usually needs an administrator: then macOS asks for the password
// (osascript … with administrator privileges), as Visual Studio Code's «Install 'code' command» does.
import { execFile } from 'node:child_process';
import { lstat, mkdir, readlink, symlink, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const CLI_LINK = '/usr/local/bin/skvoz';

export interface LinkDeps {
  /** runs a shell command as an administrator (macOS asks for the password) */
  admin(command: string): Promise<void>;
  /** fs.promises.symlink (tests stand in a folder the user may not write) */
  symlink?: (target: string, path: string) => Promise<void>;
}

/** Electron's dialog, as much of it as the offer uses. */
export interface LinkDialog {
  showMessageBox(o: { type: 'question' | 'info'; buttons?: string[]; defaultId?: number; cancelId?: number; message: string; detail?: string }): Promise<{ response: number }>;
  showErrorBox(title: string, content: string): void;
}

export type LinkOutcome = 'created' | 'already' | 'occupied';

/** A path in single quotes for /bin/sh. */
export const shQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * Makes `link` point at `target`. Something else at `link` (a file, another program's link) is
 * replaced only with `replace` — otherwise 'occupied', for the caller to ask.
 */
export async function installCliLink(target: string, link: string, opts: { replace: boolean }, deps: LinkDeps): Promise<LinkOutcome> {
  const there = await lstat(link).catch(() => null);
  if (there) {
    if (there.isSymbolicLink() && (await readlink(link)) === target) return 'already';
    if (!opts.replace) return 'occupied';
  }
  try {
    if (there) await unlink(link);
    await mkdir(dirname(link), { recursive: true });
    await (deps.symlink ?? symlink)(target, link);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw err;
    await deps.admin(`mkdir -p ${shQuote(dirname(link))} && ln -sfn ${shQuote(target)} ${shQuote(link)}`);
  }
  return 'created';
}

const osascriptAdmin: LinkDeps = {
  admin: (command) =>
    new Promise((resolve, reject) => {
      const script = `do shell script ${JSON.stringify(command)} with administrator privileges`;
      execFile('/usr/bin/osascript', ['-e', script], (err) => (err ? reject(err) : resolve()));
    }),
};

/** The menu item: link, asking before replacing something that is not ours, and say how it went. */
export async function offerCliLink(resourcesPath: string, dialog: LinkDialog, deps: LinkDeps = osascriptAdmin): Promise<void> {
  const target = join(resourcesPath, 'bin', 'skvoz');
  try {
    let outcome = await installCliLink(target, CLI_LINK, { replace: false }, deps);
    if (outcome === 'occupied') {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Заменить', 'Отмена'],
        defaultId: 1,
        cancelId: 1,
        message: `${CLI_LINK} уже есть и ведёт не в Skvoz. Заменить?`,
        detail: 'Команда skvoz будет запускать это приложение Skvoz.',
      });
      if (response !== 0) return;
      outcome = await installCliLink(target, CLI_LINK, { replace: true }, deps);
    }
    await dialog.showMessageBox({
      type: 'info',
      message: outcome === 'already' ? 'Команда skvoz уже установлена.' : 'Команда skvoz установлена.',
      detail: `В Терминале: skvoz --help\n${CLI_LINK} → ${target}`,
    });
  } catch (err) {
    dialog.showErrorBox('Не удалось установить команду skvoz', err instanceof Error ? err.message : String(err));
  }
}
