// VK Ads (ads.vk.com) API client (docs/vk-ads.md): OAuth2 client credentials (own account) or
// agency client credentials (agency_client_name), ad plans (campaigns) and statistics by day.
// The access token lives 24 h and a client may hold only a few, so one token per account is kept
// for the life of the process and refreshed; a "token limit" answer deletes the client's tokens
// once and asks again. Every request goes through the process-wide VK limiter (2 rps); 429 →
// Retry-After or back-off with the whole limiter paused; 5xx / network → back off and retry;
// 401 → a new token once; other 4xx → fail. A ready access token (no `:`) is used as is.
import { createLogger, type Logger } from '../../log';
import { RateLimiter } from '../calltouch/limiter';
import { retryAfterMs } from '../calltouch/client';
import { AdApiError, DEFAULT_AD_TUNING, bodyDetail, definedTuning, exchange, header, type AdTuning, type Decision, type RawAnswer } from '../ads/http';
import type { AdCostRow } from '../ads/sync-days';

export const VK_RPS = 2;
let shared: RateLimiter | null = null;
export function sharedVkLimiter(): RateLimiter {
  shared ??= new RateLimiter(VK_RPS);
  return shared;
}

const V = 'VK Реклама';
/** ids per statistics request (public clients use 50–200) */
export const IDS_PER_REQUEST = 50;

interface Token {
  access: string;
  refresh: string | null;
  expiresAt: number;
}
const tokens = new Map<string, Token>();

export interface VkClientOptions extends Partial<AdTuning> {
  baseUrl: string;
  /** `client_id:client_secret`, or a ready access token */
  credentials: string;
  /** agency client user name ('' = own account) */
  client: string;
  signal?: AbortSignal;
  log?: Logger;
}

export class VkAdsClient {
  readonly counters = { requests: 0, retries: 0 };
  /** the last X-RateLimit-Daily-Remaining seen */
  dailyRemaining: number | null = null;
  tokensIssued = 0;
  private readonly t: AdTuning;
  private readonly base: string;
  private readonly log: Logger;
  private readonly id: string | null;
  private readonly secret: string | null;

  constructor(private readonly o: VkClientOptions) {
    this.t = { ...DEFAULT_AD_TUNING, limiter: o.limiter ?? sharedVkLimiter(), ...definedTuning(o) };
    this.base = o.baseUrl.replace(/\/+$/, '');
    this.log = o.log ?? createLogger('vk-ads');
    const i = o.credentials.indexOf(':');
    this.id = i > 0 ? o.credentials.slice(0, i) : null;
    this.secret = i > 0 ? o.credentials.slice(i + 1) : null;
  }

  private get cacheKey(): string {
    return `${this.base}\u0001${this.id}\u0001${this.o.client}`;
  }

  private ctx(label: string) {
    return { label, platform: V, signal: this.o.signal, log: this.log, counters: this.counters };
  }

