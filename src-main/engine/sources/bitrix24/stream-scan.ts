// The scan stream of one entity: a backfill pass until it completes, then delta passes
// (`>=DATE_MODIFY` / `>=updatedTime` = watermark − 5 min, with id windows and start=-1).
// Its cursor (bitrix24/<scope>) is written in the round's transaction with the rows it produced.
import { saveCursor, readCursorJson } from '../../sync/cursor';
import { listRows, type SubCall } from './batch';
import { markWonPending, wonTimes } from './stream-wontime';
import { dealsNeedingHistory, mapContacts, mapDeals, mapLeads, rawId, writeDeals, writeLeads, writeLinkedContacts, type EntitySpec } from './entities';
import {
  advanceScan,
  emptyCursor,
  isoAt,
  newScan,
  OVERLAP_MS,
  pieceRanges,
  planScan,
  type Piece,
  type PieceAnswer,
  type Range,
  type ScanState,
  type StreamCursor,
} from './scan';
import { failedCalls, subResult, type Run, type Round, type Settled, type Stream } from './stream';
import type { Db } from '../../db/open';

export const SOURCE = 'bitrix24';

/** Turns a page of raw records into a writer (mapping may need extra requests, e.g. deals). */
export type PageWriter = (run: Run, raws: unknown[]) => Promise<(db: Db) => number>;

export interface ScanOptions {
  /** cursor scope */
  scope: string;
  /** batch key prefix */
  prefix: string;
  /** progress entity */
  entity: string;
  spec: EntitySpec;
  /** false: never backfill — the first run only records a watermark (contacts) */
  backfill: boolean;
  /** the stream sits this run out (leads in simple CRM mode) */
  skip?: (run: Run) => boolean;
  write: PageWriter;
}

function validCursor(c: StreamCursor | null): StreamCursor {
  if (!c || c.v !== 1 || typeof c.offset !== 'number') return emptyCursor();
  return c;
}

/** Params of one piece of a pass (legacy or crm.item.list naming from the spec). */
export function pieceParams(spec: EntitySpec, st: ScanState, p: Piece, offset: number, select = spec.select): Record<string, unknown> {
  const id = spec.id;
  const filter: Record<string, unknown> = {};
  if (st.since !== null) filter[`>=${spec.modified}`] = isoAt(st.since, offset);
  let dir = 'ASC';
  let fields = select;
  switch (p.kind) {
    case 'open':
      filter[`>=${id}`] = p.lo;
      break;
    case 'max':
      dir = 'DESC';
      fields = [id];
      break;
    case 'win':
      filter[`>=${id}`] = p.lo;
      filter[`<${id}`] = p.hi;
      break;
    case 'ids':
      filter[`@${id}`] = p.ids;
      break;
  }
  return { ...spec.base, select: fields, filter, order: { [id]: dir }, start: -1 };
}

/** Rows of a list answer with their ids, ascending; records without an id are dropped. */
export function rowsById(spec: EntitySpec, result: unknown): { ids: number[]; raws: unknown[] } {
  const pairs = listRows<unknown>(result)
    .map((r) => [rawId(spec, r), r] as const)
    .filter(([id]) => !Number.isNaN(id))
    .sort((a, b) => a[0] - b[0]);
  return { ids: pairs.map((p) => p[0]), raws: pairs.map((p) => p[1]) };
}

export class ScanStream implements Stream {
  private cursor: StreamCursor;
  private finished = false;
  private planned: { calls: SubCall[]; pieces: Piece[]; rest: Range[]; st: ScanState } | null = null;
  private read = 0;

  constructor(
    private readonly run: Run,
    private readonly o: ScanOptions,
  ) {
    this.cursor = validCursor(readCursorJson<StreamCursor>(run.db, SOURCE, o.scope));
  }

  get entity(): string {
    return this.o.entity;
  }

  active(): boolean {
    return !this.finished && !this.o.skip?.(this.run);
  }

  /** the pass to continue or to start now; null: nothing to scan (contacts before a watermark) */
  private current(): ScanState | null {
    if (this.cursor.scan) return this.cursor.scan;
    if (this.cursor.watermark === null) return this.o.backfill ? newScan(null) : null;
    return newScan(this.cursor.watermark - OVERLAP_MS);
  }

