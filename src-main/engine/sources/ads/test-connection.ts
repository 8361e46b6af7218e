// «Проверить подключение» for Yandex Direct (clients.get + yesterday's report) and VK Ads (a token
// and the ad plans), answered in Russian with what is wrong.
import type { SourceTestInput, SourceTestResult } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import type { SourceTester } from '../../engine';
import { SkvozError } from '../../errors';
import { AdApiError, type AdTuning } from './http';
import { PLATFORM_TZ } from './sync-days';
import { DirectClient } from '../yandex-direct/client';
import { directBaseUrl } from '../yandex-direct/sync';
import { VkAdsClient } from '../vk-ads/client';
import { vkBaseUrl } from '../vk-ads/sync';

export interface AdTestOptions {
  tuning?: Partial<AdTuning>;
  now?: () => number;
}

// the user is waiting: few attempts, short waits
const QUICK: Partial<AdTuning> = { maxAttempts: 2, retryBaseMs: 500, retryMaxMs: 2_000, timeoutMs: 20_000 };

function failure(err: unknown, details: Record<string, string | number | boolean>): SourceTestResult {
  if (err instanceof AdApiError) {
    const code = err.failure === 'html' ? 'html' : err.code;
    return { ok: false, code, message: err.message, details: { ...details, ...(err.apiCode !== null ? { apiCode: String(err.apiCode) } : {}) } };
  }
  if (err instanceof SkvozError) return { ok: false, code: err.code, message: err.message, details };
  return { ok: false, code: 'internal', message: 'Проверка не удалась из-за внутренней ошибки.', details };
}

export async function testYandexDirect(input: SourceTestInput, ctx: Parameters<SourceTester>[0], opts: AdTestOptions = {}): Promise<SourceTestResult> {
  if (input.source !== 'yandex_direct') return { ok: false, code: 'invalid_input', message: 'Это проверка Яндекс Директа.', details: {} };
  const login = input.login;
  const details: Record<string, string | number | boolean> = login ? { login } : {};
  try {
    const baseUrl = directBaseUrl(ctx.ws.settings, ctx.overrides);
    const token = (login ? await ctx.secrets.get({ kind: 'yandex_direct_token', login }) : null) ?? (await ctx.secrets.get({ kind: 'yandex_direct_token', login: '' }));
    if (!token) return { ok: false, code: 'auth_failed', message: 'Не задан OAuth-токен Директа. Вставьте его и сохраните.', details };
    const client = new DirectClient({ ...QUICK, ...opts.tuning, baseUrl, token, login, maxReportWaitMs: 60_000 });
    const currency = await client.currency();
    const yesterday = addDays(instantToDate((opts.now ?? Date.now)(), PLATFORM_TZ), -1);
    const rows = await client.costs(yesterday, yesterday, ctx.ws.settings.adCosts.vat === 'with', currency);
    const spent = Math.round(rows.reduce((s, r) => s + r.amount, 0) * 100) / 100;
    const campaigns = new Set(rows.map((r) => r.campaignId)).size;
    Object.assign(details, { currency, campaignsYesterday: campaigns, costYesterday: spent, date: yesterday });
    if (client.units) details.unitsLeft = client.units.rest;
    const who = login ? `логин ${login}` : 'свой аккаунт';
    const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency, maximumFractionDigits: 2 }).format(spent);
    const units = client.units ? `, баллов API осталось ${client.units.rest.toLocaleString('ru-RU')} из ${client.units.limit.toLocaleString('ru-RU')}` : '';
    return { ok: true, code: null, message: `Подключение работает: ${who}, валюта ${currency}; вчера ${campaigns} кампаний потратили ${money}${units}.`, details };
  } catch (err) {
    return failure(err, details);
  }
}

export async function testVkAds(input: SourceTestInput, ctx: Parameters<SourceTester>[0], opts: AdTestOptions = {}): Promise<SourceTestResult> {
  if (input.source !== 'vk_ads') return { ok: false, code: 'invalid_input', message: 'Это проверка VK Рекламы.', details: {} };
  const name = input.client;
  const details: Record<string, string | number | boolean> = name ? { client: name } : {};
  try {
    const baseUrl = vkBaseUrl(ctx.ws.settings, ctx.overrides);
    const credentials = await ctx.secrets.get({ kind: 'vk_ads_credentials' });
    if (!credentials) return { ok: false, code: 'auth_failed', message: 'Не заданы ключи API VK Рекламы. Вставьте client_id:client_secret и сохраните.', details };
    const client = new VkAdsClient({ ...QUICK, ...opts.tuning, baseUrl, credentials, client: name });
    const plans = await client.adPlans();
    details.campaigns = plans.size;
    const who = name ? `клиент ${name}` : 'свой кабинет';
    return { ok: true, code: null, message: `Подключение работает: ${who}, кампаний: ${plans.size}.`, details };
  } catch (err) {
    return failure(err, details);
  }
}

export function yandexDirectTester(opts: AdTestOptions = {}): SourceTester {
  return (ctx) => testYandexDirect(ctx.input, ctx, opts);
}

export function vkAdsTester(opts: AdTestOptions = {}): SourceTester {
  return (ctx) => testVkAds(ctx.input, ctx, opts);
}
