// Fake VK Ads API (docs/vk-ads.md) on 127.0.0.1: OAuth2 token.json (client credentials, agency
// client credentials, refresh; a limit of live tokens per client, token/delete.json),
// ad_plans.json (paged by 50) and statistics/ad_plans/day.json (rows per day with `base`
// {shows, clicks, spent as a decimal string}, zero rows on days without delivery, ≤ 92 days,
// X-RateLimit-* headers, 429 past the per-second limit) and scripted faults.
import { addDays, daysBetween } from '@shared/time';
import type { AdDataset } from '../ads/data';
import { startServer, type AdFakeServer, type FakeRes } from '../ads/http';

export type VkFault = 'http500' | 'http429' | 'http401' | 'html200';

export interface FakeVkOptions {
  clientId: string;
  clientSecret: string;
  /** agency client name → dataset; '' = the own account */
  accounts: Record<string, AdDataset>;
  /** live tokens allowed per client (default 5) */
  tokenLimit?: number;
  /** requests per second before 429 (null = no limit) */
  rps?: number | null;
  dailyLimit?: number;
}

export interface FakeVk extends AdFakeServer {
  faults: VkFault[];
  /** tokens issued (all grants) */
  issued: number;
  /** live tokens per account */
  live: Map<string, Set<string>>;
  throttled: number;
  /** revoke every live token (the next API call gets 401) */
  expireAll(): void;
}

export async function startFakeVk(o: FakeVkOptions): Promise<FakeVk> {
  const tokenLimit = o.tokenLimit ?? 5;
  const tokenOwner = new Map<string, string>();
  const refreshOwner = new Map<string, string>();
  let window: number[] = [];
  let daily = 0;
  // assigned once the server exists; the handlers read it later
  // eslint-disable-next-line prefer-const
  let fake: FakeVk;
  const issue = (account: string): FakeRes => {
    const live = fake.live.get(account) ?? new Set<string>();
    if (live.size >= tokenLimit) return { status: 400, json: { error: 'token_limit_exceeded', error_description: 'Active access token limit reached', tokens_left: 0 } };
    fake.issued++;
    const access = `vk-access-${fake.issued}`;
    const refresh = `vk-refresh-${account}-${fake.issued}`;
    live.add(access);
    fake.live.set(account, live);
    tokenOwner.set(access, account);
    refreshOwner.set(refresh, account);
    return { status: 200, json: { access_token: access, token_type: 'bearer', scope: 'read_ads', expires_in: '86400', refresh_token: refresh, tokens_left: tokenLimit - live.size } };
  };
  const limits = () => ({
    'X-RateLimit-RPS-Limit': String(o.rps ?? 100),
    'X-RateLimit-Daily-Limit': String(o.dailyLimit ?? 100_000),
    'X-RateLimit-Daily-Remaining': String(Math.max(0, (o.dailyLimit ?? 100_000) - daily)),
  });
  const server = await startServer((req) => {
    const f = fake.faults.shift();
    if (f === 'http500') return { status: 500, json: { error: { code: 'internal', message: 'Internal error' } } };
    if (f === 'http429') return { status: 429, json: { error: { code: 'throttling', message: 'Too many requests' } }, headers: { 'Retry-After': '0' } };
    if (f === 'html200') return { status: 200, text: '<html>maintenance</html>', contentType: 'text/html' };
    const now = Date.now();
    window = window.filter((t) => now - t < 1000);
    if (o.rps && window.length >= o.rps) {
      fake.throttled++;
      return { status: 429, json: { error: { code: 'throttling', message: 'RPS limit' } } };
    }
    window.push(now);
    const form = new URLSearchParams(req.body);
    if (req.path === '/api/v2/oauth2/token.json' && req.method === 'POST') {
      if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret) return { status: 401, json: { error: 'invalid_client', error_description: 'Client authentication failed' } };
      const grant = form.get('grant_type');
      if (grant === 'client_credentials') return issue('');
      if (grant === 'agency_client_credentials') {
        const name = form.get('agency_client_name') ?? '';
        if (!o.accounts[name] || !name) return { status: 403, json: { error: 'access_denied', error_description: `Unknown agency client ${name}` } };
        return issue(name);
      }
      if (grant === 'refresh_token') {
        const acc = refreshOwner.get(form.get('refresh_token') ?? '');
        if (acc === undefined) return { status: 400, json: { error: 'invalid_grant', error_description: 'Unknown refresh token' } };
        const live = fake.live.get(acc);
        // a refresh replaces the client's oldest token
        const oldest = live ? [...live][0] : undefined;
        if (oldest) live!.delete(oldest);
        return issue(acc);
      }
      return { status: 400, json: { error: 'unsupported_grant_type' } };
    }
    if (req.path === '/api/v2/oauth2/token/delete.json' && req.method === 'POST') {
      if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret) return { status: 401, json: { error: 'invalid_client' } };
      const acc = form.get('username') ?? '';
      for (const t of fake.live.get(acc) ?? []) tokenOwner.delete(t);
      fake.live.delete(acc);
      return { status: 204, text: '' };
    }
    const auth = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    const acc = tokenOwner.get(auth);
    if (f === 'http401' || acc === undefined || !fake.live.get(acc)?.has(auth)) return { status: 401, json: { error: { code: 'invalid_token', message: 'Invalid access token' } } };
    daily++;
    const ds = o.accounts[acc]!;
    if (req.path === '/api/v2/ad_plans.json') {
      const limit = Math.min(50, Number(req.query.get('limit') ?? 20));
      const offset = Number(req.query.get('offset') ?? 0);
      const items = ds.campaigns.slice(offset, offset + limit).map((c) => ({ id: Number(c.id), name: c.name }));
      return { status: 200, json: { count: ds.campaigns.length, offset, items }, headers: limits() };
    }
    if (req.path === '/api/v2/statistics/ad_plans/day.json') {
      const from = req.query.get('date_from') ?? '';
      const to = req.query.get('date_to') ?? '';
      if (!from || !to || from > to) return { status: 400, json: { error: { code: 'invalid_dates', message: 'date_from/date_to' } } };
      if (daysBetween(from, to) > 91) return { status: 400, json: { error: { code: 'period_too_long', message: 'Period longer than 92 days' } } };
      const ids = (req.query.get('id') ?? '').split(',').filter(Boolean);
      const items = ids.map((id) => {
        const rows = [];
        for (let d = from; d <= to; d = addDays(d, 1)) {
          const r = ds.day(id, d);
          rows.push({ date: d, base: { shows: r?.impressions ?? 0, clicks: r?.clicks ?? 0, spent: (r?.cost ?? 0).toFixed(2), goals: 0 } });
        }
        return { id: Number(id), rows, total: { base: {} } };
      });
      return { status: 200, json: { items, total: { base: {} } }, headers: limits() };
    }
    return { status: 404, json: { error: { code: 'not_found', message: req.path } } };
  });
  fake = Object.assign(server, {
    faults: [] as VkFault[],
    issued: 0,
    live: new Map<string, Set<string>>(),
    throttled: 0,
    expireAll() {
      for (const set of fake.live.values()) set.clear();
    },
  }) as FakeVk;
  return fake;
}
