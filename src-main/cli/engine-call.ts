// Opening a workspace for a command, and engine calls whose failures become CLI errors.
import type { EngineChannel } from '@shared/channels';
import { Engine, type EngineOptions } from '../engine/engine';
import { join } from 'node:path';
import { DB_FILE, Workspace } from '../engine/workspace';
import { canWrite } from '../engine/db/snapshot';
import { envSecrets } from './env-secrets';
import { EngineError, fail } from './errors';

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

/**
 * The engine over the workspace in `dir`. `readOnly`: the command only reads, so a workspace
 * without write permission is read from a snapshot (engine/workspace.ts) instead of refused.
 */
export function openEngine(dir: string, opts: Partial<EngineOptions> = {}): Engine {
  if (opts.readOnly) requireWorkspace(dir);
  else requireWritable(dir);
  return new Engine({ workspaceDir: dir, secrets: envSecrets(), ...opts });
}

export async function call<T>(engine: Engine, channel: EngineChannel, input: unknown): Promise<T> {
  const r = await engine.dispatch(channel, input);
  if (!r.ok) throw new EngineError(r.error.code, r.error.message);
  return r.value as T;
}
