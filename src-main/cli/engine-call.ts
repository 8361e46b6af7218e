// The whole engine over one workspace, for commands that use more than its read functions, and
// engine calls whose failures become CLI errors.
import type { EngineChannel } from '@shared/channels';
import { Engine, type EngineOptions } from '../engine/engine';
import { envSecrets } from './env-secrets';
import { EngineError } from './errors';
import { requireWorkspace, requireWritable } from './open';

/**
 * The engine over the workspace in `dir`. `readOnly`: the command only reads, so a workspace
 * without write permission is read (engine/workspace.ts) instead of refused.
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
