// A sync run is a sequence of rounds: every stream that has work puts sub-calls into one batch
// (≤ 50), the batch goes out as one HTTP request, then each stream turns its answers into a
// Commit. All commits of a round run in ONE SQLite transaction, cursors included — so a crash
// at any instant keeps or loses whole rounds, never half of one.
import type { Db } from '../../db/open';
import type { Logger } from '../../log';
import { B24ApiError } from './api-error';
import { subCallError, type SubCall, type SubResult } from './batch';
import type { B24Client } from './client';

export interface Run {
  db: Db;
  client: B24Client;
  signal: AbortSignal;
  log: Logger;
  /** CRM mode from this run's dictionaries (1 classic, 2 simple: no leads), or the last known */
  mode: number | null;
  /** granted scopes from this run's `scope`, or the last known */
  scopes: string[] | null;
}

export interface Round {
  results: Map<string, SubResult>;
  /** server time of the batch (time.date_start) and the portal's UTC offset */
  server: { ms: number; offset: number };
}

export interface Commit {
  /** inside the round's transaction; returns rows inserted/changed */
  write(db: Db): number;
  /** after the transaction committed: adopt the new in-memory state */
  after(): void;
  /** records read from the portal (progress) */
  read: number;
  /** some sub-calls failed and stay pending (the run backs off before the next round) */
  retry?: B24ApiError;
}

/** A sub-call failed in a way worth another round (5xx-like, rate, operating limit). */
export interface Retry {
  retry: B24ApiError;
}

export type Settled = Commit | Retry | null;

export function isRetry(s: Settled): s is Retry {
  return s !== null && !('write' in s);
}

export interface Stream {
  /** progress entity */
  readonly entity: string;
  /** still has (or may get) work this run */
  active(): boolean;
  /** sub-calls for the next batch; keys must be unique across streams (use a prefix) */
  plan(room: number): SubCall[];
  /** answers of the calls planned last → a Commit, a Retry, or null (nothing planned / nothing to do) */
  settle(round: Round): Promise<Settled>;
  /** rows read this run, and an estimate of the total when known */
  progress(): { done: number; total: number | null };
}

/**
 * Sorts the failed sub-calls of `calls`: those another round may fix (5xx-like, rate, operating
 * limit — the method is parked first) come back as `failed` keys; the others (auth, scope,
 * client errors) are thrown.
 */
export function failedCalls(run: Run, calls: readonly SubCall[], round: Round): { failed: Set<string>; retry: B24ApiError | null } {
  const failed = new Set<string>();
  let retry: B24ApiError | null = null;
  for (const c of calls) {
    const sub = round.results.get(c.key);
    if (!sub?.error) continue;
    const err = subCallError(run.client, c.method, sub);
    switch (err.kind) {
      case 'operating':
        run.client.queue.budget.block(c.method);
        break;
      case 'rate':
        run.client.queue.bucket.drain();
        break;
      case 'server':
      case 'network':
      case 'bad_response':
        break;
      default:
        throw err;
    }
    failed.add(c.key);
    retry ??= err;
  }
  return { failed, retry };
}

export function subResult(round: Round, key: string): unknown {
  return round.results.get(key)?.result;
}
