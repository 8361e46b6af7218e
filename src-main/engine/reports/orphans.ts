// Non-converting paths for the Markov model (REPORTS.md "Models"): the touch sequences of phones
// and e-mails that have no CRM record at all. Which values those are does not depend on the
// period: for long periods they are found once per attribution state — one pass over the identity
// index, in SQLite — and kept as compact arrays ordered by value and time, so a period only
// filters by time and counts identical paths (a year of the large demo: 17 s before, 5 s the
// first time, milliseconds after). A short period reads just its own touches.
import type { TouchKind } from '@shared/channel-rules';
import { DIMENSIONS } from '@shared/metrics';
import { workspaceNormaliser } from '@shared/normalise';
import { periodRange } from '@shared/time';
import type { Db } from '../db/open';
import type { Workspace } from '../workspace';
import { attributionGeneration } from '../attribution/state';
import type { NullPath } from '../attribution/markov';
import { DIMS, ORPHANS_SQL } from '../attribution/orphan-paths';
import { tupleIdsByKey } from './dims';
import { rawDimsOf } from '../attribution/inputs';

interface Orphans {
  key: string;
  n: number;
  /** which phone/e-mail (a running number over the values, in value order) */
  who: Int32Array;
  at: Float64Array;
  /** the touch's dimension tuple (−1: its dims have no tuple: left out, as before) */
  tuple: Int32Array;
}

const cache = new WeakMap<Db, Orphans>();

/** Raw dims JSON → the tuple id reports use (−1: none), through the workspace's normalisation and channel rules. */
function tupleMapper(ws: Workspace): (raw: string) => number {
  const norm = workspaceNormaliser(ws.settings);
  const idByDims = tupleIdsByKey(ws.db);
  const tupleOfRaw = new Map<string, number>();
  return (raw) => {
    let id = tupleOfRaw.get(raw);
    if (id === undefined) {
      const [kind, ...values] = JSON.parse(raw) as [TouchKind, ...(string | null)[]];
      const d = norm.dims(rawDimsOf(values), kind);
      id = idByDims.get(JSON.stringify(DIMENSIONS.map((k) => d[k]))) ?? -1;
      tupleOfRaw.set(raw, id);
    }
    return id;
  };
}

/** Rows [value, at, raw dims] ordered by value and time → compact arrays. */
function build(key: string, rows: [string, number, string][], tupleOf: (raw: string) => number): Orphans {
  const o: Orphans = { key, n: rows.length, who: new Int32Array(rows.length), at: new Float64Array(rows.length), tuple: new Int32Array(rows.length) };
  let who = -1;
  let last: string | null = null;
  rows.forEach(([value, at, raw], i) => {
    if (value !== last) {
      who++;
      last = value;
    }
    o.who[i] = who;
    o.at[i] = at;
    o.tuple[i] = tupleOf(raw);
  });
  return o;
}

/** The same for the calls and requests of one period: a few index probes per touch. */
const PERIOD_SQL = `SELECT i.value, c.at, ${DIMS('c', 'call')} FROM ct_call c CROSS JOIN ident i ON i.owner = 'call' AND i.owner_id = c.id
   WHERE c.at >= @start AND c.at < @end AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = i.value AND x.owner IN ('lead', 'contact'))
  UNION ALL
  SELECT i.value, r.at, ${DIMS('r', 'request')} FROM ct_request r CROSS JOIN ident i ON i.owner = 'request' AND i.owner_id = r.id
   WHERE r.at >= @start AND r.at < @end AND NOT EXISTS (SELECT 1 FROM ident x WHERE x.value = i.value AND x.owner IN ('lead', 'contact'))
  ORDER BY 1, 2`;

/**
 * The orphan touches to read for a period: the whole-workspace list (found once, then kept) when
 * it is there or the period holds a good part of all touches; else just the period's, which is
 * cheaper for a month of a large workspace than the one pass over every identity.
 */
function orphansFor(ws: Workspace, start: number, end: number): Orphans {
  const db = ws.db;
  const key = `${attributionGeneration(db)}:${db.pragma('data_version', { simple: true }) as number}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit;
  const count = (where: string) =>
    (db.prepare(`SELECT (SELECT count(*) FROM ct_call ${where}) + (SELECT count(*) FROM ct_request ${where}) AS n`).get({ start, end }) as { n: number }).n;
  const inPeriod = count('WHERE at >= @start AND at < @end');
  if (inPeriod * 4 < count('')) return build(key, db.prepare(PERIOD_SQL).raw(true).all({ start, end }) as [string, number, string][], tupleMapper(ws));
  const whole = build(key, db.prepare(ORPHANS_SQL).raw(true).all() as [string, number, string][], tupleMapper(ws));
  cache.set(db, whole);
  return whole;
}

/** The period's non-converting paths, identical ones counted once with their number. */
export function nonConvertingPaths(ws: Workspace, from: string, to: string, stateOf: (tupleId: number) => string): NullPath[] {
  const { start, end } = periodRange(from, to, ws.settings.timeZone);
  const o = orphansFor(ws, start, end);
  const paths = new Map<string, { states: string[]; count: number }>();
  for (let i = 0; i < o.n; ) {
    const who = o.who[i]!;
    const states: string[] = [];
    for (; i < o.n && o.who[i] === who; i++) {
      const at = o.at[i]!;
      if (at >= start && at < end && o.tuple[i]! >= 0) states.push(stateOf(o.tuple[i]!));
    }
    if (states.length === 0) continue;
    const k = states.join('\u0000');
    const p = paths.get(k);
    if (p) p.count++;
    else paths.set(k, { states, count: 1 });
  }
  return [...paths.values()];
}
