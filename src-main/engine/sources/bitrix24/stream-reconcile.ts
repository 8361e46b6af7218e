// Deletion detection by id reconciliation (reference/bitrix24.md §10): list methods never return
// deleted rows and a webhook gets no delete events, so the ids the portal still has are compared
// with ours — ids only, id windows in batches (≈ 2,500 ids per request) over our id range for
// leads and deals, `@ID` chunks of our ids for contacts. Missing ids are marked deleted; ids the
// portal has but we hold as deleted (or not at all) are read again in full (restored records).
// Progress is a cursor (bitrix24/reconcile:<entity>) written with each round's marks.
import type { Db } from '../../db/open';
import { clearCursors, readCursorJson, saveCursor } from '../../sync/cursor';
import { prepared } from '../sql';
import type { SubCall } from './batch';
import { CONTACT, type EntitySpec } from './entities';
import { advanceScan, newScan, pieceRanges, planScan, type Piece, type PieceAnswer, type Range } from './scan';
import { markDeleted } from './store';
import { chunk, contactCalls } from './stream-contacts';
import { pieceParams, rowsById, SOURCE, type PageWriter } from './stream-scan';
import { failedCalls, subResult, type Run, type Round, type Settled, type Stream } from './stream';

interface ReconcileCursor {
  v: 1;
  /** leads/deals: pending id ranges of our rows */
  ranges: Range[];
  density: number;
  /** ids to read in full (present on the portal, missing or deleted here) */
  refetch: number[];
  /** contacts: ids up to here are checked */
  afterId: number;
}

const TABLE = { lead: 'b24_lead', deal: 'b24_deal', contact: 'b24_contact' } as const;

type Planned = { calls: SubCall[]; pieces: Piece[]; rest: Range[]; refetch: number[][]; contacts: number[][] };

export class ReconcileStream implements Stream {
  readonly entity: string;
  private cursor: ReconcileCursor | null | undefined;
  private finished = false;
  private planned: Planned | null = null;
  private marked = 0;
  private checked = 0;

  constructor(
    private readonly run: Run,
    private readonly spec: EntitySpec,
    private readonly prefix: string,
    /** writes full records that came back (restored) */
    private readonly writeFull: PageWriter,
    /** the entity's own pass has finished this run: our rows are complete */
    private readonly ready: () => boolean,
    /** the entity is not synced this run (leads in simple CRM mode) */
    private readonly skip: () => boolean = () => false,
  ) {
    this.entity = `reconcile:${spec.entity}`;
  }

  private start(): ReconcileCursor | null {
    if (this.spec.entity === 'contact') return { v: 1, ranges: [], density: 1, refetch: [], afterId: 0 };
    const r = this.run.db.prepare(`SELECT min(id) AS a, max(id) AS b, count(*) AS n FROM ${TABLE[this.spec.entity]} WHERE deleted = 0`).get() as {
      a: number | null;
      b: number | null;
      n: number;
    };
    if (r.a === null || r.b === null) return null;
    return { v: 1, ranges: [[r.a, r.b + 1]], density: r.n / (r.b - r.a + 1), refetch: [], afterId: 0 };
  }

  active(): boolean {
    return !this.finished && this.cursor !== null && !this.skip();
  }

  /** finished, or not wanted this run */
  get settled(): boolean {
    return this.finished || this.cursor === null || this.skip();
  }

  plan(room: number): SubCall[] {
    this.planned = null;
    if (room <= 0 || !this.ready()) return [];
    if (this.cursor === undefined) this.cursor = readCursorJson<ReconcileCursor>(this.run.db, SOURCE, this.entity) ?? this.start();
    const c = this.cursor;
    if (!c) return [];
    const p: Planned = { calls: [], pieces: [], rest: c.ranges, refetch: [], contacts: [] };
    p.refetch = chunk(c.refetch).slice(0, room);
    p.calls = p.refetch.map((ids, i) => ({
      key: `${this.prefix}f${i}`,
      method: this.spec.method,
      params: pieceParams(this.spec, newScan(null), { kind: 'ids', ids }, 0),
    }));
    const left = room - p.calls.length;
    if (this.spec.entity === 'contact') {
      const ids = (
        prepared(this.run.db, 'SELECT id FROM b24_contact WHERE deleted = 0 AND id > ? ORDER BY id LIMIT ?').all(c.afterId, left * 50) as { id: number }[]
      ).map((r) => r.id);
      p.contacts = chunk(ids);
      p.calls.push(...contactCalls(`${this.prefix}c`, p.contacts, ['ID']));
    } else if (c.ranges.length && left > 0) {
      const st = { ...newScan(null), ranges: c.ranges, density: c.density };
      const { pieces, rest } = planScan(st, left);
      p.pieces = pieces;
      p.rest = rest;
      p.calls.push(
        ...pieces.map((piece, i) => ({ key: `${this.prefix}${i}`, method: this.spec.method, params: pieceParams(this.spec, st, piece, 0, [this.spec.id]) })),
      );
    }
    this.planned = p;
    return p.calls;
  }

