// VK Ads costs sync (issue 16, docs/vk-ads.md): for the own account or each agency client, the ad
// plans (campaigns) and statistics by day in 90-day chunks, incremental with a trailing re-pull.
import type { Settings } from '@shared/contract';
import { SkvozError } from '../../errors';
import type { SourceOverrides, SourceSync, SourceSyncContext } from '../../sync/orchestrator';
import { clearCursors } from '../../sync/cursor';
import type { SecretProvider } from '../../secrets';
import type { Workspace } from '../../workspace';
import { checkAdBaseUrl, loopbackTuning, type AdTuning } from '../ads/http';
import { DaysProgress } from '../ads/progress';
import { pullDays } from '../ads/sync-days';
import { VkAdsClient } from './client';

export const PLATFORM = 'vk_ads';
/** statistics allow ≤ 92 days a request */
export const CHUNK_DAYS = 90;

export interface VkSyncOptions {
  tuning?: Partial<AdTuning>;
  chunkDays?: number;
}

export function vkClients(settings: Settings, overrides: SourceOverrides): string[] {
  const list = overrides.vkAdsClients ?? settings.adCosts.vkAds.clients;
  return list.length ? list : [''];
}

export function vkBaseUrl(settings: Settings, overrides: SourceOverrides): string {
  return checkAdBaseUrl(overrides.vkAdsBaseUrl ?? settings.adCosts.vkAds.baseUrl, 'VK Рекламы', 'https://ads.vk.com');
}

function accountError(client: string, err: unknown): unknown {
  if (!(err instanceof SkvozError) || err.code === 'cancelled') return err;
  const message = err.message.startsWith('VK Реклама') ? err.message.replace(/^VK Реклама:?\s*/, '') : err.message;
  return new SkvozError(err.code, `VK Реклама${client ? `, клиент ${client}` : ''}: ${message}`);
}

export async function runVk(ctx: SourceSyncContext, opts: VkSyncOptions = {}): Promise<{ rows: number }> {
  const { ws, overrides, signal } = ctx;
  const baseUrl = vkBaseUrl(ws.settings, overrides);
  if (ctx.full) clearCursors(ws.db, PLATFORM);
  const credentials = await ctx.secrets.get({ kind: 'vk_ads_credentials' });
  if (!credentials) throw new SkvozError('auth_failed', 'VK Реклама: не заданы ключи API — добавьте client_id:client_secret в «Настройках».');
  const a = ws.settings.adCosts;
  const clients: VkAdsClient[] = [];
  const progress = new DaysProgress(ctx, () => clients.reduce((n, c) => n + c.counters.requests, 0));
  let rows = 0;
  const errors: unknown[] = [];
  for (const name of vkClients(ws.settings, overrides)) {
    try {
      const client = new VkAdsClient({ ...loopbackTuning(baseUrl), ...opts.tuning, baseUrl, credentials, client: name, signal, log: ctx.log });
      clients.push(client);
      let plans: Map<string, string> | null = null;
      rows += await pullDays({
        ctx,
        platform: PLATFORM,
        account: name,
        chunkDays: Math.min(opts.chunkDays ?? CHUNK_DAYS, 92),
        historyStart: a.historyStart,
        trailingDays: a.trailingDays,
        fetch: async (from, to) => {
          plans ??= await client.adPlans();
          return client.costs(plans, from, to, a.vkAds.currency);
        },
        onChunk: (done, total) => progress.report(name, done, total),
      });
    } catch (err) {
      if (signal.aborted) break;
      errors.push(accountError(name, err));
    }
  }
  if (signal.aborted) throw new SkvozError('cancelled', 'Синхронизация отменена.');
  if (errors.length) throw errors[0];
  return { rows };
}

export function vkAdsSource(opts: VkSyncOptions = {}): SourceSync {
  return {
    kind: 'vk_ads',
    async isConfigured(_ws: Workspace, secrets: SecretProvider): Promise<boolean> {
      return (await secrets.get({ kind: 'vk_ads_credentials' })) !== null;
    },
    run: (ctx) => runVk(ctx, opts),
  };
}
