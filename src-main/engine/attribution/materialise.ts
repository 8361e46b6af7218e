// Materialised attribution: conversions with their ordered touches (conv), daily rollups of
// weights per (model, day, tuple) by event day and by cohort day, tracking counts per day, and
// the Markov model's path counts per day (paths.ts, orphan-paths.ts).
// Full recompute when the rules change (inputs read by full-inputs.ts, on a reader thread for a
// large workspace: reader-thread.ts); otherwise only conversions whose inputs changed (the
// dirty_* tables are filled by triggers, see migration 0002).
import { createHash } from 'node:crypto';
import type { Settings } from '@shared/contract';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { createLogger } from '../log';
import { InputLoader, inputContext, type ConvKind, type TouchDims } from './inputs';
import { encode, fullInputs, NUM, REASONS, type ConvChunk } from './full-inputs';
import { writeLabels, type LabelRow } from './labels';
import { ReaderThreadError, threadedInputs } from './reader-thread';
import { Rollups, type ConvRow, type StoredTouch } from './rollups';
import { PathCounts } from './paths';
import { dropOrphanPaths, updateOrphanPaths } from './orphan-paths';
import { busiestTuples, DayCalendar, MASK_BITS, TupleDict, tupleMask } from './tuples';
import { TrackingCounts, rebuildTracking } from './tracking';
import { attributionProgressHook, bumpGeneration, throttled } from './state';
import { isBusy, isReadonly, withBusyTimeout } from '../db/busy';

const CODE_KIND: Record<number, ConvKind> = { 1: 'lead', 2: 'deal', 3: 'visit' };
const THREAD_FROM = 50_000;
const log = createLogger('attribution');
/** conv rows per INSERT statement in a full recompute (≈ 1.7× faster than one by one) */
const INSERT_BATCH = 16;

const CONV_COLUMNS = 'kind, ref_id, at, day, won_day, cohort_day, revenue, category, assigned, reason, touches, tmask';
const COLUMNS_N = 12;
const ONE_ROW = `(${Array<string>(COLUMNS_N).fill('?').join(', ')})`;

const orNull = (v: number) => (Number.isNaN(v) ? null : v);
/** decode's scratch list of one conversion's tuple ids */
const tupleIds: number[] = [];

/**
 * Conversion i of a chunk: its conv row's values (CONV_COLUMNS order), what the rollups need of
 * it, and its stored touches. `dims` by dimsKey; `tuple` gives a dimsKey's tuple id.
 */
function decode(m: ConvChunk, i: number, dims: readonly TouchDims[], tuple: (k: number) => number): { row: ConvRow; values: unknown[]; stored: StoredTouch[] } {
  const stored: StoredTouch[] = [];
  tupleIds.length = 0;
  for (let j = m.start[i]!; j < m.start[i + 1]!; j++) {
    const k = m.touchDims[j]!;
    const t = tuple(k);
    stored.push([t, m.touchAt[j]!, dims[k]!.direct ? 1 : 0]);
    tupleIds.push(t);
  }
  const o = i * NUM.width;
  const row: ConvRow = {
    kind: m.kind,
    ref_id: m.num[o + NUM.id]!,
    at: m.num[o + NUM.at]!,
    day: m.days[i * 3]!,
    won_day: m.days[i * 3 + 1]! || null,
    cohort_day: m.days[i * 3 + 2]!,
    revenue: m.num[o + NUM.revenue]!,
    touches: JSON.stringify(stored),
  };
  const values = [row.kind, row.ref_id, row.at, row.day, row.won_day, row.cohort_day, row.revenue, orNull(m.num[o + NUM.category]!),
    orNull(m.num[o + NUM.assigned]!), REASONS[m.reason[i]!], row.touches, tupleMask(tupleIds)];
  return { row, values, stored };
}

export function rulesHash(s: Settings): string {
  const rules = { tz: s.timeZone, cur: s.currency, lb: s.lookbackDays, n: s.normalisation, ch: s.channels, vd: s.visits.customSource, v: 2 };
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex').slice(0, 16);
}

