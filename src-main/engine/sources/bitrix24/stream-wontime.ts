// Won times that could not be read. A won deal without movedTime takes its won time from
// crm.stagehistory.list; when that sub-call fails (OPERATION_TIME_LIMIT, a general error, 5xx)
// the deal is written with the CLOSEDATE fallback AND listed in b24_won_pending (in the page's
// transaction). Each later run asks again — once per run, after the deal passes — and writes the
// exact time; data health counts the deals still waiting.
import type { Db } from '../../db/open';
import { prepared } from '../sql';
import { parseIsoInstant } from '../parse';
import { listRows, runBatch, type SubCall, type SubResult } from './batch';
import type { Round, Run, Settled, Stream } from './stream';

/** The sub-call asking for a deal's latest move into a success stage (§9.3). */
export function stageHistoryCall(key: string, dealId: number): SubCall {
  return {
    key,
    method: 'crm.stagehistory.list',
    params: { entityTypeId: 2, filter: { OWNER_ID: dealId, STAGE_SEMANTIC_ID: 'S' }, order: { ID: 'DESC' }, select: ['ID', 'OWNER_ID', 'CREATED_TIME', 'STAGE_SEMANTIC_ID'], start: -1 },
  };
}

/** A sub-call's answer: the won instant, null (no success move recorded), or the error text. */
export function wonAnswer(sub: SubResult | undefined): { at: number | null } | { error: string } {
  if (!sub) return { error: 'нет ответа' };
  if (sub.error) return { error: sub.error.code || sub.error.description || 'ошибка' };
  const first = listRows<{ CREATED_TIME?: unknown }>(sub.result)[0];
  return { at: parseIsoInstant(first?.CREATED_TIME) };
}

export interface WonTimes {
  won: Map<number, number>;
  /** deal id → why its history could not be read */
  failed: Map<number, string>;
}

/** Won times of won deals without movedTime (the latest move into a success stage). */
export async function wonTimes(run: Run, dealIds: readonly number[]): Promise<WonTimes> {
  const out: WonTimes = { won: new Map(), failed: new Map() };
  for (let i = 0; i < dealIds.length; i += 50) {
    const chunk = dealIds.slice(i, i + 50);
    const ans = await runBatch(run.client, chunk.map((id, k) => stageHistoryCall(`h${k}`, id)), run.signal);
    chunk.forEach((id, k) => {
      const a = wonAnswer(ans.results.get(`h${k}`));
      if ('error' in a) {
        run.log.warn(`crm.stagehistory.list для сделки ${id}: ${a.error} — повтор при следующей синхронизации`);
        out.failed.set(id, a.error);
      } else if (a.at !== null) out.won.set(id, a.at);
    });
  }
  return out;
}

const FAILED =
  'INSERT INTO b24_won_pending (deal_id, first_failed_at, attempts, last_error) VALUES (?, ?, 1, ?) ' +
  'ON CONFLICT (deal_id) DO UPDATE SET attempts = attempts + 1, last_error = excluded.last_error';
const RESOLVED = 'DELETE FROM b24_won_pending WHERE deal_id = ?';

/** Inside a page's transaction: the deals of the page whose history failed wait, the others do not. */
export function markWonPending(db: Db, dealIds: readonly number[], failed: ReadonlyMap<number, string>, now = Date.now()): void {
  const fail = prepared(db, FAILED);
  const done = prepared(db, RESOLVED);
  for (const id of dealIds) {
    const why = failed.get(id);
    if (why === undefined) done.run(id);
    else fail.run(id, now, why);
  }
}

const PENDING = 'SELECT deal_id AS id FROM b24_won_pending ORDER BY deal_id';
const SET_WON = "UPDATE b24_deal SET won_at = ? WHERE id = ? AND stage_semantic = 'S' AND moved_at IS NULL AND won_at IS NOT ?";

/** Asks again for the won time of every waiting deal, once per run, after the deals pass ended. */
export class WonTimeStream implements Stream {
  readonly entity = 'deals:won';
  private queue: number[] | null = null;
  private planned: number[] = [];
  private fixed = 0;

  constructor(
    private readonly run: Run,
    /** the deals pass of this run has ended (its pages settled the deals they carried) */
    private readonly upstreamDone: () => boolean,
  ) {}

  active(): boolean {
    return this.queue === null || this.queue.length > 0 || this.planned.length > 0;
  }

  plan(room: number): SubCall[] {
    this.planned = [];
    if (!this.upstreamDone() || room <= 0) return [];
    this.queue ??= (prepared(this.run.db, PENDING).all() as { id: number }[]).map((r) => r.id);
    this.planned = this.queue.splice(0, room);
    return this.planned.map((id, k) => stageHistoryCall(`W${k}`, id));
  }

  async settle(round: Round): Promise<Settled> {
    const planned = this.planned;
    this.planned = [];
    if (planned.length === 0) return null;
    const answers = planned.map((id, k) => ({ id, a: wonAnswer(round.results.get(`W${k}`)) }));
    const now = Date.now();
    return {
      read: 0,
      write: (db) => {
        let n = 0;
        for (const { id, a } of answers) {
          if ('error' in a) {
            this.run.log.warn(`crm.stagehistory.list для сделки ${id}: ${a.error} — повтор при следующей синхронизации`);
            prepared(db, FAILED).run(id, now, a.error);
            continue;
          }
          // no recorded move into a success stage: CLOSEDATE is all there is
          if (a.at !== null) n += prepared(db, SET_WON).run(a.at, id, a.at).changes;
          prepared(db, RESOLVED).run(id);
        }
        return n;
      },
      after: () => {
        this.fixed += answers.filter((x) => !('error' in x.a)).length;
      },
    };
  }

  progress(): { done: number; total: number | null } {
    // the deals' own progress stays the deals'; these few calls do not move it
    return { done: 0, total: 0 };
  }

  /** deals whose won time this run settled */
  get settled(): number {
    return this.fixed;
  }
}
