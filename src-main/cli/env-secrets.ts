// Secrets for the CLI come from the environment, never from arguments (they'd land in shell history).
//   SKVOZ_BITRIX24_WEBHOOK=https://portal.bitrix24.ru/rest/1/<code>/
//   SKVOZ_CALLTOUCH_SITES=siteId:token[,siteId:token]
//   SKVOZ_YANDEX_DIRECT_TOKEN=<OAuth token> (agency: its token for every client login)
//   SKVOZ_YANDEX_DIRECT_TOKENS=login:token[,login:token] (a token per Direct account)
//   SKVOZ_VK_ADS_TOKEN=<client_id>:<client_secret> (or a ready access token)
import type { SecretKey } from '@shared/contract';
import type { SecretProvider } from '../engine/secrets';

export function envSecrets(env: NodeJS.ProcessEnv = process.env): SecretProvider {
  const sites = new Map<number, string>();
  for (const part of (env.SKVOZ_CALLTOUCH_SITES ?? '').split(',')) {
    const i = part.indexOf(':');
    if (i <= 0) continue;
    const id = Number(part.slice(0, i).trim());
    const token = part.slice(i + 1).trim();
    if (Number.isInteger(id) && id > 0 && token) sites.set(id, token);
  }
  const direct = new Map<string, string>();
  for (const part of (env.SKVOZ_YANDEX_DIRECT_TOKENS ?? '').split(',')) {
    const i = part.indexOf(':');
    if (i <= 0) continue;
    const login = part.slice(0, i).trim();
    const token = part.slice(i + 1).trim();
    if (login && token) direct.set(login, token);
  }
  return {
    async get(key: SecretKey) {
      switch (key.kind) {
        case 'bitrix24_webhook':
          return env.SKVOZ_BITRIX24_WEBHOOK?.trim() || null;
        case 'calltouch_token':
          return sites.get(key.siteId) ?? null;
        case 'yandex_direct_token':
          return (key.login ? direct.get(key.login) : undefined) ?? (env.SKVOZ_YANDEX_DIRECT_TOKEN?.trim() || null);
        case 'vk_ads_credentials':
          return env.SKVOZ_VK_ADS_TOKEN?.trim() || null;
      }
    },
  };
}

export function envCalltouchSiteIds(env: NodeJS.ProcessEnv = process.env): number[] {
  return (env.SKVOZ_CALLTOUCH_SITES ?? '')
    .split(',')
    .map((p) => Number(p.split(':')[0]?.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Comma-separated list from the environment (Direct client logins, VK agency clients), or undefined. */
export function envList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  return list;
}
