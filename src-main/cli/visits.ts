// `skvoz visits add|send|list` (issue 7 item 8) over the same VisitService the app runs.
// Secrets and endpoints come from the environment (see ./env-secrets):
//   SKVOZ_CALLTOUCH_SITES="siteId:token[,…]", SKVOZ_CALLTOUCH_BASE_URL, SKVOZ_BITRIX24_WEBHOOK,
//   SKVOZ_BITRIX24_BASE_URL; sender timings (tests): SKVOZ_VISITS_TIMEOUT_MS, SKVOZ_VISITS_SETTLE_MS,
//   SKVOZ_VISITS_BACKOFF_MS, SKVOZ_VISITS_BATCH (orders per request, ≤ 100), SKVOZ_CALLTOUCH_RPS.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { VisitInputSchema, VISIT_STATES, type VisitState } from '@shared/contract';
import { zonedToInstant } from '@shared/time';
import { Workspace } from '../engine/workspace';
import { VisitService } from '../engine/visits/service';
import type { SenderTuning } from '../engine/visits/sender';
import { RateLimiter } from '../engine/sources/calltouch/limiter';
import { fromZod, toAppError } from '../engine/errors';
import { isBusy, isCorrupt } from '../engine/db/busy';
import { envCalltouchSiteIds, envSecrets } from './env-secrets';

export const VISITS_HELP = `  skvoz visits add  --workspace DIR --phone ТЕЛЕФОН [--phone …] [--email …] --date ДАТА
                     [--revenue СУММА] [--status СТАТУС] [--name ИМЯ] [--tag ТЕГ …] [--comment ТЕКСТ] [--site ID]
      Записать офлайн-визит / record an offline visit. ДАТА: ISO 8601 или «YYYY-MM-DD HH:MM» (часовой пояс проекта).
  skvoz visits send --workspace DIR
      Отправить очередь в Calltouch (и Bitrix24) / send the outbox. Секреты — как у sync.
  skvoz visits list --workspace DIR [--state queued,failed,…] [--format json|table]`;

class VisitsCliError extends Error {}

function fail(ru: string, en: string): never {
  throw new VisitsCliError(`${ru} / ${en}`);
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) fail(`${name} должно быть положительным числом`, `${name} must be a positive number`);
  return n;
}

export function envTuning(): Partial<SenderTuning> {
  const t: Partial<SenderTuning> = {};
  const timeout = envNumber('SKVOZ_VISITS_TIMEOUT_MS');
  const settle = envNumber('SKVOZ_VISITS_SETTLE_MS');
  const backoff = envNumber('SKVOZ_VISITS_BACKOFF_MS');
  const rps = envNumber('SKVOZ_CALLTOUCH_RPS');
  const batch = envNumber('SKVOZ_VISITS_BATCH');
  if (batch !== undefined) t.batchSize = Math.min(100, Math.floor(batch));
  if (timeout !== undefined) t.timeoutMs = timeout;
  if (settle !== undefined) t.settleMs = settle;
  if (backoff !== undefined) {
    t.backoffBaseMs = backoff;
    t.backoffMaxMs = backoff * 8;
  }
  if (rps !== undefined) t.limiter = new RateLimiter(rps);
  return t;
}

/** "2026-05-20 14:30" (wall time in `tz`) or an ISO instant → ISO instant. */
export function parseVisitDate(s: string, tz: string): string {
  const wall = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
  if (wall) {
    const [y, mo, d, h, mi, sec] = wall.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
    return new Date(zonedToInstant(y, mo, d, h, mi, sec, tz)).toISOString();
  }
  if (!Number.isNaN(Date.parse(s)) && /T/.test(s)) return s;
  return fail(`--date: «${s}» — нужна дата «YYYY-MM-DD HH:MM» или ISO 8601`, `--date: "${s}" is not "YYYY-MM-DD HH:MM" or ISO 8601`);
}

function openService(dir: string): VisitService {
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
  const ws = Workspace.open(dir);
  return new VisitService(ws, {
    secrets: envSecrets(),
    overrides: {
      calltouchBaseUrl: process.env.SKVOZ_CALLTOUCH_BASE_URL || undefined,
      calltouchSiteIds: envCalltouchSiteIds(),
      bitrix24BaseUrl: process.env.SKVOZ_BITRIX24_BASE_URL || undefined,
    },
    now: Date.now,
    changed: () => {},
    tuning: envTuning(),
  });
}

