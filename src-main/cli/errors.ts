// How the `skvoz` command fails: one line on stderr, Russian then English, exit code 1 — never a
// stack trace. Our own refusals are written in both languages where they are thrown (`fail`);
// everything else (the engine's Russian messages, SQLite, the file system, Node's argument
// parser, the PDF browser) is turned into such a line here.
import { redact } from '../engine/log';
// the engine's own words for a locked or damaged database (engine/errors.ts toAppError says the same)
import { busyMessage, CORRUPT_TEXT } from '../engine/db/busy';

/** A refusal of the CLI itself; its message is already «русский / English». */
export class CliError extends Error {}

export function fail(ru: string, en: string): never {
  throw new CliError(`${ru} / ${en}`);
}

/** An engine error as a result (`{ ok: false, error }`) rather than a throw. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** English for the engine's error codes (its messages are Russian only). */
const CODE_EN: Record<string, string> = {
  invalid_input: 'invalid input',
  not_found: 'not found',
  conflict: 'conflict',
  cancelled: 'cancelled',
  auth_failed: 'authorisation failed',
  rate_limited: 'rate limited, try later',
  network: 'network error',
  busy: 'the database is busy, try later',
  internal: 'internal error',
};

type Pair = [ru: string, en: string];

const SQLITE: [RegExp, (m: string) => Pair][] = [
  [
    /^SQLITE_READONLY/,
    () => [
      'база рабочего пространства доступна только для чтения (или запись остановлена после найденного повреждения — см. skvoz check) — эта команда её меняет',
      'the workspace database is read-only (or writing was stopped after damage was found; see skvoz check) and this command writes to it',
    ],
  ],
  [/^SQLITE_(BUSY|LOCKED)/, () => [busyMessage(null), 'the database is busy (another Skvoz process or a backup); try again later']],
  [/^SQLITE_(CORRUPT|NOTADB)/, () => [CORRUPT_TEXT, 'the workspace database file is damaged (or is not a Skvoz database); restore a backup: skvoz restore']],
  [/^SQLITE_FULL/, () => ['на диске закончилось место', 'the disk is full']],
  [/^SQLITE_CANTOPEN/, () => ['не удалось открыть базу рабочего пространства (нет файла или прав на папку)', 'cannot open the workspace database (missing file or no permission on the folder)']],
  [/^SQLITE_(PERM|AUTH)/, () => ['нет прав на базу рабочего пространства', 'no permission on the workspace database']],
  [/^SQLITE_IOERR/, (m) => [`ошибка чтения или записи диска: ${m}`, 'disk I/O error']],
  [/^SQLITE_/, (m) => [`ошибка SQLite: ${m}`, 'SQLite error']],
];

/** SQLite's own texts, for errors that reach us only as a message (wrapped by the engine). */
const SQLITE_TEXT: [RegExp, string][] = [
  [/attempt to write a readonly database/i, 'SQLITE_READONLY'],
  [/database is locked|database table is locked/i, 'SQLITE_BUSY'],
  [/database disk image is malformed/i, 'SQLITE_CORRUPT'],
  [/file is not a database/i, 'SQLITE_NOTADB'],
  [/database or disk is full/i, 'SQLITE_FULL'],
  [/unable to open database file/i, 'SQLITE_CANTOPEN'],
  [/disk I\/O error/i, 'SQLITE_IOERR'],
];

const FS: Record<string, (path: string) => Pair> = {
  EACCES: (p) => [`нет доступа к ${p} (недостаточно прав)`, `permission denied: ${p}`],
  EPERM: (p) => [`нет доступа к ${p} (операция не разрешена)`, `operation not permitted: ${p}`],
  EISDIR: (p) => [`${p} — это папка, а нужен файл`, `${p} is a folder, not a file`],
  ENOTDIR: (p) => [`в пути ${p} есть файл там, где должна быть папка`, `a part of ${p} is not a folder`],
  EEXIST: (p) => [`${p} уже существует`, `${p} already exists`],
  ENOENT: (p) => [`нет такого файла или папки: ${p}`, `no such file or folder: ${p}`],
  ENOSPC: (p) => [`на диске закончилось место (${p})`, `no space left on the disk (${p})`],
  EROFS: (p) => [`${p} — на диске, доступном только для чтения`, `${p} is on a read-only file system`],
  EBUSY: (p) => [`${p} занят другой программой (открыт в Excel?)`, `${p} is busy (open in another program?)`],
  EMFILE: () => ['слишком много открытых файлов', 'too many open files'],
  ENFILE: () => ['слишком много открытых файлов', 'too many open files'],
  ENAMETOOLONG: (p) => [`слишком длинное имя файла: ${p}`, `file name too long: ${p}`],
};

