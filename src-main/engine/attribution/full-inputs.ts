// What a full recompute reads, as compact messages: conversions in chunks (numbers in typed
// arrays, touches as (dims, time) pairs, the dims first used by the chunk alongside), then the
// tracking counts of calls and requests. The same messages come from this thread (small
// workspaces, in-memory databases) or from a reader thread (reader-thread.ts), so a large
// workspace reads and assembles on one core while the materialiser writes on the other.
import type { Settings } from '@shared/contract';
import type { UnattributedReason } from '@shared/metrics';
import type { Db } from '../db/open';
import { BulkInputs } from './bulk';
import type { IdentityLinks } from './identity-links';
import { InputLoader, inputContext, type ConvInput, type ConvKind, type TouchDims } from './inputs';
import { chooseLabels, type LabelRow } from './labels';
import { TrackingCounts } from './tracking';
import { DayCalendar } from './tuples';

/** Conversions per chunk (ids per range: ids are nearly consecutive). */
export const CHUNK = 1_000;
export const KIND_CODE: Record<ConvKind, 1 | 2 | 3> = { lead: 1, deal: 2, visit: 3 };
const KIND_TABLE: Record<ConvKind, string> = { lead: 'b24_lead', deal: 'b24_deal', visit: 'visit' };

/** Numbers per conversion in ConvChunk.num; NaN stands for null. */
export const NUM = { id: 0, at: 1, wonAt: 2, revenue: 3, category: 4, assigned: 5, cohortAt: 6, width: 7 } as const;
export const REASONS: readonly (UnattributedReason | null)[] = [null, 'no_contact', 'no_match', 'outside_window'];

export interface ConvChunk {
  t: 'chunk';
  kind: 1 | 2 | 3;
  n: number;
  num: Float64Array;
  /** per conversion: day, won day (0: not won), cohort day — yyyymmdd in the reporting time zone */
  days: Int32Array;
  /** index into REASONS */
  reason: Uint8Array;
  /** touches of conversion i are [start[i], start[i + 1]) */
  start: Int32Array;
  touchDims: Int32Array;
  touchAt: Float64Array;
  /** dims whose dimsKey this message uses first (keys follow on from the previous message's) */
  newDims: TouchDims[];
}

export interface TrackingChunk {
  t: 'tracking';
  n: number;
  day: Int32Array;
  site: Float64Array;
  dims: Int32Array;
  /** 4 per row: calls, unique-target calls, requests, unique-target requests */
  counts: Float64Array;
  newDims: TouchDims[];
  /** the labels of every key read (the most frequent spelling); the last message carries them */
  labels: LabelRow[];
}

export type InputMessage = ConvChunk | TrackingChunk;

/** The ArrayBuffers of a message (moved to the receiving thread, not copied). */
export function transferables(m: InputMessage): ArrayBuffer[] {
  const arrays = m.t === 'chunk' ? [m.num, m.days, m.reason, m.start, m.touchDims, m.touchAt] : [m.day, m.site, m.dims, m.counts];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

const nullable = (v: number | null) => (v === null ? Number.NaN : v);

/** Conversions as one chunk (touches by their dimsKey; `newDims` as the receiver needs them). */
export function encode(kind: 1 | 2 | 3, convs: ConvInput[], newDims: TouchDims[], cal: DayCalendar): ConvChunk {
  const n = convs.length;
  let touches = 0;
  for (const c of convs) touches += c.touches.length;
  const m: ConvChunk = {
    t: 'chunk',
    kind,
    n,
    num: new Float64Array(n * NUM.width),
    days: new Int32Array(n * 3),
    reason: new Uint8Array(n),
    start: new Int32Array(n + 1),
    touchDims: new Int32Array(touches),
    touchAt: new Float64Array(touches),
    newDims,
  };
  let j = 0;
  convs.forEach((c, i) => {
    const o = i * NUM.width;
    m.num[o + NUM.id] = c.id;
    m.num[o + NUM.at] = c.at;
    m.num[o + NUM.wonAt] = nullable(c.wonAt);
    m.num[o + NUM.revenue] = c.revenue;
    m.num[o + NUM.category] = nullable(c.category);
    m.num[o + NUM.assigned] = nullable(c.assigned);
    m.num[o + NUM.cohortAt] = c.cohortAt;
    m.days[i * 3] = cal.day(c.at);
    m.days[i * 3 + 1] = c.wonAt === null ? 0 : cal.day(c.wonAt);
    m.days[i * 3 + 2] = cal.day(c.cohortAt);
    m.reason[i] = REASONS.indexOf(c.reason);
    m.start[i] = j;
    for (const t of c.touches) {
      m.touchDims[j] = t.dimsKey!;
      m.touchAt[j++] = t.at;
    }
  });
  m.start[n] = j;
  return m;
}

/**
 * Every conversion (leads, then deals — a deal takes its lead's UTM from there —, then visits)
 * and the tracking counts, read from `db` with one sequential pass per table. `links`: the
 * identity links when another thread builds them (else they are read here).
 */
export function* fullInputs(db: Db, settings: Settings, links?: () => IdentityLinks): Generator<InputMessage> {
  const ctx = inputContext(db, settings);
  const loader = new InputLoader(db, ctx);
  const bulk = new BulkInputs(db, ctx, loader, links);
  const cal = new DayCalendar(settings.timeZone);
  let sent = 0;
  const newDims = () => loader.dimsList.slice(sent, (sent = loader.dimsList.length));
  for (const kind of ['lead', 'deal', 'visit'] as const) {
    const range = db.prepare(`SELECT min(id) AS lo, max(id) AS hi FROM ${KIND_TABLE[kind]}`).get() as { lo: number | null; hi: number | null };
    if (range.lo === null || range.hi === null) continue;
    for (let lo = range.lo; lo <= range.hi; lo += CHUNK) {
      const convs = bulk.load(kind, lo, lo + CHUNK - 1);
      if (convs.length > 0) yield encode(KIND_CODE[kind], convs, newDims(), cal);
    }
  }
  const counts = new TrackingCounts(cal, true);
  bulk.countTracking(counts);
  const rows = [...counts.entries()];
  const m: TrackingChunk = {
    t: 'tracking',
    n: rows.length,
    day: new Int32Array(rows.length),
    site: new Float64Array(rows.length),
    dims: new Int32Array(rows.length),
    counts: new Float64Array(rows.length * 4),
    newDims: [],
    labels: [],
  };
  rows.forEach((r, i) => {
    m.day[i] = r.day;
    m.site[i] = r.site;
    m.dims[i] = (r.dims as TouchDims).dimsKey;
    m.counts.set(r.c, i * 4);
  });
  m.newDims = newDims();
  m.labels = chooseLabels(loader.dimsList, loader.seen, settings);
  yield m;
}
