// Visit rows and what the screen sees: one state per visit, derived from its outbox rows.
//   cancelled                         when the visit was cancelled
//   the pending update's state        when the create is sent and a later update is not (yet)
//   the Calltouch create's state      otherwise
import type { Db } from '../db/open';
import { prepared } from '../sources/sql';
import { VISIT_STATES, type Visit, type VisitCounts, type VisitState } from '@shared/contract';

export interface VisitRow {
  id: number;
  order_number: string;
  site_id: number | null;
  name: string | null;
  phones: string;
  emails: string;
  at: number;
  revenue: string;
  status: string;
  tags: string;
  comment: string;
  create_in_b24: number;
  b24_entity: 'lead' | 'deal' | null;
  b24_id: number | null;
  cancelled: number;
  created_at: number;
  updated_at: number;
  status_at: number | null;
}

interface ListedRow extends VisitRow {
  state: VisitState;
  c_attempts: number | null;
  c_error: string | null;
  c_next: number | null;
  c_remote: string | null;
  c_sent: number | null;
  c_verify: number | null;
  c_state: VisitState | null;
  u_error: string | null;
  u_next: number | null;
  u_attempts: number | null;
  b_state: VisitState | null;
  b_verify: number | null;
}

/** Each visit with its derived state and the columns of its latest outbox rows (`where` filters visits). */
const latest = (target: string, op: string | null) =>
  `(SELECT id FROM outbox WHERE visit_id = v.id AND target = '${target}'${op ? ` AND op = '${op}'` : ''} ORDER BY id DESC LIMIT 1)`;

const STATE = `CASE WHEN v.cancelled = 1 THEN 'cancelled'
           WHEN c.state = 'sent' AND u.state IS NOT NULL AND u.state NOT IN ('sent', 'cancelled') THEN u.state
           ELSE coalesce(c.state, 'queued') END`;

function listedSql(where = ''): string {
  return `
  WITH listed AS (
    SELECT v.*,
      ${STATE} AS state,
      c.attempts AS c_attempts, c.last_error AS c_error, c.next_at AS c_next, c.remote_id AS c_remote,
      c.sent_at AS c_sent, c.verify AS c_verify, c.state AS c_state,
      u.last_error AS u_error, u.next_at AS u_next, u.attempts AS u_attempts,
      b.state AS b_state, b.verify AS b_verify
    FROM visit v
    LEFT JOIN outbox c ON c.id = ${latest('calltouch', 'create')}
    LEFT JOIN outbox u ON u.id = ${latest('calltouch', 'update')}
    LEFT JOIN outbox b ON b.id = ${latest('bitrix24', null)}
    ${where}
  )`;
}
const LISTED = listedSql();
const LISTED_ONE = listedSql('WHERE v.id = ?');

function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || ms === 0 ? null : new Date(ms).toISOString();
}

