// `skvoz visits add|send|list|cancel` (issue 7 item 8) over the same VisitService the app runs.
// Secrets and endpoints come from the environment (see ./env-secrets):
//   SKVOZ_CALLTOUCH_SITES="siteId:token[,…]", SKVOZ_CALLTOUCH_BASE_URL, SKVOZ_BITRIX24_WEBHOOK,
//   SKVOZ_BITRIX24_BASE_URL; sender timings (tests): SKVOZ_VISITS_TIMEOUT_MS, SKVOZ_VISITS_SETTLE_MS,
//   SKVOZ_VISITS_BACKOFF_MS, SKVOZ_VISITS_BATCH (orders per request, ≤ 100), SKVOZ_CALLTOUCH_RPS.
import { VisitInputSchema, VISIT_STATES, type Visit, type VisitState } from '@shared/contract';
import { zonedToInstant } from '@shared/time';
import { Workspace } from '../engine/workspace';
import { VisitService } from '../engine/visits/service';
import { knownSites, type SenderTuning } from '../engine/visits/sender';
import { RateLimiter } from '../engine/sources/calltouch/limiter';
import { fromZod } from '../engine/errors';
import { list as many, parse, str, workspaceDir, type Values } from './args';
import { CliError, fail } from './errors';
import { requireWorkspace, requireWritable } from './open';
import { envCalltouchSiteIds, envSecrets } from './env-secrets';

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

const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();