export interface RecomputeStats {
  full: boolean;
  conversions: number;
  ms: number;
}

export class Materialiser {
  private readonly tuples: TupleDict;
  private readonly cal: DayCalendar;
  private readonly loader: InputLoader;

  constructor(
    private readonly db: Db,
    private readonly settings: Settings,
  ) {
    const ctx = inputContext(db, settings);
    this.tuples = new TupleDict(db, ctx.norm);
    this.cal = new DayCalendar(settings.timeZone);
    this.loader = new InputLoader(db, ctx);
  }

  private upsertConvStmt: Statement | null = null;

  /** Inserts or replaces a conv row (values in CONV_COLUMNS order). */
  private upsertConv(values: unknown[]): void {
    this.upsertConvStmt ??= this.db.prepare(
      `INSERT INTO conv (${CONV_COLUMNS}) VALUES ${ONE_ROW}
       ON CONFLICT (kind, ref_id) DO UPDATE SET at = excluded.at, day = excluded.day, won_day = excluded.won_day,
         cohort_day = excluded.cohort_day, revenue = excluded.revenue, category = excluded.category,
         assigned = excluded.assigned, reason = excluded.reason, touches = excluded.touches, tmask = excluded.tmask`,
    );
    this.upsertConvStmt.run(values);
  }

  /** Recomputes everything (rules changed, first run, or on demand). */
  full(onProgress?: (done: number, total: number) => void, reader: 'auto' | 'thread' | 'here' = 'auto'): RecomputeStats {
    // one transaction: readers keep the previous attribution until the new one is complete, a
    // crash leaves it as it was, and the WAL is checkpointed once instead of after every chunk
    const run = (r: typeof reader) => this.db.transaction(() => this.fullInTransaction(onProgress, r))();
    try {
      return run(reader);
    } catch (err) {
      // slower is better than no numbers: a reader thread that cannot run (a broken install, a
      // thread limit) leaves the transaction rolled back, and this thread reads instead
      if (!(err instanceof ReaderThreadError)) throw err;
      log.warn('full recompute: the reader thread failed, reading in this thread', err);
      return run('here');
    }
  }

