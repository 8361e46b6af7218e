// Id-range scans: the one paging strategy behind backfills, delta passes and reconciliation.
//
// A pass reads every row matching a fixed filter (none for a backfill, `>=DATE_MODIFY since` for
// a delta) in id order, as batch sub-calls over id windows `>=ID a, <ID b` with `start=-1`
// (reference/bitrix24.md §4, §7.1):
// - round 1: an open window `>=ID next` (the first page, ≤ 50 rows) + the highest matching id.
//   Fewer than 50 rows → the pass is complete in one sub-call (an idle delta costs one request).
// - later rounds: the rest of the id range, cut into windows sized from the density seen so far
//   (≈ 45 rows each, never under 50 ids). A window that comes back with 50 rows may have been
//   cut short; what lies after its last id goes back into the pending ranges.
// The pending ranges, density and pass start are the cursor: they are saved in the same
// transaction as the rows they produced, so a crash repeats at most one batch and skips nothing.
import { isoOffsetMinutes, parseIsoInstant } from '../parse';
import type { B24Time } from './api-types';

export const PAGE = 50;
/** expected rows per window; a window cut short at 50 rows leaves a few ids, listed later by `@ID` */
export const WINDOW_TARGET = 50;
export const WINDOW_MIN = 50;
export const WINDOW_MAX = 50_000_000;
/** a delta pass re-reads this much before the last watermark (clock skew, late commits) */
export const OVERLAP_MS = 5 * 60_000;

/** [lo, hi) */
export type Range = [number, number];

export interface ScanState {
  /** rows with modified ≥ since (ms); null: all rows */
  since: number | null;
  /** server time (ms) of the pass's first answer; becomes the watermark when the pass ends */
  start: number | null;
  /** pending id ranges; null before round 1 */
  ranges: Range[] | null;
  /** round 1: lower bound of the open window */
  next: number;
  /** rows per id seen so far */
  density: number;
  /** rows read in this pass (progress) */
  rows: number;
}

export interface StreamCursor {
  v: 1;
  /** server ms: every row modified before (watermark − overlap) is in the workspace */
  watermark: number | null;
  /** the portal's UTC offset in minutes, for filter values */
  offset: number;
  scan: ScanState | null;
}

export function newScan(since: number | null, next = 0): ScanState {
  return { since, start: null, ranges: null, next, density: 1, rows: 0 };
}

export function emptyCursor(): StreamCursor {
  return { v: 1, watermark: null, offset: 180, scan: null };
}

