// `skvoz backup`, `skvoz restore`, `skvoz check` (issue 15): the workspace database's backups and
// integrity from the command line — the same files and checks as «Настройки» → «Резервные копии».
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { Workspace, DB_FILE, readMeta } from '../engine/workspace';
import { toAppError } from '../engine/errors';
import { backupLabel, createBackup, listBackups } from '../engine/safety/backup';
import { restoreFolder } from '../engine/safety/restore';
import { quickCheck } from '../engine/safety/integrity';
import { CORRUPT_TEXT } from '../engine/db/busy';

export const STORAGE_HELP = `  skvoz backup  --workspace DIR [--list]
      Резервная копия базы сейчас (хранятся 7 последних) или их список / back up now, or list backups.
  skvoz restore --workspace DIR (--latest | --file skvoz-ГГГГММДД-ЧЧММСС.db | --empty)
      Вернуть базу из копии (заменяемый файл сохраняется в replaced/) / restore a backup.
  skvoz check   --workspace DIR
      Проверка целостности файла базы (PRAGMA quick_check) / integrity check.`;

class StorageCliError extends Error {}
const fail = (ru: string, en: string): never => {
  throw new StorageCliError(`${ru} / ${en}`);
};

export async function runStorageCli(command: 'backup' | 'restore' | 'check', args: string[]): Promise<number> {
  try {
    const { values: v } = parseArgs({
      args,
      strict: true,
      options: { workspace: { type: 'string' }, list: { type: 'boolean' }, latest: { type: 'boolean' }, file: { type: 'string' }, empty: { type: 'boolean' } },
    });
    if (!v.workspace) fail('не указан --workspace', 'missing --workspace');
    const dir = resolve(v.workspace!);
    if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
    if (command === 'backup') await backup(dir, v.list === true);
    else if (command === 'restore') await restore(dir, v);
    else return await check(dir);
    return 0;
  } catch (err) {
    const msg = err instanceof StorageCliError ? err.message : toAppError(err).message;
    process.stderr.write(`skvoz: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} МБ`;

async function backup(dir: string, list: boolean): Promise<void> {
  const tz = readMeta(dir).settings.timeZone;
  if (list) {
    const all = listBackups(dir);
    if (all.length === 0) process.stdout.write('Резервных копий нет.\n');
    for (const b of all) process.stdout.write(`${b.file}\t${backupLabel(b, tz)}\t${mb(b.bytes)}\n`);
    return;
  }
  const ws = Workspace.open(dir);
  try {
    if (ws.damaged) throw new StorageCliError(CORRUPT_TEXT);
    const t0 = Date.now();
    const b = await createBackup(ws.db, ws.dir, Date.now());
    process.stderr.write(`Резервная копия за ${((Date.now() - t0) / 1000).toFixed(1)} с, ${mb(b.bytes)}\n`);
    process.stdout.write(`${join(dir, 'backups', b.file)}\n`);
  } finally {
    ws.close();
  }
}

async function restore(dir: string, v: { latest?: boolean; file?: string; empty?: boolean }): Promise<void> {
  const chosen = [v.latest === true, v.file !== undefined, v.empty === true].filter(Boolean).length;
  if (chosen !== 1) fail('укажите одно из --latest, --file ИМЯ, --empty', 'give one of --latest, --file NAME, --empty');
  const file = v.empty ? null : v.latest ? 'latest' : v.file!;
  const tz = readMeta(dir).settings.timeZone;
  const r = await restoreFolder(dir, file, Date.now());
  // opening it proves it opens (and sets up an empty one)
  Workspace.open(dir).close();
  const what = r.backup ? `копия от ${backupLabel(r.backup, tz)}` : 'пустая база';
  process.stdout.write(`Восстановлено: ${what}.${r.replacedTo ? ` Прежний файл сохранён в ${r.replacedTo}` : ''}\n`);
}

/** Exit 0 when sound, 2 when damaged (writing stopped), 1 on errors. */
async function check(dir: string): Promise<number> {
  const ws = Workspace.open(dir);
  try {
    const { problems } = await quickCheck(join(dir, DB_FILE));
    ws.recordCheck(problems, Date.now());
    if (problems.length === 0) {
      process.stdout.write('Файл базы в порядке (quick_check: ok).\n');
      return 0;
    }
    process.stdout.write(`Файл базы повреждён: ${problems.slice(0, 5).join('; ')}\n${CORRUPT_TEXT}\n`);
    return 2;
  } finally {
    ws.close();
  }
}