  /**
   * The inputs are read by a worker thread (reader-thread.ts) for a workspace on disk with at
   * least THREAD_FROM records — reading and assembling then run beside the inserts and weights
   * (≈ 2× faster on two cores) — and in this thread otherwise (starting a thread costs more).
   */
  private fullInTransaction(onProgress: ((done: number, total: number) => void) | undefined, reader: 'auto' | 'thread' | 'here'): RecomputeStats {
    const t0 = performance.now();
    const db = this.db;
    bumpGeneration(db);
    const busiest = busiestTuples(db, MASK_BITS - 2);
    db.exec('DELETE FROM conv; DELETE FROM rollup; DELETE FROM rollup_cohort; DELETE FROM rollup_tracking; DELETE FROM dim_tuple; DELETE FROM dim_label;');
    db.exec('DELETE FROM markov_path; DELETE FROM markov_day;');
    // conv's secondary indexes are built once after the inserts (≈ 3× cheaper than keeping them
    // up to date row by row); readers see them as they were until the transaction commits
    const convIndexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'conv' AND sql IS NOT NULL").all() as {
      name: string;
      sql: string;
    }[];
    for (const ix of convIndexes) db.exec(`DROP INDEX "${ix.name}"`);
    this.tuples.reset();
    this.tuples.preload(busiest);
    const acc = new Rollups();
    const paths = new PathCounts();
    let done = 0;
    const total = (db.prepare('SELECT (SELECT count(*) FROM b24_lead) + (SELECT count(*) FROM b24_deal) + (SELECT count(*) FROM visit) AS n').get() as { n: number }).n;
    const threaded = reader === 'thread' || (reader === 'auto' && !db.memory && total >= THREAD_FROM);
    const messages = threaded ? threadedInputs(db, this.settings) : fullInputs(db, this.settings);
    // the table was emptied above: plain inserts, INSERT_BATCH rows per statement
    const insertBatch = db.prepare(`INSERT INTO conv (${CONV_COLUMNS}) VALUES ${Array<string>(INSERT_BATCH).fill(ONE_ROW).join(', ')}`);
    const insertOne = db.prepare(`INSERT INTO conv (${CONV_COLUMNS}) VALUES ${ONE_ROW}`);
    const pending: unknown[] = [];
    const dims: TouchDims[] = [];
    const tupleOf: number[] = [];
    const tuple = (k: number) => (tupleOf[k] ??= this.tuples.idOf(dims[k]!));
    const counts = new TrackingCounts(this.cal, true);
    let labels: LabelRow[] = [];
    for (const m of messages) {
      for (const d of m.newDims) dims[d.dimsKey] = d;
      if (m.t === 'tracking') {
        labels = m.labels;
        for (let i = 0; i < m.n; i++) counts.addCounts(m.day[i]!, m.site[i]!, m.dims[i]!, dims[m.dims[i]!]!, m.counts.subarray(i * 4, i * 4 + 4));
        continue;
      }
      for (let i = 0; i < m.n; i++) {
        const { row, values, stored } = decode(m, i, dims, tuple);
        pending.push(...values);
        if (pending.length === INSERT_BATCH * values.length) {
          insertBatch.run(pending);
          pending.length = 0;
        }
        acc.apply(row, stored, 1);
        paths.apply(row, stored, 1);
      }
      done += m.n;
      onProgress?.(done, total);
    }
    for (let i = 0; i < pending.length; i += COLUMNS_N) insertOne.run(pending.slice(i, i + COLUMNS_N));
    db.transaction(() => {
      for (const ix of convIndexes) db.exec(ix.sql);
      acc.write(db, 'replace');
      paths.write(db, 'replace');
      // calls and requests were counted by the reader; the table was emptied at the start
      counts.write(db, this.tuples);
      this.tuples.dropUnused();
      dropOrphanPaths(db);
      writeLabels(db, labels);
      db.exec('DELETE FROM dirty_conv; DELETE FROM dirty_value; DELETE FROM dirty_slot;');
      db.prepare("INSERT INTO meta (key, value) VALUES ('attribution_rules', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
        rulesHash(this.settings),
      );
    })();
    return { full: true, conversions: done, ms: performance.now() - t0 };
  }

  /** Recomputes only conversions whose inputs changed since the last run. */
  incremental(): RecomputeStats {
    const t0 = performance.now();
    const db = this.db;
    bumpGeneration(db);
    const targets = db
      .prepare(
        // CROSS JOIN keeps the (small) dirty list outermost: without statistics the planner would
        // rather walk every lead's or contact's identities and probe the dirty list for each
        `SELECT kind, ref_id FROM dirty_conv
         UNION SELECT 1, i.owner_id FROM dirty_value v CROSS JOIN ident i ON i.value = v.value AND i.owner = 'lead'
         UNION SELECT 2, d.id FROM dirty_value v CROSS JOIN ident i ON i.value = v.value AND i.owner = 'lead' CROSS JOIN b24_deal d ON d.lead_id = i.owner_id
         UNION SELECT 2, dc.deal_id FROM dirty_value v CROSS JOIN ident i ON i.value = v.value AND i.owner = 'contact'
               CROSS JOIN b24_deal_contact dc ON dc.contact_id = i.owner_id
         UNION SELECT 3, i.owner_id FROM dirty_value v CROSS JOIN ident i ON i.value = v.value AND i.owner = 'visit'`,
      )
      .all() as { kind: number; ref_id: number }[];
    const slots = (db.prepare('SELECT slot FROM dirty_slot').all() as { slot: number }[]).map((r) => r.slot);
    const dirtyValues = db.prepare('SELECT value FROM dirty_value').pluck().all() as string[];
    const acc = new Rollups();
    const paths = new PathCounts();
    const getOld = db.prepare('SELECT kind, ref_id, at, day, won_day, cohort_day, revenue, touches FROM conv WHERE kind = ? AND ref_id = ?');
    const delOld = db.prepare('DELETE FROM conv WHERE kind = ? AND ref_id = ?');
    const tuple = (k: number) => this.tuples.idOf(this.loader.dimsList[k]!);
    db.transaction(() => {
      for (const kindCode of [1, 2, 3]) {
        const kind = CODE_KIND[kindCode]!;
        const ids = targets.filter((t) => t.kind === kindCode).map((t) => t.ref_id);
        if (ids.length === 0) continue;
        const convs = this.loader.loadIds(kind, ids);
        // the same rows as a full recompute makes: through a chunk, with the loader's dims
        const chunk = encode(kindCode as 1 | 2 | 3, convs, [], this.cal);
        const fresh = new Map(convs.map((c, i) => [c.id, i]));
        for (const id of new Set(ids)) {
          const old = getOld.get(kindCode, id) as ConvRow | undefined;
          if (old) {
            const oldStored = JSON.parse(old.touches) as StoredTouch[];
            acc.apply(old, oldStored, -1);
            paths.apply(old, oldStored, -1);
          }
          const i = fresh.get(id);
          if (i === undefined) {
            if (old) delOld.run(kindCode, id);
            continue;
          }
          const { row, values, stored } = decode(chunk, i, this.loader.dimsList, tuple);
          this.upsertConv(values);
          acc.apply(row, stored, 1);
          paths.apply(row, stored, 1);
        }
      }
      acc.write(db, 'add');
      paths.write(db, 'add');
      if (slots.length) rebuildTracking(db, this.tuples, this.cal, this.cal.daysOfSlots(slots));
      updateOrphanPaths(db, this.tuples, this.cal, dirtyValues);
      db.exec('DELETE FROM dirty_conv; DELETE FROM dirty_value; DELETE FROM dirty_slot;');
    })();
    return { full: false, conversions: new Set(targets.map((t) => `${t.kind}:${t.ref_id}`)).size, ms: performance.now() - t0 };
  }
}

