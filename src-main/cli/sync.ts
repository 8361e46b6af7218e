// `skvoz sync`: one sync run of the workspace's sources, secrets from the environment; with
// --watch it keeps running and syncs on the workspace's schedule (./sync-watch).
import { SourceKindSchema, type SourceKind, type SyncProgress } from '@shared/contract';
import type { SourceOverrides } from '../engine/sync/orchestrator';
import { parse, str, workspaceDir } from './args';
import { CliError, fail } from './errors';
import { envCalltouchSiteIds, envList } from './env-secrets';
import { openEngine } from './engine-call';
import { parseEvery, watch } from './sync-watch';

/** Endpoints and accounts from the environment (the secrets themselves: ./env-secrets). */
export function envOverrides(env: NodeJS.ProcessEnv = process.env): SourceOverrides {
  return {
    calltouchBaseUrl: env.SKVOZ_CALLTOUCH_BASE_URL || undefined,
    calltouchSiteIds: envCalltouchSiteIds(env),
    yandexDirectBaseUrl: env.SKVOZ_YANDEX_DIRECT_BASE_URL || undefined,
    yandexDirectLogins: envList(env.SKVOZ_YANDEX_DIRECT_LOGINS),
    vkAdsBaseUrl: env.SKVOZ_VK_ADS_BASE_URL || undefined,
    vkAdsClients: envList(env.SKVOZ_VK_ADS_CLIENTS),
  };
}

/** `--only KIND`: one of the sources (CRM, calls, ad platforms). */
function onlySource(only: string | undefined): SourceKind[] | undefined {
  if (only === undefined) return undefined;
  const kinds = SourceKindSchema.options as readonly string[];
  if (!kinds.includes(only)) fail(`--only: ${kinds.join(', ')}`, `--only must be one of ${kinds.join(', ')}`);
  return [only as SourceKind];
}

export async function run(args: string[]): Promise<number> {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    only: { type: 'string' },
    full: { type: 'boolean' },
    watch: { type: 'boolean' },
    every: { type: 'string' },
  });
  const dir = workspaceDir(values);
  const sources = onlySource(str(values, 'only'));
  const every = str(values, 'every');
  if (every !== undefined && !values.watch) fail('--every — только вместе с --watch', '--every goes with --watch');
  if (values.watch && values.full) fail('--full и --watch вместе нельзя: полная синхронизация — отдельной командой', '--full cannot go with --watch');
  const overrides = envOverrides();
  if (values.watch) {
    const everyMinutes = every === undefined ? undefined : parseEvery(every);
    const engine = openEngine(dir, { overrides });
    try {
      return await watch(engine, { sources, everyMinutes });
    } finally {
      await engine.close();
    }
  }
  let last = 0;
  let lastAttribution = 0;
  const engine = openEngine(dir, {
    overrides,
    emit: (event, payload) => {
      if (event === 'attribution:progress') {
        // a full recompute (first sync, changed rules) takes a while on a large workspace
        const a = payload as { done: number; total: number; finished: boolean };
        if (a.finished) process.stderr.write(`  атрибуция пересчитана: ${a.total} конверсий\n`);
        else if (a.total === 0) process.stderr.write('  атрибуция: полный пересчёт…\n');
        else if (Date.now() - lastAttribution >= 1000) {
          lastAttribution = Date.now();
          process.stderr.write(`  атрибуция: ${a.done}/${a.total}\n`);
        }
        return;
      }
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
    const { done } = await engine.sync.start(engine.workspace, { sources, full: values.full === true });
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
