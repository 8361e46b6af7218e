// The durable outbox (tables in migrations 0003/0004). One row per message to an external system.
//
//   queued ──claim──▶ sending ──▶ sent (remote id)
//     ▲                  │  ├───▶ rejected (the server refused the content; needs the user)
//     │                  │  └───▶ failed (next_at; verify=1 when it may have arrived)
//     │                  └─ crash / kill: stays 'sending' → reconciled after `settleMs`
//     ├── failed, verify=0, due ─────────────────────────────── sent again
//     └── failed|queued, verify=1, due ─▶ reconcile (look it up) ─▶ sent | verify=0 → sent again
//   queued|failed|rejected (verify=0) ──cancel──▶ cancelled
//
// Every transition is one UPDATE guarded by the expected state and updated_at (compare-and-set),
// so two senders (the app and the CLI on one workspace) never send the same row: whoever flips it
// to 'sending' owns it, and only the owner writes its outcome. A row whose owner died is taken
// over only after `settleMs`, longer than any request may last.
import type { Db } from '../db/open';
import { prepared } from '../sources/sql';
import type { VisitState } from '@shared/contract';

export type Target = 'calltouch' | 'bitrix24';
export type Op = 'create' | 'update';

export interface OutboxRow {
  id: number;
  target: Target;
  op: Op;
  visit_id: number | null;
  b24_deal_id: number | null;
  order_number: string;
  site_id: number | null;
  state: VisitState;
  attempts: number;
  next_at: number;
  last_error: string | null;
  remote_id: string | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
  verify: number;
  payload: string | null;
}

export interface EnqueueInput {
  target: Target;
  op: Op;
  visitId?: number | null;
  dealId?: number | null;
  orderNumber: string;
  siteId: number | null;
  now: number;
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
  random: () => number;
}

/** Exponential backoff with ±25 % jitter: base, 2·base, 4·base … up to max. */
export function backoffMs(attempts: number, b: Backoff): number {
  const raw = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.round(raw * (0.75 + b.random() * 0.5));
}

export class Outbox {
  constructor(private readonly db: Db) {}

  enqueue(e: EnqueueInput): number {
    const r = prepared(
      this.db,
      `INSERT INTO outbox (target, op, visit_id, b24_deal_id, order_number, site_id, state, next_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)`,
    ).run(e.target, e.op, e.visitId ?? null, e.dealId ?? null, e.orderNumber, e.siteId, e.now, e.now);
    return Number(r.lastInsertRowid);
  }