  plan(room: number): SubCall[] {
    this.planned = null;
    const st = this.current();
    if (!st) return [];
    const { pieces, rest } = planScan(st, room);
    if (pieces.length === 0) return [];
    const calls = pieces.map((p, i) => ({
      key: `${this.o.prefix}${i}`,
      method: this.o.spec.method,
      params: pieceParams(this.o.spec, st, p, this.cursor.offset),
    }));
    this.planned = { calls, pieces, rest, st };
    return calls;
  }

  async settle(round: Round): Promise<Settled> {
    const planned = this.planned;
    this.planned = null;
    if (this.o.skip?.(this.run)) {
      this.finished = true;
      return null;
    }
    if (!planned) {
      if (this.o.backfill || this.cursor.watermark !== null || this.cursor.scan) return null;
      // first run for a delta-only stream: changes from now on are its job
      const next: StreamCursor = { v: 1, watermark: round.server.ms, offset: round.server.offset, scan: null };
      return {
        read: 0,
        write: (db) => (saveCursor(db, SOURCE, this.o.scope, next), 0),
        after: () => {
          this.cursor = next;
          this.finished = true;
        },
      };
    }
    const { failed, retry } = failedCalls(this.run, planned.calls, round);
    // round 1 is all or nothing; later, failed windows simply stay pending
    if (retry && (planned.st.ranges === null || failed.size === planned.calls.length)) return { retry };
    const answers: PieceAnswer[] = [];
    const raws: unknown[] = [];
    const rest = [...planned.rest];
    planned.pieces.forEach((piece, i) => {
      const key = planned.calls[i]?.key ?? '';
      if (failed.has(key)) {
        rest.push(...pieceRanges(piece));
        return;
      }
      const page = rowsById(this.o.spec, subResult(round, key));
      answers.push({ piece, ids: page.ids });
      if (piece.kind !== 'max') raws.push(...page.raws);
    });
    const { state, done } = advanceScan(planned.st, rest, answers, round.server.ms);
    const next: StreamCursor = done
      ? { v: 1, watermark: state.start ?? round.server.ms, offset: round.server.offset, scan: null }
      : { v: 1, watermark: this.cursor.watermark, offset: round.server.offset, scan: state };
    const write = await this.o.write(this.run, raws);
    return {
      read: raws.length,
      retry: retry ?? undefined,
      write: (db) => {
        const n = write(db);
        saveCursor(db, SOURCE, this.o.scope, next);
        return n;
      },
      after: () => {
        this.cursor = next;
        this.read += raws.length;
        if (done) this.finished = true;
      },
    };
  }

  progress(): { done: number; total: number | null } {
    const st = this.cursor.scan;
    if (!st?.ranges) return { done: this.read, total: this.finished ? this.read : null };
    const left = st.ranges.reduce((s, [a, b]) => s + (b - a), 0);
    return { done: this.read, total: this.read + Math.round(left * Math.min(1, st.density)) };
  }
}

export const writeLeadPage: PageWriter = async (run, raws) => {
  const rows = mapLeads(raws, run.log);
  return (db) => (rows.length ? writeLeads(db, rows) : 0);
};

/** Deals, with won times from the stage history; deals whose history failed wait (stream-wontime.ts). */
export const writeDealPage: PageWriter = async (run, raws) => {
  const need = dealsNeedingHistory(raws);
  const { won, failed } = need.length ? await wonTimes(run, need) : { won: new Map<number, number>(), failed: new Map<number, string>() };
  const rows = mapDeals(raws, won, run.log);
  return (db) => {
    if (!rows.length) return 0;
    const n = writeDeals(db, rows);
    markWonPending(db, rows.map((r) => r.id), failed);
    return n;
  };
};

/** Contact deltas: only contacts a synced deal links to are kept. */
export const writeContactDeltaPage: PageWriter = async (run, raws) => {
  const rows = mapContacts(raws, run.log);
  return (db) => (rows.length ? writeLinkedContacts(db, rows) : 0);
};
