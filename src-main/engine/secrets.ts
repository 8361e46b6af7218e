// How the engine reads secrets it needs for sync. The engine never stores them: in the app the
// shell answers from safeStorage, in the CLI they come from the environment, in tests from memory.
import type { SecretKey } from '@shared/contract';

export interface SecretProvider {
  get(key: SecretKey): Promise<string | null>;
}

export function secretName(key: SecretKey): string {
  switch (key.kind) {
    case 'bitrix24_webhook':
      return 'bitrix24_webhook';
    case 'calltouch_token':
      return `calltouch_token:${key.siteId}`;
    case 'yandex_direct_token':
      return `yandex_direct_token:${key.login}`;
    case 'vk_ads_credentials':
      return 'vk_ads_credentials';
  }
}

export class MemorySecrets implements SecretProvider {
  private readonly values = new Map<string, string>();
  set(key: SecretKey, value: string): void {
    this.values.set(secretName(key), value);
  }
  clear(key: SecretKey): void {
    this.values.delete(secretName(key));
  }
  has(key: SecretKey): boolean {
    return this.values.has(secretName(key));
  }
  async get(key: SecretKey): Promise<string | null> {
    return this.values.get(secretName(key)) ?? null;
  }
}
