// Secrets for the CLI come from the environment, never from arguments (they'd land in shell history).
//   SKVOZ_BITRIX24_WEBHOOK=https://portal.bitrix24.ru/rest/1/<code>/
//   SKVOZ_CALLTOUCH_SITES=siteId:token[,siteId:token]
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
  return {
    async get(key: SecretKey) {
      if (key.kind === 'bitrix24_webhook') return env.SKVOZ_BITRIX24_WEBHOOK?.trim() || null;
      return sites.get(key.siteId) ?? null;
    },
  };
}

export function envCalltouchSiteIds(env: NodeJS.ProcessEnv = process.env): number[] {
  return (env.SKVOZ_CALLTOUCH_SITES ?? '')
    .split(',')
    .map((p) => Number(p.split(':')[0]?.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}
