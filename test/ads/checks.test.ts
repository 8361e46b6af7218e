// What «Настройки» accepts as a Direct token and VK Ads keys before they reach the keychain.
import { describe, expect, it } from 'vitest';
import { checkVkAdsCredentials, checkYandexDirectToken } from '../../src-main/shell/webhook';
import { envSecrets } from '../../src-main/cli/env-secrets';

describe('ad platform secrets', () => {
  it('a Direct token: one word, Bearer/OAuth prefixes dropped, Russian text refused', () => {
    expect(checkYandexDirectToken('Bearer y0_AgAAAAAABBBBccccDDDDeeee')).toEqual({ ok: true, value: 'y0_AgAAAAAABBBBccccDDDDeeee', host: null });
    expect(checkYandexDirectToken('токен директа')).toMatchObject({ ok: false, message: expect.stringMatching(/без пробелов и русских букв/) });
    expect(checkYandexDirectToken('short')).toMatchObject({ ok: false, message: expect.stringMatching(/слишком короткий/) });
  });

  it('VK Ads keys: client_id:client_secret or a ready token', () => {
    expect(checkVkAdsCredentials('abc123:secretsecret')).toMatchObject({ ok: true });
    expect(checkVkAdsCredentials('abc123:')).toMatchObject({ ok: false, message: expect.stringMatching(/оба ключа/) });
    expect(checkVkAdsCredentials('readyaccesstoken123')).toMatchObject({ ok: true });
  });

  it('the CLI reads them from the environment, a token per Direct login first', async () => {
    const s = envSecrets({ SKVOZ_YANDEX_DIRECT_TOKEN: 'agency-token', SKVOZ_YANDEX_DIRECT_TOKENS: 'shop:shop-token', SKVOZ_VK_ADS_TOKEN: 'id:secret' });
    expect(await s.get({ kind: 'yandex_direct_token', login: 'shop' })).toBe('shop-token');
    expect(await s.get({ kind: 'yandex_direct_token', login: 'other' })).toBe('agency-token');
    expect(await s.get({ kind: 'vk_ads_credentials' })).toBe('id:secret');
  });
});