function jsonList(s: string): string[] {
  try {
    const v = JSON.parse(s) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function phonesOf(v: VisitRow): string[] {
  return jsonList(v.phones);
}
export function emailsOf(v: VisitRow): string[] {
  return jsonList(v.emails);
}
export function tagsOf(v: VisitRow): string[] {
  return jsonList(v.tags);
}

function toVisit(r: ListedRow): Visit {
  const pendingUpdate = r.c_state === 'sent' && r.state !== 'sent' && r.state !== 'cancelled';
  const error = pendingUpdate ? r.u_error : r.c_error;
  const next = pendingUpdate ? r.u_next : r.c_next;
  const retrying = r.state === 'failed' || (r.state === 'queued' && (r.c_verify ?? 0) === 1);
  const out = (state: VisitState | null, verify: number | null) => state === 'sending' || state === 'sent' || verify === 1;
  return {
    id: r.id,
    orderNumber: r.order_number,
    siteId: r.site_id,
    name: r.name ?? '',
    phones: phonesOf(r),
    emails: emailsOf(r),
    at: new Date(r.at).toISOString(),
    revenue: r.revenue,
    status: r.status,
    tags: tagsOf(r),
    comment: r.comment,
    state: r.state,
    attempts: (r.c_attempts ?? 0) + (r.u_attempts ?? 0),
    lastError: error ?? null,
    nextAttemptAt: retrying ? iso(next) : null,
    calltouchOrderId: r.c_remote ?? null,
    sentAt: iso(r.c_sent),
    createdAt: new Date(r.created_at).toISOString(),
    bitrix24:
      r.create_in_b24 === 1 || r.b_state !== null
        ? { entity: r.b24_entity ?? 'lead', id: r.b24_id, state: r.b_state ?? 'queued' }
        : null,
    cancellable: r.cancelled === 0 && !out(r.c_state, r.c_verify) && !out(r.b_state, r.b_verify),
  };
}

export function getVisitRow(db: Db, id: number): VisitRow | undefined {
  return prepared(db, 'SELECT * FROM visit WHERE id = ?').get(id) as VisitRow | undefined;
}

export function getVisit(db: Db, id: number): Visit | undefined {
  const r = prepared(db, `${LISTED_ONE} SELECT * FROM listed`).get(id) as ListedRow | undefined;
  return r ? toVisit(r) : undefined;
}

export interface ListQuery {
  states?: VisitState[];
  search?: string;
  offset: number;
  limit: number;
}

const withLower = new WeakSet<Db>();

/** SQLite's lower() knows ASCII only; search needs «Петрова» = «петрова». */
function unicodeLower(db: Db): void {
  if (withLower.has(db)) return;
  db.function('skvoz_lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v));
  withLower.add(db);
}

export function listVisits(db: Db, q: ListQuery): { total: number; items: Visit[] } {
  unicodeLower(db);
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.states && q.states.length > 0) {
    where.push(`state IN (${q.states.map(() => '?').join(', ')})`);
    args.push(...q.states);
  }
  const search = q.search?.trim();
  if (search) {
    const digits = search.replace(/\D/g, '');
    const like = `%${search.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const parts = [
      "skvoz_lower(coalesce(name, '')) LIKE ? ESCAPE '\\'",
      "emails LIKE ? ESCAPE '\\'",
      "order_number LIKE ? ESCAPE '\\'",
      "skvoz_lower(status) LIKE ? ESCAPE '\\'",
    ];
    args.push(like, like, like, like);
    if (digits.length >= 3) {
      parts.push('phones LIKE ?');
      args.push(`%${digits}%`);
    }
    where.push(`(${parts.join(' OR ')})`);
  }
  const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = (db.prepare(`${LISTED} SELECT count(*) AS n FROM listed ${w}`).get(...args) as { n: number }).n;
  const rows = db.prepare(`${LISTED} SELECT * FROM listed ${w} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`).all(...args, q.limit, q.offset) as ListedRow[];
  return { total, items: rows.map(toVisit) };
}

export function visitCounts(db: Db): VisitCounts {
  const counts = Object.fromEntries(VISIT_STATES.map((s) => [s, 0])) as VisitCounts;
  const rows = prepared(
    db,
    `SELECT state, count(*) AS n, sum(erred) AS erred FROM (
       SELECT ${STATE} AS state,
              (CASE WHEN c.state = 'sent' AND u.state IS NOT NULL AND u.state NOT IN ('sent', 'cancelled') THEN u.last_error ELSE c.last_error END) IS NOT NULL AS erred
         FROM visit v
       LEFT JOIN outbox c ON c.id = ${latest('calltouch', 'create')}
       LEFT JOIN outbox u ON u.id = ${latest('calltouch', 'update')}
     ) GROUP BY state`,
  ).all() as { state: VisitState; n: number; erred: number | null }[];
  let queuedWithError = 0;
  for (const r of rows) {
    counts[r.state] = r.n;
    if (r.state === 'queued') queuedWithError = r.erred ?? 0;
  }
  // a queued visit whose last attempt said what is wrong (no token, no site) is «с ошибками»
  counts.withErrors = counts.failed + counts.rejected + queuedWithError;
  counts.queuedWithError = queuedWithError;
  return counts;
}

/** Recently used statuses for the form's suggestions («Визит» always among them). */
export function recentStatuses(db: Db, limit = 10): string[] {
  const rows = prepared(db, 'SELECT status FROM visit GROUP BY status ORDER BY max(updated_at) DESC, max(id) DESC LIMIT ?').all(limit) as { status: string }[];
  const out = rows.map((r) => r.status);
  if (!out.includes('Визит')) out.push('Визит');
  return out;
}
