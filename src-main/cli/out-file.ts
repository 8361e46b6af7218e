// `--out FILE` of `report` and `export`: what a command may write over. Never a workspace's own
// files (its database, WAL/SHM, settings), whatever the path or link leads there; an existing
// file only with `--force`; and the file's extension must be the format's (`--format csv --out
// x.xlsx` would give Excel a CSV under an .xlsx name).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DB_FILE, META_FILE } from '../engine/workspace';
import { fail } from './errors';

const OWN = [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, `${DB_FILE}-journal`, META_FILE];
const FORMATS = ['xlsx', 'csv', 'pdf', 'json'];

const fold = (p: string) => (process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p);

/** The real path of `p`, or of its nearest existing parent joined with the rest. */
function real(p: string): string {
  const abs = resolve(p);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  return parent === abs ? abs : join(real(parent), basename(abs));
}

/** Refuses a `--out` file a command must not write (see the header). */
export function checkOutFile(path: string, opts: { workspace: string; format: string; force: boolean }): void {
  const target = fold(real(path));
  const ws = existsSync(opts.workspace) ? realpathSync(opts.workspace) : resolve(opts.workspace);
  if (OWN.some((f) => fold(join(ws, f)) === target)) {
    fail(
      `${path} — файл рабочего пространства; выберите для выгрузки другой файл или папку`,
      `${path} is one of the workspace's own files; choose another file or folder for the output`,
    );
  }
  const ext = extname(path).slice(1).toLowerCase();
  if (FORMATS.includes(ext) && ext !== opts.format) {
    fail(`--out ${basename(path)} не подходит для --format ${opts.format}: нужен файл .${opts.format}`, `--out ${basename(path)} does not match --format ${opts.format}: use a .${opts.format} file`);
  }
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) fail(`${path} — это папка, а нужен файл`, `${path} is a folder, not a file`);
    if (!opts.force) fail(`файл ${path} уже есть — добавьте --force, чтобы заменить его`, `${path} already exists; add --force to replace it`);
  }
}