/** Year ≥ 2000, a real calendar day, a real time of day — else the reason, in both languages. */
function checkParts(s: string, y: number, mo: number, d: number, h: number, mi: number, sec: number): void {
  const bad = (ru: string, en: string) => fail(`--date: «${s}» — ${ru}`, `--date: "${s}" ${en}`);
  if (y < 2000) bad('год раньше 2000', 'is before the year 2000');
  if (mo < 1 || mo > 12) bad('нет такого месяца', 'has no such month');
  if (d < 1 || d > daysIn(y, mo)) bad(`в этом месяце ${daysIn(y, mo)} дней`, `has no such day (that month has ${daysIn(y, mo)})`);
  if (h > 23 || mi > 59 || sec > 59) bad('нет такого времени суток', 'has no such time of day');
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?$/;
const WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * "2026-05-20 14:30" (wall time in `tz`; also with T and seconds) or an ISO instant with its
 * zone → ISO instant. Impossible dates (2026-02-30, 24:30) are refused, not rolled over.
 */
export function parseVisitDate(s: string, tz: string): string {
  const text = s.trim();
  const wall = WALL.exec(text);
  const zoned = wall ? null : WITH_ZONE.exec(text);
  const m = wall ?? zoned;
  if (!m) return fail(`--date: «${s}» — нужна дата «YYYY-MM-DD HH:MM» или ISO 8601`, `--date: "${s}" is not "YYYY-MM-DD HH:MM" or ISO 8601`);
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  checkParts(s, y, mo, d, h, mi, sec);
  if (wall) return new Date(zonedToInstant(y, mo, d, h, mi, sec, tz)).toISOString();
  return text;
}

function openService(dir: string, readOnly = false): VisitService {
  if (readOnly) requireWorkspace(dir);
  else requireWritable(dir);
  const ws = Workspace.open(dir, { readOnly });
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

function siteOf(service: VisitService, v: Values): number | null {
  const site = str(v, 'site');
  if (site === undefined) return null;
  const id = Number(site);
  const known = knownSites(service.ws, service.deps.overrides);
  if (!Number.isInteger(id) || id <= 0 || !known.includes(id)) {
    const list = known.join(', ') || 'нет / none';
    fail(
      `--site ${site}: такого кабинета Calltouch нет в рабочем пространстве (есть: ${list}); кабинеты добавляются в настройках или в SKVOZ_CALLTOUCH_SITES`,
      `--site ${site}: no such Calltouch site in the workspace (known: ${list})`,
    );
  }
  return id;
}

/** Visits recorded before that are exactly this one (not cancelled), oldest first. */
function duplicates(service: VisitService, v: Visit): number[] {
  return service.ws.db
    .prepare(
      `SELECT id FROM visit WHERE id != ? AND cancelled = 0 AND at = ? AND revenue = ? AND status = ? AND phones = ? AND emails = ?
         AND name IS ? AND site_id IS ? ORDER BY id`,
    )
    .pluck()
    .all(v.id, Date.parse(v.at), v.revenue, v.status, JSON.stringify(v.phones), JSON.stringify(v.emails), v.name, v.siteId) as number[];
}

function add(service: VisitService, v: Values, dir: string): void {
  const siteId = siteOf(service, v);
  const tz = service.ws.settings.calltouch.sites.find((s) => s.siteId === siteId)?.timeZone ?? service.ws.settings.timeZone;
  const date = str(v, 'date');
  if (!date) fail('не указан --date', 'missing --date');
  const parsed = VisitInputSchema.safeParse({
    phones: many(v, 'phone'),
    emails: many(v, 'email'),
    at: parseVisitDate(date, tz),
    revenue: str(v, 'revenue'),
    status: str(v, 'status'),
    name: str(v, 'name'),
    tags: many(v, 'tag'),
    comment: str(v, 'comment'),
    siteId,
  });
  if (!parsed.success) {
    const e = fromZod(parsed.error);
    throw new CliError(`${e.message} / invalid visit (${Object.keys(e.fields ?? {})[0] ?? 'input'})`);
  }
  const visit = service.create(parsed.data);
  const same = duplicates(service, visit);
  if (same.length) {
    process.stderr.write(
      `skvoz: внимание: такой же визит уже записан (№ ${same.join(', ')}); этот записан как № ${visit.id} — ` +
        `если он лишний: skvoz visits cancel --workspace "${dir}" --id ${visit.id} / ` +
        `warning: an identical visit exists (#${same.join(', #')}); this one is #${visit.id}\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(visit)}\n`);
}

/** Outbox rows due now: what this pass is expected to send. */
function dueRows(service: VisitService): number[] {
  return service.ws.db.prepare("SELECT id FROM outbox WHERE state IN ('queued', 'failed') AND next_at <= ? ORDER BY id").pluck().all(Date.now()) as number[];
}

/** Of `ids`, the rows still not delivered after the pass, with their reasons. */
function undelivered(service: VisitService, ids: number[]): { target: string; last_error: string | null }[] {
  if (ids.length === 0) return [];
  const rows: { target: string; last_error: string | null }[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    rows.push(
      ...(service.ws.db
        .prepare(`SELECT target, last_error FROM outbox WHERE id IN (${part.map(() => '?').join(',')}) AND state IN ('queued', 'failed', 'rejected')`)
        .all(...part) as { target: string; last_error: string | null }[]),
    );
  }
  return rows;
}

/** One pass over the outbox; exit 1 when anything due was not delivered, with the reasons. */
async function send(service: VisitService): Promise<number> {
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const t0 = Date.now();
    const due = dueRows(service);
    const r = await service.send(abort.signal);
    const c = service.counts();
    process.stdout.write(`${JSON.stringify({ ...r, counts: c })}\n`);
    process.stderr.write(
      `Отправлено ${r.sent}, ошибок ${r.failed}, отклонено ${r.rejected}, сверено ${r.reconciled} за ${((Date.now() - t0) / 1000).toFixed(1)} с; ` +
        `в очереди ${c.queued + c.failed}\n`,
    );
    const left = undelivered(service, due);
    const failures = r.failed + r.rejected + r.bitrix24.failed + r.bitrix24.rejected;
    if (failures === 0 && left.length === 0) return 0;
    const reasons = [...new Set(left.map((x) => `${x.target === 'bitrix24' ? 'Bitrix24' : 'Calltouch'}: ${x.last_error ?? 'не отправлено'}`))];
    const shown = reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? ` и ещё ${reasons.length - 3}` : '');
    process.stderr.write(
      `skvoz: не отправлено визитов: ${Math.max(left.length, failures)} — ${shown || 'см. skvoz visits list --state failed,rejected'} / ` +
        `${Math.max(left.length, failures)} not delivered (see skvoz visits list --state failed,rejected)\n`,
    );
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function listVisits(service: VisitService, v: Values): void {
  const states = (str(v, 'state') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of states) {
    if (!(VISIT_STATES as readonly string[]).includes(s)) fail(`--state: ${VISIT_STATES.join(', ')}`, `--state must be one of ${VISIT_STATES.join(', ')}`);
  }
  const format = str(v, 'format') ?? 'json';
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

function cancel(service: VisitService, v: Values): void {
  const raw = str(v, 'id');
  const id = Number(raw);
  if (!raw || !Number.isInteger(id) || id <= 0) fail('укажите номер визита: --id N (см. skvoz visits list)', 'give the visit number: --id N (see skvoz visits list)');
  const visit = service.cancel(id);
  process.stdout.write(`${JSON.stringify(visit)}\n`);
  process.stderr.write(`Визит № ${id} отменён / visit #${id} cancelled\n`);
}

const SUBS = ['add', 'send', 'list', 'cancel'];

/** `skvoz visits …`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
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
      id: { type: 'string' },
    },
    true,
  );
  const sub = positionals[0];
  if (!sub || !SUBS.includes(sub) || positionals.length > 1) {
    fail('использование: skvoz visits add|send|list|cancel --workspace DIR', 'usage: skvoz visits add|send|list|cancel --workspace DIR');
  }
  const dir = workspaceDir(values);
  const service = openService(dir, sub === 'list');
  try {
    if (sub === 'add') add(service, values, dir);
    else if (sub === 'send') return await send(service);
    else if (sub === 'cancel') cancel(service, values);
    else listVisits(service, values);
    return 0;
  } finally {
    service.ws.close();
  }
}