type Values = Record<string, string | boolean | string[] | undefined>;

function one(v: Values, k: string): string | undefined {
  const x = v[k];
  return typeof x === 'string' ? x : undefined;
}

function many(v: Values, k: string): string[] {
  const x = v[k];
  return Array.isArray(x) ? x : typeof x === 'string' ? [x] : [];
}

async function add(service: VisitService, v: Values): Promise<void> {
  const site = one(v, 'site');
  const siteId = site === undefined ? null : Number(site);
  const tz = service.ws.settings.calltouch.sites.find((s) => s.siteId === siteId)?.timeZone ?? service.ws.settings.timeZone;
  const date = one(v, 'date');
  if (!date) fail('не указан --date', 'missing --date');
  const parsed = VisitInputSchema.safeParse({
    phones: many(v, 'phone'),
    emails: many(v, 'email'),
    at: parseVisitDate(date, tz),
    revenue: one(v, 'revenue'),
    status: one(v, 'status'),
    name: one(v, 'name'),
    tags: many(v, 'tag'),
    comment: one(v, 'comment'),
    siteId,
  });
  if (!parsed.success) throw new VisitsCliError(fromZod(parsed.error).message);
  const visit = service.create(parsed.data);
  process.stdout.write(`${JSON.stringify(visit)}\n`);
}

async function send(service: VisitService): Promise<void> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const t0 = Date.now();
    const r = await service.send(abort.signal);
    const c = service.counts();
    process.stdout.write(`${JSON.stringify({ ...r, counts: c })}\n`);
    process.stderr.write(
      `Отправлено ${r.sent}, ошибок ${r.failed}, отклонено ${r.rejected}, сверено ${r.reconciled} за ${((Date.now() - t0) / 1000).toFixed(1)} с; ` +
        `в очереди ${c.queued + c.failed}\n`,
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function list(service: VisitService, v: Values): void {
  const states = (one(v, 'state') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of states) {
    if (!(VISIT_STATES as readonly string[]).includes(s)) fail(`--state: ${VISIT_STATES.join(', ')}`, `--state must be one of ${VISIT_STATES.join(', ')}`);
  }
  const format = one(v, 'format') ?? 'json';
  if (format !== 'json' && format !== 'table') fail('--format: json или table', '--format must be json or table');
  const r = service.list({ states: states.length ? (states as VisitState[]) : undefined, offset: 0, limit: 500 });
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  for (const x of r.items) {
    process.stdout.write(`${x.id}\t${x.at}\t${x.state}\t${x.revenue}\t${x.status}\t${x.phones.join(',')}\t${x.calltouchOrderId ?? ''}\t${x.lastError ?? ''}\n`);
  }
  process.stdout.write(`Всего ${r.total}: ${Object.entries(r.counts).map(([k, n]) => `${k} ${n}`).join(', ')}\n`);
}

/** `skvoz visits …`; returns the exit code. */
export async function runVisits(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        phone: { type: 'string', multiple: true },
        email: { type: 'string', multiple: true },
        tag: { type: 'string', multiple: true },
        date: { type: 'string' },
        revenue: { type: 'string' },
        status: { type: 'string' },
        name: { type: 'string' },
        comment: { type: 'string' },
        site: { type: 'string' },
        state: { type: 'string' },
        format: { type: 'string' },
      },
    });
    const sub = positionals[0];
    const dir = one(values, 'workspace');
    if (!dir) fail('не указан --workspace', 'missing --workspace');
    if (sub !== 'add' && sub !== 'send' && sub !== 'list') fail('использование: skvoz visits add|send|list --workspace DIR', 'usage: skvoz visits add|send|list --workspace DIR');
    const service = openService(resolve(dir));
    try {
      if (sub === 'add') await add(service, values);
      else if (sub === 'send') await send(service);
      else list(service, values);
    } finally {
      service.ws.close();
    }
    return 0;
  } catch (err) {
    const msg = isBusy(err) || isCorrupt(err) ? toAppError(err).message : err instanceof Error ? err.message : String(err);
    process.stderr.write(`skvoz: ${msg.split('\n')[0]}\n`);
    return 1;
  }
}