/**
 * Brings the materialised attribution up to date: full when the rules changed, else incremental.
 * Throws what SQLite throws (SQLITE_BUSY under another process's write lock): the sync reports it.
 */
export function updateAttribution(db: Db, settings: Settings, onProgress?: (done: number, total: number) => void): RecomputeStats | null {
  // a read-only workspace (no write permission) is read with the attribution as it was last computed
  if (db.readonly) return null;
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'attribution_rules'").get() as { value: string } | undefined;
  const m = new Materialiser(db, settings);
  if (stored?.value !== rulesHash(settings)) {
    const hook = attributionProgressHook(db);
    if (!hook || onProgress) return m.full(onProgress);
    hook({ done: 0, total: 0, finished: false });
    let done = 0;
    try {
      const r = m.full(throttled(hook));
      done = r.conversions;
      return r;
    } finally {
      hook({ done, total: done, finished: true });
    }
  }
  const dirty = db.prepare('SELECT EXISTS (SELECT 1 FROM dirty_conv) OR EXISTS (SELECT 1 FROM dirty_value) OR EXISTS (SELECT 1 FROM dirty_slot) AS d').get() as {
    d: number;
  };
  return dirty.d ? m.incremental() : null;
}

/** How long a read path waits for another process's write lock before reading what is there. */
const READ_PATH_WAIT_MS = 1_000;

/**
 * The read paths (reports, data health, exports): `updateAttribution`, unless another process
 * holds the write lock — then the report reads the attribution as it stands (it catches up with
 * the next write) instead of failing a `skvoz report` or an export under a backup tool's lock —
 * or writing to a damaged file is stopped (its data can still be viewed).
 */
export function ensureAttribution(db: Db, settings: Settings, onProgress?: (done: number, total: number) => void): RecomputeStats | null {
  if (db.readonly) return null;
  try {
    return withBusyTimeout(db, READ_PATH_WAIT_MS, () => updateAttribution(db, settings, onProgress));
  } catch (err) {
    // locked by another process, or writing stopped after damage was found: report what is there
    if (!isBusy(err) && !isReadonly(err)) throw err;
    log.warn(isBusy(err) ? 'the database is locked by another process: the attribution is read as it stands' : 'writing is stopped: the attribution is read as it stands');
    return null;
  }
}
