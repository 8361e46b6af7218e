// Shared set-up of the ad-costs tests: a workspace folder, an engine whose Direct and VK sources
// run with fast retry timings against the loopback fakes, and small readers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsSchema, type SettingsPatch } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { Workspace } from '../../src-main/engine/workspace';
import { RateLimiter } from '../../src-main/engine/sources/calltouch/limiter';
import type { AdTuning } from '../../src-main/engine/sources/ads/http';
import { yandexDirectSource } from '../../src-main/engine/sources/yandex-direct/sync';
import { vkAdsSource } from '../../src-main/engine/sources/vk-ads/sync';
import { forgetVkTokens } from '../../src-main/engine/sources/vk-ads/client';
import type { FakeDirect } from '../fakes/yandex-direct';
import type { FakeVk } from '../fakes/vk-ads';

export const DIRECT_TOKEN = 'y0_direct-test-token-0123456789';
export const VK_ID = 'vkclient01';
export const VK_SECRET = 'vk-secret-0123456789';

export function fastAdTuning(): Partial<AdTuning> {
  return { limiter: new RateLimiter(1000), retryBaseMs: 1, retryMaxMs: 5, timeoutMs: 5_000, maxAttempts: 10, random: () => 0.5 };
}

export function tempDir(prefix = 'skvoz-ads-'): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

export function makeWsDir(root: string, name: string, adCosts: SettingsPatch['adCosts'] = {}): string {
  const dir = join(root, name);
  const ws = Workspace.create(dir, { name });
  ws.updateMeta({ settings: SettingsSchema.parse({ adCosts }) });
  ws.close();
  return dir;
}

export function adEngine(dir: string, o: { direct?: FakeDirect; vk?: FakeVk; now?: number; secrets?: MemorySecrets; logins?: string[]; clients?: string[] }): Engine {
  forgetVkTokens();
  const secrets = o.secrets ?? new MemorySecrets();
  if (!o.secrets) {
    secrets.set({ kind: 'yandex_direct_token', login: '' }, DIRECT_TOKEN);
    secrets.set({ kind: 'vk_ads_credentials' }, `${VK_ID}:${VK_SECRET}`);
  }
  const tuning = fastAdTuning();
  return new Engine({
    workspaceDir: dir,
    secrets,
    now: o.now === undefined ? undefined : () => o.now!,
    sources: [yandexDirectSource({ tuning }), vkAdsSource({ tuning })],
    overrides: {
      yandexDirectBaseUrl: o.direct?.url ?? 'http://127.0.0.1:9',
      vkAdsBaseUrl: o.vk?.url ?? 'http://127.0.0.1:9',
      yandexDirectLogins: o.logins,
      vkAdsClients: o.clients,
    },
  });
}

export async function syncOnly(engine: Engine, kinds: ('yandex_direct' | 'vk_ads')[], full = false) {
  const { done } = await engine.sync.start(engine.workspace, { sources: kinds, full });
  return done;
}

export function adRows(engine: Engine, platform: string): { day: string; campaign_id: string; campaign_name: string; amount: number; impressions: number | null; clicks: number | null; account: string }[] {
  return engine.workspace.db
    .prepare('SELECT account, day, campaign_id, campaign_name, amount, impressions, clicks FROM ad_cost WHERE platform = ? ORDER BY account, day, campaign_id')
    .all(platform) as never;
}