  /** our ids in [lo, hi) (or the listed ids), with their deleted flag */
  private local(lo: number, hi: number): Map<number, number> {
    const rows = prepared(this.run.db, `SELECT id, deleted FROM ${TABLE[this.spec.entity]} WHERE id >= ? AND id < ?`).all(lo, hi) as {
      id: number;
      deleted: number;
    }[];
    return new Map(rows.map((r) => [r.id, r.deleted]));
  }

  async settle(round: Round): Promise<Settled> {
    const p = this.planned;
    this.planned = null;
    const c = this.cursor;
    if (!p || !c) return null;
    if (p.calls.length === 0) return this.finish();
    const { failed, retry } = failedCalls(this.run, p.calls, round);
    if (retry && failed.size === p.calls.length) return { retry };
    const full: unknown[] = [];
    const refetch: number[] = [];
    p.refetch.forEach((ids, i) => {
      const key = `${this.prefix}f${i}`;
      if (failed.has(key)) refetch.push(...ids);
      else full.push(...rowsById(this.spec, subResult(round, key)).raws);
    });
    refetch.push(...c.refetch.slice(p.refetch.flat().length));
    const toDelete: number[] = [];
    const compare = (covered: number[], lo: number, hi: number, got: number[]) => {
      const have = this.local(lo, hi);
      const gotSet = new Set(got);
      for (const id of covered.length ? covered : have.keys()) {
        if (have.get(id) === 0 && !gotSet.has(id)) toDelete.push(id);
      }
      for (const id of got) if (have.get(id) !== 0) refetch.push(id);
      this.checked += covered.length || have.size;
    };
    let next: ReconcileCursor;
    if (this.spec.entity === 'contact') {
      // the id walk advances only past the chunks before the first failure
      const firstFailed = p.contacts.findIndex((_, i) => failed.has(`${this.prefix}c${i}`));
      const upto = firstFailed >= 0 ? firstFailed : p.contacts.length;
      p.contacts.slice(0, upto).forEach((ids, i) => {
        const got = rowsById(CONTACT, subResult(round, `${this.prefix}c${i}`)).ids;
        compare(ids, ids[0] ?? 0, (ids[ids.length - 1] ?? 0) + 1, got);
      });
      const last = p.contacts[upto - 1];
      next = { ...c, refetch: [...new Set(refetch)], afterId: last?.[last.length - 1] ?? c.afterId };
    } else {
      const rest = [...p.rest];
      const answers: PieceAnswer[] = [];
      p.pieces.forEach((piece, i) => {
        const key = `${this.prefix}${i}`;
        if (failed.has(key)) rest.push(...pieceRanges(piece));
        else answers.push({ piece, ids: rowsById(this.spec, subResult(round, key)).ids });
      });
      for (const a of answers) {
        if (a.piece.kind === 'ids') compare(a.piece.ids, Math.min(...a.piece.ids), Math.max(...a.piece.ids) + 1, a.ids);
        else if (a.piece.kind === 'win') {
          const last = a.ids[a.ids.length - 1];
          const end = a.ids.length >= 50 && last !== undefined ? last + 1 : a.piece.hi;
          compare([], a.piece.lo, end, a.ids);
        }
      }
      const st = { ...newScan(null), ranges: c.ranges, density: c.density, start: 0 };
      const adv = p.pieces.length ? advanceScan(st, rest, answers, 0).state : st;
      next = { ...c, ranges: adv.ranges ?? [], density: adv.density, refetch: [...new Set(refetch)] };
    }
    const write = full.length ? await this.writeFull(this.run, full) : null;
    const done = next.refetch.length === 0 && (this.spec.entity === 'contact' ? p.contacts.length === 0 : next.ranges.length === 0);
    return {
      read: full.length,
      retry: retry ?? undefined,
      write: (db: Db) => {
        let n = write ? write(db) : 0;
        if (toDelete.length) n += markDeleted(db, this.spec.entity, toDelete);
        if (done) clearCursors(db, SOURCE, this.entity);
        else saveCursor(db, SOURCE, this.entity, next);
        return n;
      },
      after: () => {
        this.marked += toDelete.length;
        this.cursor = next;
        if (done) this.finished = true;
      },
    };
  }

  private finish(): Settled {
    return {
      read: 0,
      write: (db) => (clearCursors(db, SOURCE, this.entity), 0),
      after: () => (this.finished = true),
    };
  }

  progress(): { done: number; total: number | null } {
    return { done: this.checked, total: null };
  }

  /** records newly marked deleted this run */
  get deleted(): number {
    return this.marked;
  }
}
