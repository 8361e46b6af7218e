// Yandex Direct costs sync (issue 16, docs/yandex-direct.md): for every account (the token's own,
// or each agency client login) the account currency (clients.get) and a CAMPAIGN_PERFORMANCE_REPORT
// by day in month-sized chunks, incremental with a trailing re-pull (../ads/sync-days.ts).
import type { Settings } from '@shared/contract';
import { SkvozError } from '../../errors';
import type { SourceOverrides, SourceSync, SourceSyncContext } from '../../sync/orchestrator';
import { clearCursors } from '../../sync/cursor';
import type { SecretProvider } from '../../secrets';
import type { Workspace } from '../../workspace';
import { checkAdBaseUrl, loopbackTuning, type AdTuning } from '../ads/http';
import { DaysProgress } from '../ads/progress';
import { pullDays } from '../ads/sync-days';
import { DirectClient } from './client';

export const PLATFORM = 'yandex_direct';
/** days per report: a month keeps a report small enough for the online mode on most accounts */
export const CHUNK_DAYS = 31;

export interface DirectSyncOptions {
  tuning?: Partial<AdTuning>;
  chunkDays?: number;
}

/** Accounts to pull: the environment's logins (CLI), else the workspace's, else the own account. */
export function directLogins(settings: Settings, overrides: SourceOverrides): string[] {
  const list = overrides.yandexDirectLogins ?? settings.adCosts.yandexDirect.logins;
  return list.length ? list : [''];
}

export function directBaseUrl(settings: Settings, overrides: SourceOverrides): string {
  return checkAdBaseUrl(overrides.yandexDirectBaseUrl ?? settings.adCosts.yandexDirect.baseUrl, 'Яндекс Директа', 'https://api.direct.yandex.com');
}

async function tokenFor(secrets: SecretProvider, login: string): Promise<string | null> {
  return (login ? await secrets.get({ kind: 'yandex_direct_token', login }) : null) ?? (await secrets.get({ kind: 'yandex_direct_token', login: '' }));
}

function accountError(login: string, err: unknown): unknown {
  if (!(err instanceof SkvozError) || err.code === 'cancelled') return err;
  const message = err.message.startsWith('Яндекс Директ') ? err.message.replace(/^Яндекс Директ:?\s*/, '') : err.message;
  return new SkvozError(err.code, `Яндекс Директ${login ? `, логин ${login}` : ''}: ${message}`);
}

export async function runDirect(ctx: SourceSyncContext, opts: DirectSyncOptions = {}): Promise<{ rows: number }> {
  const { ws, overrides, signal } = ctx;
  const baseUrl = directBaseUrl(ws.settings, overrides);
  if (ctx.full) clearCursors(ws.db, PLATFORM);
  const clients: DirectClient[] = [];
  const progress = new DaysProgress(ctx, () => clients.reduce((n, c) => n + c.counters.requests, 0));
  const a = ws.settings.adCosts;
  let rows = 0;
  const errors: unknown[] = [];
  // accounts one after another: Direct limits simultaneous requests per login and agency
  for (const login of directLogins(ws.settings, overrides)) {
    try {
      const token = await tokenFor(ctx.secrets, login);
      if (!token) throw new SkvozError('auth_failed', 'не задан OAuth-токен — добавьте его в «Настройках».');
      const client = new DirectClient({ ...loopbackTuning(baseUrl), ...opts.tuning, baseUrl, token, login, signal, log: ctx.log });
      clients.push(client);
      const currency = await client.currency();
      rows += await pullDays({
        ctx,
        platform: PLATFORM,
        account: login,
        chunkDays: opts.chunkDays ?? CHUNK_DAYS,
        historyStart: a.historyStart,
        trailingDays: a.trailingDays,
        fetch: (from, to) => client.costs(from, to, a.vat === 'with', currency),
        onChunk: (done, total) => progress.report(login, done, total),
      });
    } catch (err) {
      if (signal.aborted) break;
      errors.push(accountError(login, err));
    }
  }
  if (signal.aborted) throw new SkvozError('cancelled', 'Синхронизация отменена.');
  if (errors.length) throw errors[0];
  return { rows };
}

export function yandexDirectSource(opts: DirectSyncOptions = {}): SourceSync {
  return {
    kind: 'yandex_direct',
    async isConfigured(ws: Workspace, secrets: SecretProvider, overrides: SourceOverrides): Promise<boolean> {
      for (const login of directLogins(ws.settings, overrides)) if (await tokenFor(secrets, login)) return true;
      return false;
    },
    run: (ctx) => runDirect(ctx, opts),
  };
}
