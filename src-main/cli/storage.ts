// `skvoz backup`, `skvoz restore`, `skvoz check` (issue 15): the workspace database's backups and
// integrity from the command line — the same files and checks as «Настройки» → «Резервные копии».
import { join } from 'node:path';
import { Workspace, DB_FILE, readMeta } from '../engine/workspace';
import { backupLabel, createBackup, listBackups } from '../engine/safety/backup';
import { restoreFolder } from '../engine/safety/restore';
import { quickCheck } from '../engine/safety/integrity';
import { CORRUPT_TEXT } from '../engine/db/busy';
import { parse, str, workspaceDir, type Values } from './args';
import { CliError, fail } from './errors';
import { requireWorkspace, requireWritable } from './open';

const OPTIONS = {
  backup: { workspace: { type: 'string' }, list: { type: 'boolean' } },
  restore: { workspace: { type: 'string' }, latest: { type: 'boolean' }, file: { type: 'string' }, empty: { type: 'boolean' } },
  check: { workspace: { type: 'string' } },
} as const;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} МБ`;

async function backup(args: string[]): Promise<void> {
  const { values } = parse(args, OPTIONS.backup);
  const dir = workspaceDir(values);
  requireWorkspace(dir);
  const tz = readMeta(dir).settings.timeZone;
  if (values.list === true) {
    const all = listBackups(dir);
    if (all.length === 0) process.stdout.write('Резервных копий нет.\n');
    for (const b of all) process.stdout.write(`${b.file}\t${backupLabel(b, tz)}\t${mb(b.bytes)}\n`);
    return;
  }
  // the copies are kept in the workspace's own backups/ folder
  requireWritable(dir);
  const ws = Workspace.open(dir);
  try {
    if (ws.damaged) throw new CliError(`${CORRUPT_TEXT} / the workspace database is damaged: a backup of it would be damaged too; restore one instead`);
    const t0 = Date.now();
    const b = await createBackup(ws.db, ws.dir, Date.now());
    process.stderr.write(`Резервная копия за ${((Date.now() - t0) / 1000).toFixed(1)} с, ${mb(b.bytes)}\n`);
    process.stdout.write(`${join(dir, 'backups', b.file)}\n`);
  } finally {
    ws.close();
  }
}

async function restore(args: string[]): Promise<void> {
  const { values } = parse(args, OPTIONS.restore);
  const dir = workspaceDir(values);
  requireWritable(dir);
  const v = values as Values & { latest?: boolean; empty?: boolean };
  const file = str(values, 'file');
  const chosen = [v.latest === true, file !== undefined, v.empty === true].filter(Boolean).length;
  if (chosen !== 1) fail('укажите одно из --latest, --file ИМЯ, --empty', 'give one of --latest, --file NAME, --empty');
  const tz = readMeta(dir).settings.timeZone;
  const r = await restoreFolder(dir, v.empty ? null : v.latest ? 'latest' : file!, Date.now());
  // opening it proves it opens (and sets up an empty one)
  Workspace.open(dir).close();
  const what = r.backup ? `копия от ${backupLabel(r.backup, tz)}` : 'пустая база';
  process.stdout.write(`Восстановлено: ${what}.${r.replacedTo ? ` Прежний файл сохранён в ${r.replacedTo}` : ''}\n`);
}

/** Exit 0 when sound, 2 when damaged (writing stopped), 1 on errors. */
async function check(args: string[]): Promise<number> {
  const { values } = parse(args, OPTIONS.check);
  const dir = workspaceDir(values);
  // the result is remembered in workspace.json (damage stops writing until a restore)
  requireWritable(dir);
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

/** `skvoz backup [--list]` */
export const backupCommand = { run: backup };
/** `skvoz restore --latest | --file NAME | --empty` */
export const restoreCommand = { run: restore };
/** `skvoz check` */
export const checkCommand = { run: check };
