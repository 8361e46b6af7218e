// Yandex Direct API v5 client (docs/yandex-direct.md): the Reports service (costs by day and
// campaign, TSV, the offline 201/202 flow with retryIn) and clients.get (the account currency).
// Policies: one request at a time per account through the process-wide Direct limiter; 201/202 →
// wait `retryIn` and send the same request again; 152 (no API units) → long back-off, a few times;
// 506 / 56 / 9000 (request, concurrency and report-queue limits) → back off; 500 / 502 / 52 /
// 1000–1002 and network errors → back off and retry; 53 / 54 / 58 / 513 and other 4xx → fail.
import { SkvozError } from '../../errors';
import { createLogger, type Logger } from '../../log';
import { RateLimiter } from '../calltouch/limiter';
import { AdApiError, DEFAULT_AD_TUNING, bodyDetail, definedTuning, exchange, header, type AdTuning, type Decision, type RawAnswer } from '../ads/http';
import type { AdCostRow } from '../ads/sync-days';

export const DIRECT_RPS = 2;
let shared: RateLimiter | null = null;
export function sharedDirectLimiter(): RateLimiter {
  shared ??= new RateLimiter(DIRECT_RPS);
  return shared;
}

export interface DirectClientOptions extends Partial<AdTuning> {
  baseUrl: string;
  token: string;
  /** agency: the advertiser's login (Client-Login); '' = the token's own account */
  login: string;
  signal?: AbortSignal;
  log?: Logger;
  /** longest wait for an offline report, all polls together (default 30 min) */
  maxReportWaitMs?: number;
}

interface DirectError {
  code: number | null;
  text: string;
}

function readError(text: string): DirectError {
  try {
    const j = JSON.parse(text) as { error?: { error_code?: unknown; code?: unknown } };
    const raw = j.error?.error_code ?? j.error?.code;
    return { code: raw === undefined || raw === null ? null : Number(raw), text: bodyDetail(text) };
  } catch {
    return { code: null, text: bodyDetail(text) };
  }
}

/** Units header `10/20828/64000` → spent / rest / limit. */
export function parseUnits(v: string | undefined): { spent: number; rest: number; limit: number } | null {
  const m = /^\s*(\d+)\/(\d+)\/(\d+)\s*$/.exec(v ?? '');
  return m ? { spent: Number(m[1]), rest: Number(m[2]), limit: Number(m[3]) } : null;
}

const D = 'Яндекс Директ';

export class DirectClient {
  readonly counters = { requests: 0, retries: 0 };
  /** polls of offline reports (201/202 answers) */
  offlinePolls = 0;
  /** the last Units header seen */
  units: { spent: number; rest: number; limit: number } | null = null;
  private readonly t: AdTuning;
  private readonly base: string;
  private readonly log: Logger;

  constructor(private readonly o: DirectClientOptions) {
    this.t = { ...DEFAULT_AD_TUNING, limiter: o.limiter ?? sharedDirectLimiter(), ...definedTuning(o) };
    this.base = o.baseUrl.replace(/\/+$/, '');
    this.log = o.log ?? createLogger('yandex-direct');
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = {
      authorization: `Bearer ${this.o.token}`,
      'accept-language': 'ru',
      'content-type': 'application/json; charset=utf-8',
      ...extra,
    };
    if (this.o.login) h['client-login'] = this.o.login;
    return h;
  }

