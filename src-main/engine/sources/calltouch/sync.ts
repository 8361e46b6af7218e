// Calltouch sync: for every site, the calls diary and the requests journal (reference/calltouch.md
// §2, §3, §11) into ct_call / ct_request.
//
// Calls diary: paged mode (page, limit = 1000, dd/mm/yyyy), ranges split at month boundaries so
// one request never spans more than a calendar month. Requests journal: one request per day
// (mm/dd/yyyy, siteId in the query; a bare array without paging, so a day is the unit).
// Records are de-duplicated by (site, callId / requestId) through the upserts and clipped
// locally to [history start, end of today] in the site's zone (the API may return boundary
// records). Incremental: each run re-polls a trailing window (settings.calltouch.trailingDays,
// default 3 days before today, plus today) because Calltouch sets flags and tags after the fact,
// then continues where the last run stopped.
//
// Cursor per stream (sync_cursor 'calltouch' / 'calls:<siteId>' | 'requests:<siteId>'), written in
// the same transaction as the page it follows, so kill -9 at any instant loses and repeats nothing:
//   hs       history start the stream was filled from (an earlier one later → start over)
//   through  last day known complete (never today: today is still filling up)
//   next     where an interrupted run resumes: {from, to, page} of the next chunk / day
import type { CalltouchSite, Settings } from '@shared/contract';
import { addDays, dayStart, instantToDate } from '@shared/time';
import { SkvozError } from '../../errors';
import type { Db } from '../../db/open';
import type { SourceOverrides, SourceSync, SourceSyncContext } from '../../sync/orchestrator';
import { clearCursors, readCursorJson, saveCursor } from '../../sync/cursor';
import type { SecretProvider } from '../../secrets';
import type { Workspace } from '../../workspace';
import { CalltouchClient, checkBaseUrl, isLoopback, type CtTuning } from './client';
import { eachDay, monthChunks } from './dates';
import { RateLimiter } from './limiter';
import { CtMapError, mapCall, mapRequest, type CallRow, type RequestRow } from './map';
import { upsertCalls, upsertRequests } from './store';

export const SOURCE = 'calltouch';
export const DEFAULT_HISTORY_DAYS = 180;
export const PAGE_LIMIT = 1000;

export interface StreamCursor {
  hs: string | null;
  through: string | null;
  next: { from: string; to: string; page: number } | null;
}

export interface CalltouchSyncOptions {
  /** limiter, clock, retry timings (tests); default: the shared 4 rps limiter */
  tuning?: Partial<CtTuning>;
  /** calls per page (Calltouch allows ≤ 1000) */
  pageSize?: number;
}

type Site = Pick<CalltouchSite, 'siteId' | 'name' | 'timeZone' | 'historyStart'>;

/** The sites to sync: the environment's list when given (CLI/tests), else the workspace's. */
export function calltouchSites(settings: Settings, overrides: SourceOverrides): Site[] {
  const configured = settings.calltouch.sites;
  const ids = overrides.calltouchSiteIds;
  if (!ids || ids.length === 0) return configured;
  return ids.map((id) => configured.find((s) => s.siteId === id) ?? { siteId: id, name: '', timeZone: 'Europe/Moscow', historyStart: null });
}

export function calltouchBaseUrl(settings: Settings, overrides: SourceOverrides): string {
  const checked = checkBaseUrl(overrides.calltouchBaseUrl ?? settings.calltouch.baseUrl);
  if (!checked.ok) throw new SkvozError('invalid_input', checked.message);
  return checked.url;
}

let envLimiter: RateLimiter | null = null;
/**
 * Test knob: SKVOZ_CALLTOUCH_RPS raises the client's pace, honoured only when the base URL is a
 * loopback host (a local fake) — the real API always gets the shared 4 rps limiter.
 */
function envTuning(baseUrl: string): Partial<CtTuning> {
  const rps = Number(process.env.SKVOZ_CALLTOUCH_RPS);
  if (!Number.isFinite(rps) || rps <= 0 || !isLoopback(new URL(baseUrl).hostname)) return {};
  envLimiter ??= new RateLimiter(rps);
  return { limiter: envLimiter };
}

/** Start of a run: resume point, else the trailing window or the day after `through`, else history start. */
export function runStart(cur: StreamCursor, hs: string, today: string, trailingDays: number): string {
  let start: string;
  if (cur.next) start = cur.next.from;
  else if (cur.through === null) start = hs;
  else {
    const after = addDays(cur.through, 1);
    const trailing = addDays(today, -trailingDays);
    start = after < trailing ? after : trailing;
  }
  return start < hs ? hs : start;
}