const firstLine = (s: string) => s.split('\n').find((l) => l.trim() !== '')?.trim() ?? s.trim();

function pair([ru, en]: Pair): string {
  return `${ru} / ${en}`;
}

function fsError(code: string, path: string | undefined, message: string): string | null {
  const make = FS[code];
  if (!make) return null;
  // "EACCES: permission denied, open '/x/y'" when the error carries no path
  const p = path ?? /'([^']+)'/.exec(message)?.[1] ?? '';
  return pair(make(p || '(путь не указан)'));
}

function sqliteError(code: string, message: string): string | null {
  for (const [re, make] of SQLITE) if (re.test(code)) return pair(make(message));
  return null;
}

function argsError(code: string, message: string): string | null {
  const opt = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return pair([`неизвестный параметр ${opt} (см. skvoz --help)`, `unknown option ${opt} (see skvoz --help)`]);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(message)?.[1] ?? '';
    return pair([`лишний аргумент «${arg}» (см. skvoz --help)`, `unexpected argument "${arg}" (see skvoz --help)`]);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return pair([`параметр ${opt} пишется без значения`, `${opt} takes no value`]);
    return pair([`у параметра ${opt} нет значения`, `${opt} needs a value`]);
  }
  return null;
}

/** A failure of the PDF browser (playwright-core) — its text is many lines of launch log. */
function browserError(message: string): string | null {
  if (!/browserType\.launch|Failed to launch|Executable doesn't exist|Target page, context or browser has been closed/.test(message)) return null;
  const why = firstLine(message.replace(/^browserType\.launch:\s*/, ''));
  return pair([`не удалось запустить браузер для PDF (${why}); укажите другой в SKVOZ_CHROMIUM или выгрузите PDF в приложении`, 'could not start the browser to print the PDF; set SKVOZ_CHROMIUM or export the PDF from the app']);
}

/** A message that is only text (the engine wraps unknown errors as «Внутренняя ошибка: …»). */
function fromText(text: string): string | null {
  const inner = text.replace(/^Внутренняя ошибка:\s*/, '');
  for (const [re, code] of SQLITE_TEXT) if (re.test(inner)) return sqliteError(code, firstLine(inner));
  const fs = /^(E[A-Z]+): /.exec(inner);
  if (fs) return fsError(fs[1]!, undefined, firstLine(inner));
  return browserError(inner);
}

function hasCode(err: unknown): err is Error & { code: string; path?: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string';
}

/** The one line a failed command prints (without the «skvoz: » prefix), secrets redacted. */
export function cliMessage(err: unknown): string {
  const line = (s: string) => redact(firstLine(s).replace(/\s+/g, ' '));
  if (err instanceof CliError) return line(err.message);
  const message = err instanceof Error ? err.message : String(err);
  if (hasCode(err)) {
    const known =
      (err.code.startsWith('ERR_PARSE_ARGS_') && argsError(err.code, message)) ||
      (err.code.startsWith('SQLITE_') && sqliteError(err.code, line(message))) ||
      fsError(err.code, err.path, message);
    if (known) return line(known);
  }
  const text = fromText(message);
  if (text) return line(text);
  if (err instanceof Error && err.name === 'DbFromFutureError') return line(`${message} / the workspace was made by a newer Skvoz; update it`);
  // engine/safety/identity.ts: the file is missing, empty, unreadable or another workspace's
  if (err instanceof Error && err.name === 'StorageProblem') {
    return line(`${message} / the workspace database is missing, empty, damaged or another workspace's; restore a backup: skvoz restore`);
  }
  const code = err instanceof EngineError || (err instanceof Error && err.name === 'SkvozError') ? String((err as unknown as { code: string }).code) : 'internal';
  const ru = code === 'internal' && !message.startsWith('Внутренняя ошибка') ? `Внутренняя ошибка: ${message}` : message;
  return line(`${line(ru)} / ${CODE_EN[code] ?? code}`);
}