/** Server time of an answer: ms and offset from time.date_start; null when absent. */
export function serverTime(time: B24Time | undefined): { ms: number; offset: number } | null {
  const ds = time?.date_start;
  const ms = parseIsoInstant(ds);
  if (ms !== null) return { ms, offset: isoOffsetMinutes(ds) ?? 0 };
  if (typeof time?.start === 'number') return { ms: Math.floor(time.start * 1000), offset: 0 };
  return null;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** ms → "YYYY-MM-DDTHH:mm:ss+03:00" in the portal's offset (always with an offset, §12). */
export function isoAt(ms: number, offsetMin: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return (
    `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T` +
    `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`
  );
}

export function windowWidth(density: number, target = WINDOW_TARGET): number {
  const w = Math.round(target / Math.max(density, 1e-9));
  return Math.min(WINDOW_MAX, Math.max(WINDOW_MIN, w));
}

export type Piece =
  | { kind: 'open'; lo: number }
  | { kind: 'max' }
  | { kind: 'win'; lo: number; hi: number }
  /** the ids of short leftover ranges, read by `@ID` (≤ 50 ids, so never cut short) */
  | { kind: 'ids'; ids: number[] };

/** The next pieces of a pass (≤ room) and the ranges that stay pending after them. */
export function planScan(st: ScanState, room: number, target = WINDOW_TARGET): { pieces: Piece[]; rest: Range[] } {
  if (st.ranges === null) return room >= 2 ? { pieces: [{ kind: 'open', lo: st.next }, { kind: 'max' }], rest: [] } : { pieces: [], rest: [] };
  const w = windowWidth(st.density, target);
  const pieces: Piece[] = [];
  const rest: Range[] = [];
  // leftovers of cut-short windows are a few ids each: list them, up to 50 per sub-call
  let ids: number[] = [];
  const big: Range[] = [];
  for (const [lo, hi] of st.ranges) {
    if (hi - lo > PAGE || pieces.length >= room) {
      big.push([lo, hi]);
      continue;
    }
    if (ids.length + (hi - lo) > PAGE) {
      pieces.push({ kind: 'ids', ids });
      ids = [];
      if (pieces.length >= room) {
        big.push([lo, hi]);
        continue;
      }
    }
    for (let i = lo; i < hi; i++) ids.push(i);
  }
  if (ids.length) {
    if (pieces.length < room) pieces.push({ kind: 'ids', ids });
    else big.push(...idsToRanges(ids));
  }
  for (const [lo0, hi] of big) {
    let lo = lo0;
    while (lo < hi && pieces.length < room) {
      const top = Math.min(hi, lo + w);
      pieces.push({ kind: 'win', lo, hi: top });
      lo = top;
    }
    if (lo < hi) rest.push([lo, hi]);
  }
  return { pieces, rest };
}

function idsToRanges(ids: number[]): Range[] {
  return mergeRanges(ids.map((i) => [i, i + 1] as Range));
}

/** The id ranges a window or id-list piece covers (to put back when its sub-call failed). */
export function pieceRanges(p: Piece): Range[] {
  if (p.kind === 'win') return [[p.lo, p.hi]];
  if (p.kind === 'ids') return idsToRanges(p.ids);
  return [];
}

/** Sorted, adjacent ranges merged (a cut-short tail next to the main range becomes one range). */
export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** What one piece returned: row ids in ascending order. */
export interface PieceAnswer {
  piece: Piece;
  ids: number[];
}

/**
 * The pass state after a batch. `answers` hold every piece planned for this batch, in order.
 * `startMs` is the server time of the batch (used when this was round 1).
 */
export function advanceScan(st: ScanState, rest: Range[], answers: PieceAnswer[], startMs: number): { state: ScanState; done: boolean } {
  let rows = 0;
  for (const a of answers) if (a.piece.kind !== 'max') rows += a.ids.length;
  if (st.ranges === null) {
    const open = answers.find((a) => a.piece.kind === 'open')?.ids ?? [];
    const max = answers.find((a) => a.piece.kind === 'max')?.ids ?? [];
    const state: ScanState = { ...st, start: st.start ?? startMs, rows: st.rows + rows };
    if (open.length < PAGE) return { state: { ...state, ranges: [] }, done: true };
    const first = open[0] ?? 0;
    const last = open[open.length - 1] ?? 0;
    const maxId = Math.max(last, ...max);
    const ranges: Range[] = maxId > last ? [[last + 1, maxId + 1]] : [];
    return { state: { ...state, ranges, density: PAGE / Math.max(1, last - first + 1) }, done: ranges.length === 0 };
  }
  const pending: Range[] = [...rest];
  let seenIds = 0;
  let seenRows = 0;
  for (const a of answers) {
    if (a.piece.kind !== 'win') continue;
    const { lo, hi } = a.piece;
    const last = a.ids[a.ids.length - 1];
    if (a.ids.length >= PAGE && last !== undefined && last + 1 < hi) {
      pending.push([last + 1, hi]);
      seenIds += last + 1 - lo;
    } else {
      seenIds += hi - lo;
    }
    seenRows += a.ids.length;
  }
  const ranges = mergeRanges(pending);
  // density of this batch; an empty batch quadruples the width instead of jumping to the maximum
  const density = seenIds > 0 ? Math.max(seenRows / seenIds, st.density / 4) : st.density;
  return { state: { ...st, ranges, density, rows: st.rows + rows }, done: ranges.length === 0 };
}