  /** Classifies an error answer per docs/yandex-direct.md §3. */
  private failure<T>(a: RawAnswer): Decision<T> {
    const e = readError(a.text);
    const who = this.o.login ? ` (логин ${this.o.login})` : '';
    const detail = e.text ? `: ${e.text}` : '';
    const err = (code: ConstructorParameters<typeof AdApiError>[0], msg: string, failure: AdApiError['failure']) =>
      new AdApiError(code, msg, failure, a.status, e.code);
    switch (e.code) {
      case 53:
        return { fail: err('auth_failed', `${D} не принял OAuth-токен (ошибка 53)${who}. Получите новый токен и сохраните его в «Настройках».`, 'auth') };
      case 54:
        return {
          fail: err('auth_failed', `Нет прав на аккаунт Директа${who} (ошибка 54). Для агентского токена укажите логин клиента; проверьте, что это клиент вашего агентства.`, 'access'),
        };
      case 58:
        return { fail: err('auth_failed', `Заявка на доступ к API Директа не одобрена (ошибка 58). Оформите доступ в Директе: «Инструменты → API».`, 'access') };
      case 513:
        return { fail: err('auth_failed', `Логин${who} не подключён к Директу (ошибка 513).`, 'access') };
      case 152:
        return {
          retry: err('rate_limited', `Закончились баллы API Директа${who} (ошибка 152). Баллы восстанавливаются в течение суток — повторите синхронизацию позже.`, 'units'),
          waitMs: 60_000,
          pauseAll: true,
        };
      case 56:
      case 506:
      case 9000:
        return {
          retry: err('rate_limited', `${D} ограничил число запросов или отчётов в очереди (ошибка ${e.code}). Повторите позже.`, 'limit'),
          waitMs: 10_000,
          pauseAll: true,
        };
      case 52:
      case 1000:
      case 1001:
      case 1002:
        return { retry: err('network', `Сервер ${D} временно недоступен (ошибка ${e.code}). Повторите позже.`, 'server') };
      default:
        break;
    }
    if (a.status >= 500 || a.status === 429) {
      const hint = a.status === 502 ? ' — отчёт строился слишком долго' : '';
      return { retry: err('network', `Сервер ${D} отвечает ошибкой (HTTP ${a.status}${hint}). Повторите позже.`, 'server') };
    }
    if (a.status === 401 || a.status === 403) return { fail: err('auth_failed', `${D} отказал в доступе (HTTP ${a.status})${detail}.`, 'auth') };
    return { fail: err('invalid_input', `${D} отклонил запрос (HTTP ${a.status}${e.code !== null ? `, ошибка ${e.code}` : ''})${detail}.`, 'bad_request') };
  }

  private looksHtml(a: RawAnswer): boolean {
    return /html/i.test(header(a.headers, 'content-type') ?? '') || /^\s*</.test(a.text);
  }

  /** clients.get: the account's currency (spends API units; reads the Units header). */
  async currency(): Promise<string> {
    const body = JSON.stringify({ method: 'get', params: { FieldNames: ['Login', 'Currency'] } });
    const value = await exchange<string>(
      this.t,
      { label: 'clients.get', platform: D, signal: this.o.signal, log: this.log, counters: this.counters },
      () => ({ url: `${this.base}/json/v5/clients`, method: 'POST', headers: this.headers(), body }),
      (a) => {
        const units = parseUnits(header(a.headers, 'units'));
        if (units) this.units = units;
        if (a.status === 200 && !this.looksHtml(a)) {
          try {
            const j = JSON.parse(a.text) as { result?: { Clients?: { Currency?: string }[] }; error?: unknown };
            if (j.error) return this.failure(a);
            const cur = j.result?.Clients?.[0]?.Currency;
            if (typeof cur === 'string' && /^[A-Z]{3}$/.test(cur)) return { done: cur === 'YND_FIXED' ? 'RUB' : cur };
            return { fail: new AdApiError('internal', `${D}: в ответе clients.get нет валюты аккаунта.`, 'unexpected', 200) };
          } catch {
            return { retry: new AdApiError('network', `${D} прислал неполный ответ.`, 'server', 200) };
          }
        }
        if (a.status === 200) return { retry: new AdApiError('network', `${D} вернул страницу вместо данных — возможно, идут технические работы.`, 'html', 200) };
        return this.failure(a);
      },
    );
    if (this.units) this.log.info(`баллы API: потрачено ${this.units.spent}, осталось ${this.units.rest} из ${this.units.limit}`);
    return value;
  }

