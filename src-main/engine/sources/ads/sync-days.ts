// Incremental pull of ad costs by day for one platform account (issue 16): the period from the
// history start (or the day after the last complete day) to today, in chunks; every run also
// pulls again the trailing `trailingDays` before today, since platforms correct costs after the
// fact. Each chunk replaces the account's rows of its days and saves the cursor in ONE
// transaction, so kill -9 at any instant loses and repeats nothing (a chunk cut short is pulled
// again whole). Cursor (sync_cursor <platform> / 'costs:<account>'):
//   hs       history start the stream was filled from (an earlier one later → start over)
//   through  last day known complete (never today)
//   next     the first day of the chunk an interrupted run resumes at
import type { AdPlatform } from '@shared/contract';
import { addDays, daysBetween, instantToDate } from '@shared/time';
import type { Db } from '../../db/open';
import { readCursorJson, saveCursor } from '../../sync/cursor';
import type { SourceSyncContext } from '../../sync/orchestrator';

/** Platforms count days in Moscow time (docs/yandex-direct.md §1, docs/vk-ads.md §1). */
export const PLATFORM_TZ = 'Europe/Moscow';
export const DEFAULT_HISTORY_DAYS = 365;

export interface AdCostRow {
  campaignId: string;
  campaignName: string;
  day: string;
  impressions: number | null;
  clicks: number | null;
  amount: number;
  currency: string;
}

export interface AdCursor {
  hs: string | null;
  through: string | null;
  next: string | null;
}

/** Replaces the account's rows of days [from, to] by `rows` (rows outside the span are dropped). */
export function replaceDays(db: Db, platform: AdPlatform, account: string, from: string, to: string, rows: AdCostRow[]): number {
  db.prepare('DELETE FROM ad_cost WHERE platform = ? AND account = ? AND day >= ? AND day <= ?').run(platform, account, from, to);
  const ins = db.prepare(
    `INSERT INTO ad_cost (platform, account, campaign_id, day, campaign_name, impressions, clicks, amount, currency)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (platform, account, campaign_id, day) DO UPDATE SET campaign_name = excluded.campaign_name,
       impressions = coalesce(ad_cost.impressions, 0) + coalesce(excluded.impressions, 0),
       clicks = coalesce(ad_cost.clicks, 0) + coalesce(excluded.clicks, 0), amount = ad_cost.amount + excluded.amount`,
  );
  let n = 0;
  for (const r of rows) {
    if (r.day < from || r.day > to) continue;
    ins.run(platform, account, r.campaignId, r.day, r.campaignName, r.impressions, r.clicks, r.amount, r.currency);
    n++;
  }
  return n;
}

/** [from, to] chunks of at most `size` days covering start..end. */
export function dayChunks(start: string, end: string, size: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let from = start; from <= end; ) {
    let to = addDays(from, size - 1);
    if (to > end) to = end;
    out.push({ from, to });
    from = addDays(to, 1);
  }
  return out;
}

export function runStart(cur: AdCursor, hs: string, today: string, trailingDays: number): string {
  let start: string;
  if (cur.next) start = cur.next;
  else if (cur.through === null) start = hs;
  else {
    const after = addDays(cur.through, 1);
    const trailing = addDays(today, -trailingDays);
    start = after < trailing ? after : trailing;
  }
  return start < hs ? hs : start;
}

export interface DaysJob {
  ctx: SourceSyncContext;
  platform: AdPlatform;
  account: string;
  chunkDays: number;
  historyStart: string | null;
  trailingDays: number;
  fetch(from: string, to: string): Promise<AdCostRow[]>;
  /** days done so far in this job (for progress) */
  onChunk(daysDone: number, daysTotal: number): void;
}

/** Pulls one account; returns the rows written. */
export async function pullDays(job: DaysJob): Promise<number> {
  const { ctx, platform, account } = job;
  const db = ctx.ws.db;
  const scope = `costs:${account}`;
  const today = instantToDate(ctx.now(), PLATFORM_TZ);
  const yesterday = addDays(today, -1);
  let cur = readCursorJson<AdCursor>(db, platform, scope) ?? { hs: null, through: null, next: null };
  const hs = job.historyStart ?? cur.hs ?? addDays(today, -DEFAULT_HISTORY_DAYS);
  if (cur.hs !== null && hs < cur.hs) cur = { hs, through: null, next: null };
  const start = runStart(cur, hs, today, job.trailingDays);
  const chunks = dayChunks(start, today, job.chunkDays);
  const total = daysBetween(start, today) + 1;
  let done = 0;
  let written = 0;
  ctx.log.info(`${platform}${account ? ` ${account}` : ''}: расходы ${start} … ${today}, частей ${chunks.length}`);
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    const rows = await job.fetch(c.from, c.to);
    const complete = c.to < yesterday ? c.to : yesterday;
    const through = cur.through !== null && cur.through > complete ? cur.through : complete;
    const next: AdCursor = { hs, through: through < hs ? null : through, next: chunks[i + 1]?.from ?? null };
    written += db.transaction(() => {
      const n = replaceDays(db, platform, account, c.from, c.to, rows);
      saveCursor(db, platform, scope, next, ctx.now());
      return n;
    })();
    cur = next;
    done += daysBetween(c.from, c.to) + 1;
    job.onChunk(done, total);
  }
  return written;
}