  get(id: number): OutboxRow | undefined {
    return prepared(this.db, 'SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
  }

  /** The latest row of a visit for a target and op. */
  latest(visitId: number, target: Target, op: Op): OutboxRow | undefined {
    return prepared(this.db, 'SELECT * FROM outbox WHERE visit_id = ? AND target = ? AND op = ? ORDER BY id DESC LIMIT 1').get(
      visitId,
      target,
      op,
    ) as OutboxRow | undefined;
  }

  /** Rows ready to be sent as they are: queued or failed, nothing to verify, due. */
  due(target: Target, op: Op, now: number, siteId?: number): OutboxRow[] {
    const site = siteId === undefined ? '' : ' AND site_id = ?';
    const args: (string | number)[] = [target, op, now];
    if (siteId !== undefined) args.push(siteId);
    return prepared(
      this.db,
      `SELECT * FROM outbox WHERE target = ? AND op = ? AND state IN ('queued', 'failed') AND verify = 0 AND next_at <= ?${site} ORDER BY id`,
    ).all(...args) as OutboxRow[];
  }

  /** Rows whose fate is unknown: left 'sending' longer than `settleMs`, or due and flagged verify. */
  toVerify(target: Target, now: number, settleMs: number): OutboxRow[] {
    return prepared(
      this.db,
      `SELECT * FROM outbox WHERE target = ? AND (
         (state = 'sending' AND updated_at <= ?) OR
         (state IN ('queued', 'failed') AND verify = 1 AND next_at <= ?)
       ) ORDER BY id`,
    ).all(target, now - settleMs, now) as OutboxRow[];
  }

  /**
   * Takes rows for sending, written BEFORE the request together with what the request carries
   * (`payloads`, by row id). Returns the ids this caller now owns.
   */
  claim(rows: readonly OutboxRow[], now: number, payloads: ReadonlyMap<number, string>): Set<number> {
    const st = prepared(
      this.db,
      `UPDATE outbox SET state = 'sending', verify = 1, attempts = attempts + 1, payload = coalesce(?, payload), updated_at = ?
       WHERE id = ? AND state = ? AND updated_at = ? AND verify = ?`,
    );
    const owned = new Set<number>();
    this.db.transaction(() => {
      for (const r of rows) {
        if (st.run(payloads.get(r.id) ?? null, now, r.id, r.state, r.updated_at, r.verify).changes === 1) owned.add(r.id);
      }
    })();
    return owned;
  }

  /** Takes unknown-fate rows for reconciliation (they stay 'sending' with a fresh timestamp). */
  claimForVerify(rows: readonly OutboxRow[], now: number): Set<number> {
    const st = prepared(this.db, `UPDATE outbox SET state = 'sending', verify = 1, updated_at = ? WHERE id = ? AND state = ? AND updated_at = ?`);
    const owned = new Set<number>();
    this.db.transaction(() => {
      for (const r of rows) if (st.run(now, r.id, r.state, r.updated_at).changes === 1) owned.add(r.id);
    })();
    return owned;
  }

  // The outcome of a claimed row is written only by its owner: `claimedAt` is the updated_at the
  // claim wrote; if another sender took the row over in between (it looked abandoned), nothing
  // is written here and the new owner decides.

  sent(id: number, remoteId: string | null, payload: string | null, now: number, claimedAt: number): boolean {
    return (
      prepared(
        this.db,
        `UPDATE outbox SET state = 'sent', verify = 0, remote_id = coalesce(?, remote_id), payload = coalesce(?, payload),
           last_error = NULL, next_at = 0, sent_at = ?, updated_at = ? WHERE id = ? AND state = 'sending' AND updated_at = ?`,
      ).run(remoteId, payload, now, now, id, claimedAt).changes === 1
    );
  }

  failed(id: number, error: string, nextAt: number, verify: boolean, now: number, claimedAt: number): boolean {
    return (
      prepared(
        this.db,
        `UPDATE outbox SET state = 'failed', verify = ?, last_error = ?, next_at = ?, updated_at = ?
         WHERE id = ? AND state = 'sending' AND updated_at = ?`,
      ).run(verify ? 1 : 0, error, nextAt, now, id, claimedAt).changes === 1
    );
  }

  rejected(id: number, error: string, now: number, claimedAt: number): boolean {
    return (
      prepared(
        this.db,
        `UPDATE outbox SET state = 'rejected', verify = 0, last_error = ?, next_at = 0, updated_at = ?
         WHERE id = ? AND state = 'sending' AND updated_at = ?`,
      ).run(error, now, id, claimedAt).changes === 1
    );
  }

  /** After a lookup proved the message did not arrive: back to the queue, sendable at once. */
  notFound(id: number, now: number, claimedAt: number): boolean {
    return (
      prepared(
        this.db,
        `UPDATE outbox SET state = 'queued', verify = 0, next_at = 0, updated_at = ? WHERE id = ? AND state = 'sending' AND updated_at = ?`,
      ).run(now, id, claimedAt).changes === 1
    );
  }

  /** Extends a claim (before a further request on the same row); false when it was taken over. */
  renew(id: number, now: number, claimedAt: number, verify?: boolean): boolean {
    return (
      prepared(
        this.db,
        `UPDATE outbox SET updated_at = ?, verify = coalesce(?, verify) WHERE id = ? AND state = 'sending' AND updated_at = ?`,
      ).run(now, verify === undefined ? null : verify ? 1 : 0, id, claimedAt).changes === 1
    );
  }

  /** Keeps a row where it is but tells the user why it does not move (no token, no site). */
  note(ids: readonly number[], error: string, now: number): void {
    const st = prepared(
      this.db,
      `UPDATE outbox SET last_error = ?, updated_at = ? WHERE id = ? AND state IN ('queued', 'failed') AND last_error IS NOT ?`,
    );
    this.db.transaction(() => {
      for (const id of ids) st.run(error, now, id, error);
    })();
  }

  /** Retry now: failed or rejected rows become due (an unverified row is still looked up first). */
  retryNow(ids: readonly number[], now: number): number {
    const st = prepared(
      this.db,
      `UPDATE outbox SET state = 'queued', next_at = 0, last_error = NULL, updated_at = ? WHERE id = ? AND state IN ('queued', 'failed', 'rejected')`,
    );
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) n += st.run(now, id).changes;
    })();
    return n;
  }

  cancel(id: number, now: number): boolean {
    return (
      prepared(
        this.db,
        `UPDATE outbox SET state = 'cancelled', next_at = 0, updated_at = ? WHERE id = ? AND state IN ('queued', 'failed', 'rejected') AND verify = 0`,
      ).run(now, id).changes === 1
    );
  }

  /** Gives a row without a Calltouch site the default one (and its visit, so the screen shows it). */
  setSite(id: number, siteId: number, now: number): void {
    const r = prepared(this.db, `UPDATE outbox SET site_id = ?, updated_at = ? WHERE id = ? AND site_id IS NULL AND state IN ('queued', 'failed')`).run(
      siteId,
      now,
      id,
    );
    if (r.changes) {
      prepared(this.db, 'UPDATE visit SET site_id = ? WHERE id = (SELECT visit_id FROM outbox WHERE id = ?) AND site_id IS NULL').run(siteId, id);
    }
  }

  /** The remote id and payload of the last successful send of an order (create or update). */
  lastSent(orderNumber: string, target: Target): OutboxRow | undefined {
    return prepared(
      this.db,
      "SELECT * FROM outbox WHERE order_number = ? AND target = ? AND state = 'sent' ORDER BY sent_at DESC, id DESC LIMIT 1",
    ).get(orderNumber, target) as OutboxRow | undefined;
  }

  /** Is the create of this order known to be in the remote system? */
  createSent(orderNumber: string, target: Target): boolean {
    return (
      prepared(this.db, "SELECT 1 FROM outbox WHERE order_number = ? AND target = ? AND op = 'create' AND state = 'sent' LIMIT 1").get(
        orderNumber,
        target,
      ) !== undefined
    );
  }
}