  /** Costs by day and campaign for [from, to] (the offline flow included). */
  async costs(from: string, to: string, vat: boolean, currency: string): Promise<AdCostRow[]> {
    const body = JSON.stringify({
      params: {
        SelectionCriteria: { DateFrom: from, DateTo: to },
        FieldNames: ['Date', 'CampaignId', 'CampaignName', 'Impressions', 'Clicks', 'Cost'],
        // unique per period and VAT flag: a repeated request is the same queued report
        ReportName: `skvoz-costs-${from}-${to}-${vat ? 'vat' : 'novat'}`,
        ReportType: 'CAMPAIGN_PERFORMANCE_REPORT',
        DateRangeType: 'CUSTOM_DATE',
        Format: 'TSV',
        IncludeVAT: vat ? 'YES' : 'NO',
      },
    });
    const headers = this.headers({
      processingmode: 'auto',
      returnmoneyinmicros: 'false',
      skipreportheader: 'true',
      skipreportsummary: 'true',
      skipcolumnheader: 'false',
    });
    const deadline = this.t.clock.now() + (this.o.maxReportWaitMs ?? 30 * 60_000);
    for (;;) {
      const r = await exchange<{ tsv: string } | { waitMs: number }>(
        this.t,
        { label: `reports ${from}…${to}`, platform: D, signal: this.o.signal, log: this.log, counters: this.counters },
        () => ({ url: `${this.base}/json/v5/reports`, method: 'POST', headers, body }),
        (a) => {
          if (a.status === 201 || a.status === 202) {
            const s = Number(header(a.headers, 'retryin'));
            return { done: { waitMs: Math.min(300_000, Number.isFinite(s) && s >= 0 ? s * 1000 : 10_000) } };
          }
          if (a.status === 200 && !this.looksHtml(a)) return { done: { tsv: a.text } };
          if (a.status === 200) return { retry: new AdApiError('network', `${D} вернул страницу вместо отчёта — возможно, идут технические работы.`, 'html', 200) };
          return this.failure(a);
        },
      );
      if ('tsv' in r) return parseReport(r.tsv, currency);
      this.offlinePolls++;
      if (this.t.clock.now() + r.waitMs > deadline) {
        throw new AdApiError('network', `${D} строит отчёт за ${from} — ${to} дольше 30 минут. Повторите синхронизацию позже.`, 'server');
      }
      await this.t.clock.sleep(r.waitMs, this.o.signal);
    }
  }
}

/** Report TSV → rows. Tolerates the title line, the `Total rows:` line and `--` for "no value". */
export function parseReport(tsv: string, currency: string): AdCostRow[] {
  const lines = tsv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const headerAt = lines.findIndex((l) => l.split('\t').includes('CampaignId'));
  if (headerAt < 0) {
    if (lines.length === 0) return [];
    throw new SkvozError('internal', 'Отчёт Яндекс Директа пришёл без строки с названиями колонок.');
  }
  const cols = lines[headerAt]!.split('\t');
  const at = (name: string) => cols.indexOf(name);
  const [iDate, iId, iName, iImpr, iClicks, iCost] = ['Date', 'CampaignId', 'CampaignName', 'Impressions', 'Clicks', 'Cost'].map(at) as number[];
  if (iDate! < 0 || iCost! < 0) throw new SkvozError('internal', 'В отчёте Яндекс Директа нет колонок Date и Cost.');
  const num = (s: string | undefined) => (s === undefined || s === '--' || s === '' ? null : Number(s));
  const rows: AdCostRow[] = [];
  for (const line of lines.slice(headerAt + 1)) {
    if (/^Total rows:/i.test(line)) continue;
    const f = line.split('\t');
    const day = f[iDate!] ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    const amount = num(f[iCost!]) ?? 0;
    if (!Number.isFinite(amount)) throw new SkvozError('internal', `Отчёт Яндекс Директа: расход «${f[iCost!]}» — не число.`);
    rows.push({
      day,
      campaignId: f[iId!] ?? '',
      campaignName: iName! >= 0 ? (f[iName!] ?? '') : '',
      impressions: iImpr! >= 0 ? num(f[iImpr!]) : null,
      clicks: iClicks! >= 0 ? num(f[iClicks!]) : null,
      amount,
      currency,
    });
  }
  return rows;
}
