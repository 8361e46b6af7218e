// `skvoz sync`: one sync run of the workspace's sources, secrets from the environment; with
// --watch it keeps running and syncs on the workspace's schedule (./sync-watch).
import type { SyncProgress } from '@shared/contract';
import { parse, str, workspaceDir } from './args';
import { CliError, fail } from './errors';
import { envCalltouchSiteIds } from './env-secrets';
import { openEngine } from './engine-call';
import { parseEvery, watch } from './sync-watch';

export async function run(args: string[]): Promise<number> {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    only: { type: 'string' },
    full: { type: 'boolean' },
    watch: { type: 'boolean' },
    every: { type: 'string' },
  });
  const dir = workspaceDir(values);
  const only = str(values, 'only');
  if (only !== undefined && only !== 'bitrix24' && only !== 'calltouch') fail('--only: bitrix24 или calltouch', '--only must be bitrix24 or calltouch');
  const every = str(values, 'every');
  if (every !== undefined && !values.watch) fail('--every — только вместе с --watch', '--every goes with --watch');
  if (values.watch && values.full) fail('--full и --watch вместе нельзя: полная синхронизация — отдельной командой', '--full cannot go with --watch');
  const overrides = {
    calltouchBaseUrl: process.env.SKVOZ_CALLTOUCH_BASE_URL || undefined,
    calltouchSiteIds: envCalltouchSiteIds(),
  };
  if (values.watch) {
    const everyMinutes = every === undefined ? undefined : parseEvery(every);
    const engine = openEngine(dir, { overrides });
    try {
      return await watch(engine, { sources: only ? [only] : undefined, everyMinutes });
    } finally {
      await engine.close();
    }
  }
  let last = 0;
  const engine = openEngine(dir, {
    overrides,
    emit: (event, payload) => {
      if (event !== 'sync:progress') return;
      const p = payload as SyncProgress;
      if (Date.now() - last < 1000) return;
      last = Date.now();
      const total = p.total === null ? '' : `/${p.total}`;
      process.stderr.write(`  ${p.source} ${p.entity}: ${p.done}${total} (${Math.round(p.ratePerSec)}/с, запросов ${p.requests})\n`);
    },
  });
  const stop = () => engine.sync.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const t0 = Date.now();
    const { done } = await engine.sync.start(engine.workspace, { sources: only ? [only] : undefined, full: values.full === true });
    const r = await done;
    const rows = Object.entries(r.rows).map(([k, v]) => `${k} ${v}`).join(', ') || '0';
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (!r.ok) throw new CliError(`${r.error?.message ?? 'синхронизация не удалась'} (строк: ${rows}, ${secs} с) / sync failed (${r.error?.code ?? 'internal'})`);
    process.stderr.write(`Синхронизация завершена за ${secs} с, строк: ${rows}\n`);
    return 0;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await engine.close();
  }
}
