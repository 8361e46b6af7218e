// «Проверить подключение» for one Calltouch site: one page of yesterday's calls (paged mode,
// limit 1 — recordsTotal says how many there were), answered in Russian with what is wrong.
import type { SourceTestInput, SourceTestResult } from '@shared/contract';
import { addDays, instantToDate } from '@shared/time';
import type { SourceTester } from '../../engine';
import { SkvozError } from '../../errors';
import { CalltouchClient, CtApiError, checkBaseUrl, type CtTuning } from './client';
import { calltouchSites } from './sync';

export interface CalltouchTestOptions {
  tuning?: Partial<CtTuning>;
  now?: () => number;
}

function ruCalls(n: number): string {
  const m10 = n % 10;
  const m100 = n % 100;
  if (m10 === 1 && m100 !== 11) return `${n} звонок`;
  if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return `${n} звонка`;
  return `${n} звонков`;
}

function failure(err: unknown, siteId: number): SourceTestResult {
  const details = { siteId };
  if (err instanceof CtApiError) {
    switch (err.failure) {
      case 'auth':
        return { ok: false, code: 'auth_failed', message: 'Неверный токен API: Calltouch его не принял. Скопируйте токен заново из «Интеграции → API и Webhooks».', details };
      case 'site':
      case 'not_found':
        return {
          ok: false,
          code: 'not_found',
          message: `Неверный ID кабинета: у этого токена нет доступа к кабинету ${siteId}. Проверьте ID в «Интеграции → API и Webhooks».`,
          details: { ...details, status: err.status ?? 0 },
        };
      case 'rate_limited':
        return { ok: false, code: 'rate_limited', message: 'Calltouch ограничил частоту запросов или исчерпан дневной лимит баллов API. Повторите проверку позже.', details };
      case 'html':
        return { ok: false, code: 'html', message: 'Calltouch вернул веб-страницу вместо данных. Проверьте адрес API (https://api.calltouch.ru) или повторите позже — возможно, идут технические работы.', details };
      case 'network':
        return { ok: false, code: 'network', message: 'Нет связи с Calltouch. Проверьте подключение к интернету и прокси.', details };
      case 'server':
      case 'truncated':
        return { ok: false, code: 'network', message: `Сервер Calltouch сейчас отвечает с ошибками (${err.failure === 'server' ? `HTTP ${err.status}` : 'неполный ответ'}). Повторите проверку позже.`, details };
      default:
        return { ok: false, code: err.code, message: err.message, details };
    }
  }
  if (err instanceof SkvozError) return { ok: false, code: err.code, message: err.message, details };
  return { ok: false, code: 'internal', message: 'Проверка не удалась из-за внутренней ошибки.', details };
}

export async function testCalltouch(
  input: SourceTestInput,
  ctx: Parameters<SourceTester>[0],
  opts: CalltouchTestOptions = {},
): Promise<SourceTestResult> {
  if (input.source !== 'calltouch') return { ok: false, code: 'invalid_input', message: 'Это проверка Calltouch.', details: {} };
  const siteId = input.siteId;
  const { ws, secrets, overrides } = ctx;
  const base = checkBaseUrl(overrides.calltouchBaseUrl ?? ws.settings.calltouch.baseUrl);
  if (!base.ok) return { ok: false, code: base.code, message: base.message, details: { siteId } };
  const token = await secrets.get({ kind: 'calltouch_token', siteId });
  if (!token) return { ok: false, code: 'auth_failed', message: `Не задан токен API для кабинета ${siteId}. Вставьте его и сохраните.`, details: { siteId } };
  const site = calltouchSites(ws.settings, { ...overrides, calltouchSiteIds: [siteId] })[0];
  const tz = site?.timeZone ?? 'Europe/Moscow';
  const yesterday = addDays(instantToDate((opts.now ?? Date.now)(), tz), -1);
  // the user is waiting: few attempts, short waits, a 20 s timeout
  const client = new CalltouchClient({
    maxAttempts: 3,
    retryBaseMs: 500,
    retryMaxMs: 2_000,
    timeoutMs: 20_000,
    ...opts.tuning,
    baseUrl: base.url,
    token,
    siteId,
  });
  try {
    const page = await client.callsPage(yesterday, yesterday, 1, 1);
    const first = page.records[0];
    const siteName = typeof first?.siteName === 'string' && first.siteName ? first.siteName : (site?.name ?? '');
    const details: Record<string, string | number | boolean> = { siteId, callsYesterday: page.recordsTotal, date: yesterday };
    if (siteName) details.siteName = siteName;
    const where = siteName ? ` (${siteName})` : '';
    return { ok: true, code: null, message: `Подключение работает: кабинет ${siteId}${where}, вчера ${ruCalls(page.recordsTotal)}.`, details };
  } catch (err) {
    return failure(err, siteId);
  }
}

export function calltouchTester(opts: CalltouchTestOptions = {}): SourceTester {
  return (ctx) => testCalltouch(ctx.input, ctx, opts);
}