interface Tally {
  done: number;
  total: number | null;
  requests: number;
}

class Progress {
  private readonly streams = new Map<string, Tally>();
  private readonly started: number;
  constructor(
    private readonly ctx: SourceSyncContext,
    private readonly entity: string,
  ) {
    this.started = performance.now();
  }
  report(stream: string, t: Tally): void {
    this.streams.set(stream, t);
    let done = 0;
    let total: number | null = null;
    let requests = 0;
    for (const s of this.streams.values()) {
      done += s.done;
      requests += s.requests;
      if (s.total !== null) total = (total ?? 0) + s.total;
    }
    // rate on the monotonic clock: ctx.now is the calendar clock (frozen in tests)
    const secs = Math.max(0.001, (performance.now() - this.started) / 1000);
    this.ctx.progress({ entity: this.entity, done, total: total === null ? null : Math.max(total, done), ratePerSec: done / secs, requests });
  }
}

interface StreamEnv {
  ctx: SourceSyncContext;
  db: Db;
  site: Site;
  client: CalltouchClient;
  trailingDays: number;
  pageSize: number;
  progress: Progress;
}

function openStream(env: StreamEnv, scope: string) {
  const { ctx, db, site } = env;
  const tz = site.timeZone;
  const today = instantToDate(ctx.now(), tz);
  const yesterday = addDays(today, -1);
  let cur = readCursorJson<StreamCursor>(db, SOURCE, scope) ?? { hs: null, through: null, next: null };
  const hs = site.historyStart ?? cur.hs ?? addDays(today, -DEFAULT_HISTORY_DAYS);
  if (cur.hs !== null && hs < cur.hs) cur = { hs, through: null, next: null };
  cur = { ...cur, hs };
  const start = runStart(cur, hs, today, env.trailingDays);
  const clip = { from: dayStart(hs, tz), to: dayStart(addDays(today, 1), tz) };
  const through = (day: string): string | null => {
    const done = day < yesterday ? day : yesterday;
    return cur.through !== null && cur.through > done ? cur.through : done;
  };
  let skipped = 0;
  const keep = <R extends { at: number }>(raw: unknown[], map: (r: never) => R): R[] => {
    const rows: R[] = [];
    for (const r of raw) {
      try {
        const row = map(r as never);
        if (row.at >= clip.from && row.at < clip.to) rows.push(row);
      } catch (err) {
        if (!(err instanceof CtMapError)) throw err;
        skipped++;
      }
    }
    return rows;
  };
  const commit = (write: () => number, next: StreamCursor): number => {
    const changed = db.transaction(() => {
      const n = write();
      saveCursor(db, SOURCE, scope, next, ctx.now());
      return n;
    })();
    cur = next;
    return changed;
  };
  return {
    tz, today, hs, start, keep, commit, through,
    get cur() {
      return cur;
    },
    get skipped() {
      return skipped;
    },
  };
}

async function syncCalls(env: StreamEnv): Promise<number> {
  const { site, client, db, pageSize } = env;
  const s = openStream(env, `calls:${site.siteId}`);
  if (s.start > s.today) return 0;
  const chunks = monthChunks(s.start, s.today);
  env.ctx.log.info(`кабинет ${site.siteId}: звонки ${s.start} … ${s.today}, частей ${chunks.length}`);
  let changed = 0;
  let done = 0;
  let perDay = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i] as { from: string; to: string };
    const resume = s.cur.next;
    let page = resume && resume.from === chunk.from && resume.to === chunk.to ? resume.page : 1;
    for (;;) {
      const p = await client.callsPage(chunk.from, chunk.to, page, pageSize);
      const rows = s.keep<CallRow>(p.records, (r) => mapCall(r, site.siteId, s.tz));
      const last = p.records.length === 0 || page >= p.pageTotal;
      const nextChunk = chunks[i + 1];
      const next: StreamCursor = last
        ? { hs: s.hs, through: s.through(chunk.to), next: nextChunk ? { ...nextChunk, page: 1 } : null }
        : { ...s.cur, next: { from: chunk.from, to: chunk.to, page: page + 1 } };
      changed += s.commit(() => upsertCalls(db, rows), next);
      done += p.records.length;
      perDay = p.recordsTotal / Math.max(1, eachDay(chunk.from, chunk.to).length);
      const leftInChunk = Math.max(0, p.recordsTotal - page * pageSize);
      const daysAfter = chunks.slice(i + 1).reduce((n, c) => n + eachDay(c.from, c.to).length, 0);
      const total = last && !nextChunk ? done : done + leftInChunk + Math.round(perDay * daysAfter);
      env.progress.report(String(site.siteId), { done, total, requests: client.requests });
      if (last) break;
      page++;
    }
  }
  if (s.skipped) env.ctx.log.warn(`кабинет ${site.siteId}: пропущено звонков без id или даты: ${s.skipped}`);
  return changed;
}

