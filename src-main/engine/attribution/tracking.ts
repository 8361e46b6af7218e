// Calls and requests per (day, tuple, site) by their own dimensions — not attributed, counted once.
import type { Db } from '../db/open';
import type { DayCalendar, TupleDict } from './tuples';

interface TrackRow {
  at: number;
  site_id: number;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  ut: number;
}

type Counts = [number, number, number, number];

/** Rebuilds rollup_tracking for the given days (null = everything). Call inside a transaction. */
export function rebuildTracking(db: Db, tuples: TupleDict, cal: DayCalendar, days: number[] | null): void {
  // 1) count by raw dims (no writes while a SELECT iterates)
  const raw = new Map<string, { r: TrackRow; day: number; c: Counts }>();
  const add = (r: TrackRow, isCall: boolean) => {
    const day = cal.day(r.at);
    const k = `${day}\u0001${r.site_id}\u0001${r.source}\u0001${r.medium}\u0001${r.campaign}\u0001${r.content}\u0001${r.term}`;
    let a = raw.get(k);
    if (!a) raw.set(k, (a = { r, day, c: [0, 0, 0, 0] }));
    if (isCall) {
      a.c[0]++;
      a.c[1] += r.ut;
    } else {
      a.c[2]++;
      a.c[3] += r.ut;
    }
  };
  const cols = 'at, site_id, source, medium, campaign, content, term';
  if (days === null) {
    db.exec('DELETE FROM rollup_tracking');
    for (const r of db.prepare(`SELECT ${cols}, uniq_target_call AS ut FROM ct_call`).iterate() as IterableIterator<TrackRow>) add(r, true);
    for (const r of db.prepare(`SELECT ${cols}, uniq_target_request AS ut FROM ct_request`).iterate() as IterableIterator<TrackRow>) add(r, false);
  } else {
    const calls = db.prepare(`SELECT ${cols}, uniq_target_call AS ut FROM ct_call WHERE at >= ? AND at < ?`);
    const reqs = db.prepare(`SELECT ${cols}, uniq_target_request AS ut FROM ct_request WHERE at >= ? AND at < ?`);
    const del = db.prepare('DELETE FROM rollup_tracking WHERE day = ?');
    for (const day of days) {
      const [s, e] = cal.range(day);
      del.run(day);
      for (const r of calls.all(s, e) as TrackRow[]) add(r, true);
      for (const r of reqs.all(s, e) as TrackRow[]) add(r, false);
    }
  }
  // 2) normalise to tuples (several raw spellings can merge into one tuple), then write
  const merged = new Map<string, { day: number; tuple: number; site: number; c: Counts }>();
  for (const { r, day, c } of raw.values()) {
    const tuple = tuples.idOfRaw(r);
    const k = `${day}:${tuple}:${r.site_id}`;
    const m = merged.get(k);
    if (!m) merged.set(k, { day, tuple, site: r.site_id, c: [...c] });
    else for (let i = 0; i < 4; i++) m.c[i]! += c[i]!;
  }
  const ins = db.prepare(
    'INSERT INTO rollup_tracking (day, tuple_id, site_id, calls, ut_calls, requests, ut_requests) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const m of merged.values()) ins.run(m.day, m.tuple, m.site, ...m.c);
}
