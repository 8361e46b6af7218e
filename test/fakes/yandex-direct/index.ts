// Fake Yandex Direct API v5 (docs/yandex-direct.md) on 127.0.0.1: /json/v5/clients (get → Currency,
// with the `Units: spent/rest/limit` header) and /json/v5/reports (TSV). Quirks played: the offline
// flow (the first request of a report answers 201, then `offlinePolls` × 202, then 200, each with
// `retryIn`), a `Total rows: N` line unless skipReportSummary, the title line unless
// skipReportHeader, money in micros when returnMoneyInMicros is true, `--` for no value, the error
// body `{"error":{"request_id","error_code","error_string","error_detail"}}`, Client-Login for
// agencies, and scripted faults (500, 502, error 152 / 506 / 9000, an HTML page).
import { AdDataset } from '../ads/data';
import { startServer, type AdFakeServer, type FakeReq, type FakeRes } from '../ads/http';

export type DirectFault = 'http500' | 'http502' | 'units152' | 'limit506' | 'queue9000' | 'html200';

export interface FakeDirectOptions {
  token: string;
  /** login → dataset; '' = the token's own account */
  accounts: Record<string, AdDataset>;
  /** an agency token: requests must name a Client-Login */
  agency?: boolean;
  currency?: string;
  /** 202 answers before the 200 of an offline report (≥ 0); null = every report online (200 at once) */
  offlinePolls?: number | null;
  retryIn?: number;
  unitsLimit?: number;
}

export interface FakeDirect extends AdFakeServer {
  opts: Required<Omit<FakeDirectOptions, 'agency'>> & { agency: boolean };
  /** faults to answer next, in order, one per request (reports and clients alike) */
  faults: DirectFault[];
  reports: { from: string; to: string; vat: boolean; login: string; micros: boolean; skipHeader: boolean; skipSummary: boolean }[];
  unitsSpent: number;
}

const err = (status: number, code: number, text: string, detail: string): FakeRes => ({
  status,
  json: { error: { request_id: `${Date.now()}`, error_code: code, error_string: text, error_detail: detail } },
});

export async function startFakeDirect(o: FakeDirectOptions): Promise<FakeDirect> {
  const opts = { currency: 'RUB', offlinePolls: 1, retryIn: 0, unitsLimit: 64_000, agency: false, ...o } as FakeDirect['opts'];
  const pending = new Map<string, number>();
  // assigned once the server exists; the handlers read it later
  // eslint-disable-next-line prefer-const
  let fake: FakeDirect;

  const account = (req: FakeReq): { ds: AdDataset; login: string } | FakeRes => {
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${opts.token}`) return err(400, 53, 'Ошибка авторизации', 'Неверный OAuth-токен');
    const login = String(req.headers['client-login'] ?? '');
    if (opts.agency && !login) return err(400, 8000, 'Неверный запрос', 'Не указан логин клиента агентства (Client-Login)');
    const ds = opts.accounts[login];
    if (!ds) return err(400, 54, 'Нет прав', `Нет прав на логин ${login}`);
    return { ds, login };
  };

  const fault = (f: DirectFault): FakeRes => {
    switch (f) {
      case 'http500':
        return err(500, 1000, 'Сервер временно недоступен', '');
      case 'http502':
        return { status: 502, text: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' };
      case 'units152':
        return err(400, 152, 'Недостаточно баллов', 'Для выполнения запроса недостаточно баллов');
      case 'limit506':
        return err(400, 506, 'Превышен лимит подключений', '');
      case 'queue9000':
        return err(400, 9000, 'Превышено ограничение на количество отчётов в очереди', '');
      case 'html200':
        return { status: 200, text: '<html><body>Технические работы</body></html>', contentType: 'text/html' };
    }
  };

  const server = await startServer((req) => {
    if (req.method !== 'POST') return { status: 405, text: 'Method Not Allowed' };
    const f = fake.faults.shift();
    if (f) return fault(f);
    const who = account(req);
    if ('status' in who) return who;
    if (req.path === '/json/v5/clients') {
      fake.unitsSpent += 10;
      return {
        status: 200,
        json: { result: { Clients: [{ Login: who.login || 'own-login', Currency: opts.currency }] } },
        headers: { Units: `10/${Math.max(0, opts.unitsLimit - fake.unitsSpent)}/${opts.unitsLimit}`, 'Units-Used-Login': who.login || 'own-login' },
      };
    }
    if (req.path !== '/json/v5/reports') return { status: 404, text: 'Not Found' };
    let spec: { params?: { SelectionCriteria?: { DateFrom?: string; DateTo?: string }; FieldNames?: string[]; ReportName?: string; IncludeVAT?: string; Format?: string } };
    try {
      spec = JSON.parse(req.body) as typeof spec;
    } catch {
      return err(400, 8000, 'Неверный запрос', 'Тело запроса не JSON');
    }
    const p = spec.params ?? {};
    const from = p.SelectionCriteria?.DateFrom ?? '';
    const to = p.SelectionCriteria?.DateTo ?? '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || from > to) return err(400, 4001, 'Неверный период', `${from}…${to}`);
    if (!p.ReportName || p.Format !== 'TSV') return err(400, 8000, 'Неверный запрос', 'Нужны ReportName и Format TSV');
    const key = `${who.login}\u0001${p.ReportName}`;
    if (opts.offlinePolls !== null) {
      const seen = pending.get(key);
      if (seen === undefined) {
        pending.set(key, 0);
        return { status: 201, text: '', headers: { retryIn: String(opts.retryIn), reportsInQueue: String(pending.size) } };
      }
      if (seen < opts.offlinePolls) {
        pending.set(key, seen + 1);
        return { status: 202, text: '', headers: { retryIn: String(opts.retryIn), reportsInQueue: String(pending.size) } };
      }
      pending.delete(key);
    }
    const micros = String(req.headers.returnmoneyinmicros ?? 'true') !== 'false';
    const skipHeader = String(req.headers.skipreportheader ?? 'false') === 'true';
    const skipSummary = String(req.headers.skipreportsummary ?? 'false') === 'true';
    const vat = p.IncludeVAT !== 'NO';
    fake.reports.push({ from, to, vat, login: who.login, micros, skipHeader, skipSummary });
    const fields = p.FieldNames ?? [];
    const lines: string[] = [];
    if (!skipHeader) lines.push(`"${p.ReportName} (${from} - ${to})"`);
    lines.push(fields.join('\t'));
    const rows = who.ds.rows(from, to);
    for (const r of rows) {
      const cost = vat ? r.cost : Math.round((r.cost / 1.2) * 100) / 100;
      const cell: Record<string, string> = {
        Date: r.day,
        CampaignId: r.campaignId,
        CampaignName: who.ds.name(r.campaignId),
        Impressions: String(r.impressions),
        Clicks: r.clicks === 0 ? '--' : String(r.clicks),
        Cost: micros ? String(Math.round(cost * 1_000_000)) : cost.toFixed(2),
      };
      lines.push(fields.map((f) => cell[f] ?? '--').join('\t'));
    }
    if (!skipSummary) lines.push(`Total rows: ${rows.length}`);
    return { status: 200, text: `${lines.join('\n')}\n`, contentType: 'text/tab-separated-values; charset=utf-8' };
  });
  fake = Object.assign(server, { opts, faults: [] as DirectFault[], reports: [] as FakeDirect['reports'], unitsSpent: 0 }) as FakeDirect;
  return fake;
}
