// Which workspace a command works on, and whether this user may change it. No engine here:
// `report` and `views list` open the workspace alone and start without the sync, export and
// sender code (cli/engine-call.ts opens the whole engine).
import { join } from 'node:path';
import { DB_FILE, Workspace } from '../engine/workspace';
import { canWrite } from '../engine/db/snapshot';
import { fail } from './errors';

export function requireWorkspace(dir: string): void {
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
}

/** A command that changes the workspace: refused up front when this user may not write it. */
export function requireWritable(dir: string): void {
  requireWorkspace(dir);
  if (!canWrite(join(dir, DB_FILE))) {
    fail(
      `рабочее пространство в ${dir} доступно только для чтения (нет прав на запись), а эта команда его меняет`,
      `the workspace in ${dir} is read-only for this user and this command changes it`,
    );
  }
}

/** `readOnly`: the command only reads, so a workspace without write permission is read as it is. */
export function openWorkspace(dir: string, opts: { readOnly: boolean }): Workspace {
  if (opts.readOnly) requireWorkspace(dir);
  else requireWritable(dir);
  return Workspace.open(dir, opts);
}