async function syncRequests(env: StreamEnv): Promise<number> {
  const { site, client, db } = env;
  const s = openStream(env, `requests:${site.siteId}`);
  if (s.start > s.today) return 0;
  const days = eachDay(s.start, s.today);
  env.ctx.log.info(`кабинет ${site.siteId}: заявки ${s.start} … ${s.today}, дней ${days.length}`);
  let changed = 0;
  let done = 0;
  for (let i = 0; i < days.length; i++) {
    const day = days[i] as string;
    const records = await client.requestsRange(day, day);
    const rows = s.keep<RequestRow>(records, (r) => mapRequest(r, site.siteId, s.tz));
    const nextDay = days[i + 1];
    const next: StreamCursor = { hs: s.hs, through: s.through(day), next: nextDay ? { from: nextDay, to: nextDay, page: 1 } : null };
    changed += s.commit(() => upsertRequests(db, rows), next);
    done += records.length;
    const total = nextDay ? Math.round((done / (i + 1)) * days.length) : done;
    env.progress.report(String(site.siteId), { done, total, requests: client.requests });
  }
  if (s.skipped) env.ctx.log.warn(`кабинет ${site.siteId}: пропущено заявок без id или даты: ${s.skipped}`);
  return changed;
}

function siteError(site: Site, err: unknown): unknown {
  if (!(err instanceof SkvozError) || err.code === 'cancelled') return err;
  const label = site.name ? `«${site.name}» (${site.siteId})` : String(site.siteId);
  return new SkvozError(err.code, `Calltouch, кабинет ${label}: ${err.message}`);
}

export async function runCalltouch(ctx: SourceSyncContext, opts: CalltouchSyncOptions = {}): Promise<{ rows: number }> {
  const { ws, overrides, signal } = ctx;
  const baseUrl = calltouchBaseUrl(ws.settings, overrides);
  const sites = calltouchSites(ws.settings, overrides);
  const tuning = { ...envTuning(baseUrl), ...opts.tuning };
  const pageSize = Math.max(1, Math.min(opts.pageSize ?? PAGE_LIMIT, PAGE_LIMIT));
  if (ctx.full) clearCursors(ws.db, SOURCE);
  const calls = new Progress(ctx, 'calls');
  const requests = new Progress(ctx, 'requests');
  const errors: unknown[] = [];
  const jobs: Promise<number>[] = [];
  for (const site of sites) {
    const token = await ctx.secrets.get({ kind: 'calltouch_token', siteId: site.siteId });
    if (!token) {
      errors.push(siteError(site, new SkvozError('auth_failed', 'не задан токен API — добавьте его в «Настройках».')));
      continue;
    }
    const client = () => new CalltouchClient({ ...tuning, baseUrl, token, siteId: site.siteId, signal, log: ctx.log });
    const base = { ctx, db: ws.db, site, trailingDays: ws.settings.calltouch.trailingDays, pageSize };
    const guard = (p: Promise<number>) =>
      p.catch((err: unknown) => {
        errors.push(siteError(site, err));
        return 0;
      });
    jobs.push(guard(syncCalls({ ...base, client: client(), progress: calls })));
    jobs.push(guard(syncRequests({ ...base, client: client(), progress: requests })));
  }
  const rows = (await Promise.all(jobs)).reduce((a, b) => a + b, 0);
  if (signal.aborted) throw new SkvozError('cancelled', 'Синхронизация отменена.');
  if (errors.length) throw errors[0];
  return { rows };
}

export function calltouchSource(opts: CalltouchSyncOptions = {}): SourceSync {
  return {
    kind: 'calltouch',
    async isConfigured(ws: Workspace, secrets: SecretProvider, overrides: SourceOverrides): Promise<boolean> {
      for (const site of calltouchSites(ws.settings, overrides)) {
        if (await secrets.get({ kind: 'calltouch_token', siteId: site.siteId })) return true;
      }
      return false;
    },
    run: (ctx) => runCalltouch(ctx, opts),
  };
}
