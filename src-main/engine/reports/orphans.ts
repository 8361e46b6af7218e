// Non-converting paths for the Markov model (REPORTS.md "Models"): the touch sequences of phones
// and e-mails that have no CRM record at all. Which values those are does not depend on the
// period, so they are found once per attribution state — one pass over the identity index, in
// SQLite — and kept as compact arrays ordered by value and time; a period then only filters by
// time and counts identical paths (a year of the large demo: ~17 s per period before, now the
// first period pays a few seconds and the next ones milliseconds).
import { makeNormaliser } from '@shared/normalise';
import { periodRange } from '@shared/time';
import type { Db } from '../db/open';
import type { Workspace } from '../workspace';
import { attributionGeneration } from '../attribution/materialise';
import type { NullPath } from '../attribution/markov';
import type { TupleMap } from './query';

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

const DIMS = (t: string) => `json_array(${t}.source, ${t}.medium, ${t}.campaign, ${t}.content, ${t}.term)`;

function orphans(ws: Workspace, tuples: TupleMap): Orphans {
  const db = ws.db;
  const key = `${attributionGeneration(db)}:${db.pragma('data_version', { simple: true }) as number}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit;

  const norm = makeNormaliser(ws.settings.normalisation);
  const idByDims = new Map<string, number>();
  for (const [id, d] of tuples) idByDims.set(JSON.stringify([d.source, d.medium, d.campaign, d.content, d.term]), id);
  const tupleOfRaw = new Map<string, number>();
  const tupleOf = (raw: string): number => {
    let id = tupleOfRaw.get(raw);
    if (id === undefined) {
      const [source, medium, campaign, content, term] = JSON.parse(raw) as (string | null)[];
      const d = norm.dims({ source, medium, campaign, content, term });
      id = idByDims.get(JSON.stringify([d.source, d.medium, d.campaign, d.content, d.term])) ?? -1;
      tupleOfRaw.set(raw, id);
    }
    return id;
  };
  const rows = db
    .prepare(
      `WITH orphan AS (SELECT value FROM ident GROUP BY value HAVING max(owner IN ('lead', 'contact')) = 0)
       SELECT o.value, c.at, ${DIMS('c')} FROM orphan o
         JOIN ident i ON i.value = o.value AND i.owner = 'call' JOIN ct_call c ON c.id = i.owner_id
       UNION ALL
       SELECT o.value, r.at, ${DIMS('r')} FROM orphan o
         JOIN ident i ON i.value = o.value AND i.owner = 'request' JOIN ct_request r ON r.id = i.owner_id
       ORDER BY 1, 2`,
    )
    .raw(true)
    .all() as [string, number, string][];
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
  cache.set(db, o);
  return o;
}

/** The period's non-converting paths, identical ones counted once with their number. */
export function nonConvertingPaths(ws: Workspace, from: string, to: string, tuples: TupleMap, stateOf: (tupleId: number) => string): NullPath[] {
  const o = orphans(ws, tuples);
  const { start, end } = periodRange(from, to, ws.settings.timeZone);
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