  /** Token request (grant = client / agency credentials or refresh); deletes old tokens once on a limit answer. */
  private async issue(refresh: string | null): Promise<Token> {
    const form = (): Record<string, string> => {
      const f: Record<string, string> = { client_id: this.id!, client_secret: this.secret! };
      if (refresh) return { ...f, grant_type: 'refresh_token', refresh_token: refresh };
      if (this.o.client) return { ...f, grant_type: 'agency_client_credentials', agency_client_name: this.o.client };
      return { ...f, grant_type: 'client_credentials' };
    };
    let cleared = false;
    for (;;) {
      const r = await exchange<Token | 'limit' | 'refresh_failed'>(
        this.t,
        this.ctx('oauth2/token'),
        () => ({
          url: `${this.base}/api/v2/oauth2/token.json`,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form()).toString(),
        }),
        (a) => {
          if (a.status === 200) {
            try {
              const j = JSON.parse(a.text) as { access_token?: string; refresh_token?: string; expires_in?: string | number };
              if (!j.access_token) return { fail: new AdApiError('internal', `${V}: в ответе нет access_token.`, 'unexpected', 200) };
              const secs = Number(j.expires_in ?? 86_400);
              return { done: { access: j.access_token, refresh: j.refresh_token ?? refresh, expiresAt: this.t.clock.now() + (Number.isFinite(secs) ? secs : 86_400) * 1000 } };
            } catch {
              return { retry: new AdApiError('network', `${V} прислала неполный ответ.`, 'server', 200) };
            }
          }
          const detail = bodyDetail(a.text);
          if (a.status >= 500 || a.status === 429) return this.transient(a);
          if (refresh) return { done: 'refresh_failed' };
          if (/limit|tokens_left|too many tokens/i.test(detail)) return { done: 'limit' };
          if (/invalid_client|unauthorized|invalid_grant/i.test(detail) || a.status === 401) {
            return { fail: new AdApiError('auth_failed', `${V} не приняла client_id и client_secret${detail ? ` (${detail})` : ''}. Проверьте ключи в «Настройки → Доступ к API» кабинета.`, 'auth', a.status) };
          }
          if (this.o.client && a.status === 403) {
            return { fail: new AdApiError('auth_failed', `Нет доступа к клиенту агентства «${this.o.client}» (HTTP 403). Проверьте имя клиента.`, 'access', a.status) };
          }
          return { fail: new AdApiError('invalid_input', `${V} отклонила запрос токена (HTTP ${a.status})${detail ? `: ${detail}` : ''}.`, 'bad_request', a.status) };
        },
      );
      if (r === 'refresh_failed') return this.issue(null);
      if (r !== 'limit') {
        this.tokensIssued++;
        return r;
      }
      if (cleared) throw new AdApiError('rate_limited', `${V}: достигнут лимит токенов API, удалить старые не удалось. Повторите позже.`, 'limit');
      cleared = true;
      this.log.warn('лимит токенов VK Рекламы: удаляем старые токены клиента');
      await exchange<true>(
        this.t,
        this.ctx('oauth2/token/delete'),
        () => {
          const f: Record<string, string> = { client_id: this.id!, client_secret: this.secret! };
          if (this.o.client) f.username = this.o.client;
          return { url: `${this.base}/api/v2/oauth2/token/delete.json`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(f).toString() };
        },
        (a) => (a.status < 300 ? { done: true } : a.status >= 500 ? this.transient(a) : { fail: new AdApiError('auth_failed', `${V} не дала удалить старые токены (HTTP ${a.status}).`, 'auth', a.status) }),
      );
    }
  }

  private async token(forceNew = false): Promise<string> {
    if (this.id === null) return this.o.credentials;
    const cached = tokens.get(this.cacheKey);
    if (cached && !forceNew && cached.expiresAt - 60_000 > this.t.clock.now()) return cached.access;
    const fresh = await this.issue(cached?.refresh ?? null);
    tokens.set(this.cacheKey, fresh);
    return fresh.access;
  }

  private transient<T>(a: RawAnswer): Decision<T> {
    if (a.status === 429) {
      const wait = retryAfterMs(header(a.headers, 'retry-after'), this.t.clock.now());
      return {
        retry: new AdApiError('rate_limited', `${V} ограничила частоту запросов (HTTP 429). Повторите позже.`, 'limit', 429),
        waitMs: wait === null ? null : Math.min(wait, 600_000),
        pauseAll: true,
      };
    }
    return { retry: new AdApiError('network', `Сервер ${V} отвечает ошибкой (HTTP ${a.status}). Повторите позже.`, 'server', a.status) };
  }

  /** GET a JSON resource with the bearer token; one new token on 401. */
  private async get<T>(path: string, query: Record<string, string>): Promise<T> {
    if (this.dailyRemaining === 0) {
      throw new AdApiError('rate_limited', `Исчерпан дневной лимит запросов к API ${V} — синхронизация продолжится завтра с того же места.`, 'limit');
    }
    let token = await this.token();
    let renewed = false;
    for (;;) {
      const url = `${this.base}${path}?${new URLSearchParams(query).toString()}`;
      const r = await exchange<{ value: T } | 'renew'>(
        this.t,
        this.ctx(path),
        () => ({ url, method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json' } }),
        (a) => {
          const daily = Number(header(a.headers, 'x-ratelimit-daily-remaining'));
          if (header(a.headers, 'x-ratelimit-daily-remaining') !== undefined && Number.isFinite(daily)) this.dailyRemaining = daily;
          if (a.status === 200) {
            if (/^\s*</.test(a.text)) return { retry: new AdApiError('network', `${V} вернула страницу вместо данных.`, 'html', 200) };
            try {
              return { done: { value: JSON.parse(a.text) as T } };
            } catch {
              return { retry: new AdApiError('network', `${V} прислала неполный ответ.`, 'server', 200) };
            }
          }
          if (a.status === 401 && !renewed && this.id !== null) return { done: 'renew' };
          if (a.status >= 500 || a.status === 429) return this.transient(a);
          const detail = bodyDetail(a.text);
          if (a.status === 401) return { fail: new AdApiError('auth_failed', `${V} не приняла токен доступа (HTTP 401). Проверьте ключи API в «Настройках».`, 'auth', 401) };
          if (a.status === 403) return { fail: new AdApiError('auth_failed', `${V}: нет прав на чтение статистики (HTTP 403)${detail ? `: ${detail}` : ''}.`, 'access', 403) };
          return { fail: new AdApiError('invalid_input', `${V} отклонила запрос (HTTP ${a.status})${detail ? `: ${detail}` : ''}.`, 'bad_request', a.status) };
        },
      );
      if (r !== 'renew') return r.value;
      renewed = true;
      token = await this.token(true);
    }
  }

  /** Every ad plan (campaign) of the account: id → name. */
  async adPlans(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let offset = 0; ; offset += 50) {
      const page = await this.get<{ count?: number; items?: { id: number | string; name?: string }[] }>('/api/v2/ad_plans.json', {
        fields: 'id,name',
        limit: '50',
        offset: String(offset),
      });
      const items = page.items ?? [];
      for (const it of items) out.set(String(it.id), (it.name ?? '').trim());
      if (items.length < 50 || (page.count !== undefined && offset + items.length >= page.count)) break;
      if (offset > 100_000) break;
    }
    return out;
  }

  /** Costs by day for [from, to] (≤ 92 days) of the given plans, in requests of IDS_PER_REQUEST ids. */
  async costs(plans: Map<string, string>, from: string, to: string, currency: string): Promise<AdCostRow[]> {
    const ids = [...plans.keys()];
    const rows: AdCostRow[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
      const chunk = ids.slice(i, i + IDS_PER_REQUEST);
      const body = await this.get<{ items?: { id: number | string; rows?: { date?: string; base?: { shows?: unknown; clicks?: unknown; spent?: unknown } }[] }[] }>(
        '/api/v2/statistics/ad_plans/day.json',
        { id: chunk.join(','), date_from: from, date_to: to, metrics: 'base' },
      );
      for (const item of body.items ?? []) {
        const id = String(item.id);
        for (const r of item.rows ?? []) {
          if (!r.date || !/^\d{4}-\d{2}-\d{2}$/.test(r.date)) continue;
          const amount = Number(r.base?.spent ?? 0);
          const impressions = Number(r.base?.shows ?? 0);
          const clicks = Number(r.base?.clicks ?? 0);
          if (!Number.isFinite(amount)) throw new AdApiError('internal', `${V}: расход «${String(r.base?.spent)}» — не число.`, 'unexpected');
          if (amount === 0 && !impressions && !clicks) continue; // a day without delivery
          rows.push({
            campaignId: id,
            campaignName: plans.get(id) ?? '',
            day: r.date,
            impressions: Number.isFinite(impressions) ? impressions : null,
            clicks: Number.isFinite(clicks) ? clicks : null,
            amount,
            currency,
          });
        }
      }
    }
    return rows;
  }
}

/** Forgets cached tokens (tests). */
export function forgetVkTokens(): void {
  tokens.clear();
}
