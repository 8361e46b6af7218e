// Offline visits: form → visit row + outbox rows in one transaction (durable), sender → Calltouch
// (and Bitrix24). The visit and its phones/e-mails (ident, owner 'visit') are in the reports at
// once; sending is a separate, resumable step (`send`).
import { randomUUID } from 'node:crypto';
import type { Visit, VisitCounts, VisitList, VisitParsed, VisitPreview } from '@shared/contract';
import type { z } from 'zod';
import type { VisitListSchema, VisitPreviewSchema, VisitUpdateSchema } from '@shared/visits-schema';
import type { Workspace } from '../workspace';
import type { SecretProvider } from '../secrets';
import type { SourceOverrides } from '../sync/orchestrator';
import { SkvozError, notFound } from '../errors';
import { createLogger, type Logger } from '../log';
import { deleteIdentities, replaceIdentities } from '../sources/sql';
import { Outbox, type OutboxRow } from './outbox';
import { getVisit, getVisitRow, listVisits, recentStatuses, visitCounts, emailsOf, phonesOf } from './records';
import { previewMatch } from './preview';
import { CalltouchSender, defaultTuning, knownSites, siteTimeZone, type SendStats, type SenderTuning } from './sender';
import { Bitrix24Sender } from './bitrix24-create';

export interface VisitDeps {
  secrets: SecretProvider;
  overrides: SourceOverrides;
  now: () => number;
  changed: (counts: VisitCounts) => void;
  /** sender timings (CLI and tests); defaults suit the real APIs */
  tuning?: Partial<SenderTuning>;
  log?: Logger;
}

export type SendResult = SendStats & { bitrix24: { attempted: number; sent: number; failed: number; rejected: number } };

function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Anything that may already be in the remote system. */
function mayBeRemote(r: OutboxRow | undefined): boolean {
  return r !== undefined && (r.state === 'sending' || r.state === 'sent' || r.verify === 1);
}

const CONTACT_FIELDS = ['phones', 'emails', 'name', 'at', 'siteId'] as const;

export class VisitService {
  private readonly outbox: Outbox;
  private readonly log: Logger;
  private running: Promise<SendResult> | null = null;

  constructor(
    readonly ws: Workspace,
    readonly deps: VisitDeps,
  ) {
    this.outbox = new Outbox(ws.db);
    this.log = deps.log ?? createLogger('visits');
  }

  private emit(): void {
    this.deps.changed(visitCounts(this.ws.db));
  }

  counts(): VisitCounts {
    return visitCounts(this.ws.db);
  }

  create(input: VisitParsed): Visit {
    const db = this.ws.db;
    const now = this.deps.now();
    const at = Date.parse(input.at);
    const siteId = input.siteId ?? knownSites(this.ws, this.deps.overrides)[0] ?? null;
    const orderNumber = `skvoz-${randomUUID()}`;
    const b24 = input.createInBitrix24;
    const id = db.transaction(() => {
      const r = db
        .prepare(
          `INSERT INTO visit (order_number, site_id, name, phones, emails, at, revenue, status, tags, comment,
             create_in_b24, b24_entity, cancelled, created_at, updated_at, status_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
        )
        .run(
          orderNumber, siteId, input.name, JSON.stringify(input.phones), JSON.stringify(input.emails), at, input.revenue,
          input.status, JSON.stringify(input.tags), input.comment, b24 ? 1 : 0, b24 ? this.ws.settings.visits.bitrix24Entity : null,
          now, now, at,
        );
      const visitId = Number(r.lastInsertRowid);
      replaceIdentities(db, 'visit', visitId, { phones: input.phones, emails: input.emails });
      this.outbox.enqueue({ target: 'calltouch', op: 'create', visitId, orderNumber, siteId, now });
      if (b24) this.outbox.enqueue({ target: 'bitrix24', op: 'create', visitId, orderNumber, siteId: null, now });
      return visitId;
    })();
    this.emit();
    return this.mustGet(id);
  }

  list(q: z.output<typeof VisitListSchema>): VisitList {
    const { total, items } = listVisits(this.ws.db, q);
    return { total, items, counts: visitCounts(this.ws.db), recentStatuses: recentStatuses(this.ws.db) };
  }

  preview(q: z.output<typeof VisitPreviewSchema>): VisitPreview {
    const tz = q.siteId === null ? this.ws.settings.timeZone : siteTimeZone(this.ws, q.siteId);
    return previewMatch(this.ws.db, q, this.ws.settings, tz);
  }

  update(q: z.output<typeof VisitUpdateSchema>): Visit {
    const db = this.ws.db;
    const now = this.deps.now();
    db.transaction(() => {
      const v = getVisitRow(db, q.id);
      if (!v) throw notFound('Визит не найден.');
      if (v.cancelled) throw new SkvozError('conflict', 'Визит отменён — изменить его нельзя.');
      const ct = this.outbox.latest(v.id, 'calltouch', 'create');
      const b24 = this.outbox.latest(v.id, 'bitrix24', 'create');
      const remote = mayBeRemote(ct) || mayBeRemote(b24);
      const current = { phones: phonesOf(v), emails: emailsOf(v), name: v.name ?? '', at: v.at, siteId: v.site_id };
      const wanted = { ...current, ...stripUndefined({ phones: q.phones, emails: q.emails, name: q.name, siteId: q.siteId }) };
      if (q.at !== undefined) wanted.at = Date.parse(q.at);
      const touchesContacts = CONTACT_FIELDS.some((k) => JSON.stringify(wanted[k]) !== JSON.stringify(current[k]));
      if (touchesContacts && remote) {
        throw new SkvozError(
          'conflict',
          'Визит уже передан (или передаётся) — телефоны, e-mail, имя, дату и кабинет изменить нельзя. Статус, выручку, теги и комментарий — можно.',
        );
      }
      const { phones, emails } = wanted;
      if (phones.length === 0 && emails.length === 0) {
        throw new SkvozError('invalid_input', 'Укажите хотя бы один телефон или e-mail', { phones: 'Укажите хотя бы один телефон или e-mail' });
      }
      const status = q.status ?? v.status;
      // a status never changed since the visit was recorded is dated by the visit (which may move)
      const statusAt = status !== v.status ? now : v.status_at === null || v.status_at === v.at ? wanted.at : v.status_at;
      const next = {
        name: wanted.name,
        at: wanted.at,
        siteId: wanted.siteId,
        revenue: q.revenue ?? v.revenue,
        comment: q.comment ?? v.comment,
        tags: q.tags !== undefined ? JSON.stringify(q.tags) : v.tags,
      };
      const ctChanged = status !== v.status || next.revenue !== v.revenue || next.comment !== v.comment || next.tags !== v.tags;
      db.prepare(
        `UPDATE visit SET name = ?, phones = ?, emails = ?, at = ?, site_id = ?, revenue = ?, status = ?, status_at = ?,
           tags = ?, comment = ?, updated_at = ? WHERE id = ?`,
      ).run(next.name, JSON.stringify(phones), JSON.stringify(emails), next.at, next.siteId, next.revenue, status, statusAt, next.tags, next.comment, now, v.id);
      replaceIdentities(db, 'visit', v.id, { phones, emails });
      if (ct && mayBeRemote(ct)) {
        if (ctChanged) this.queueUpdate(v.id, v.order_number, ct.site_id, now);
      } else if (ct) {
        // not out yet: the create carries the new values; a rejected one is sent again
        if (next.siteId !== v.site_id) db.prepare('UPDATE outbox SET site_id = ? WHERE id = ?').run(next.siteId, ct.id);
        if (ct.state === 'rejected') this.outbox.retryNow([ct.id], now);
        // a concurrent sender that read the old values before claiming will now fail to claim
        db.prepare('UPDATE outbox SET updated_at = ? WHERE id = ?').run(now, ct.id);
      }
      if (b24 && !mayBeRemote(b24) && b24.state === 'rejected') this.outbox.retryNow([b24.id], now);
    })();
    this.emit();
    return this.mustGet(q.id);
  }

  private queueUpdate(visitId: number, orderNumber: string, siteId: number | null, now: number): void {
    const u = this.outbox.latest(visitId, 'calltouch', 'update');
    if (u && (u.state === 'queued' || u.state === 'failed' || u.state === 'rejected')) {
      this.outbox.retryNow([u.id], now);
      this.ws.db.prepare('UPDATE outbox SET updated_at = ? WHERE id = ?').run(now, u.id);
    } else {
      this.outbox.enqueue({ target: 'calltouch', op: 'update', visitId, orderNumber, siteId, now });
    }
  }

  cancel(id: number): Visit {
    const db = this.ws.db;
    const now = this.deps.now();
    db.transaction(() => {
      const v = getVisitRow(db, id);
      if (!v) throw notFound('Визит не найден.');
      if (v.cancelled) return;
      const rows = db.prepare("SELECT * FROM outbox WHERE visit_id = ? AND state != 'cancelled'").all(id) as OutboxRow[];
      const refuse = () =>
        new SkvozError('conflict', 'Визит уже отправлен или отправляется — отменить можно только до отправки.');
      if (rows.some((r) => mayBeRemote(r))) throw refuse();
      for (const r of rows) if (!this.outbox.cancel(r.id, now)) throw refuse();
      db.prepare('UPDATE visit SET cancelled = 1, updated_at = ? WHERE id = ?').run(now, id);
      deleteIdentities(db, 'visit', id);
    })();
    this.emit();
    return this.mustGet(id);
  }

  retry(id: number): Visit {
    const db = this.ws.db;
    const v = getVisitRow(db, id);
    if (!v) throw notFound('Визит не найден.');
    if (v.cancelled) throw new SkvozError('conflict', 'Визит отменён.');
    const ids = db
      .prepare("SELECT id FROM outbox WHERE visit_id = ? AND state IN ('failed', 'rejected', 'queued')")
      .pluck()
      .all(id) as number[];
    this.outbox.retryNow(ids, this.deps.now());
    this.emit();
    return this.mustGet(id);
  }

  /**
   * One sending pass over everything due (Calltouch, then Bitrix24). Concurrent calls share the
   * pass in progress. Never throws for delivery problems: they are written to the rows.
   */
  send(signal?: AbortSignal): Promise<SendResult> {
    this.running ??= this.sendPass(signal).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sendPass(signal?: AbortSignal): Promise<SendResult> {
    const senderDeps = {
      ws: this.ws,
      secrets: this.deps.secrets,
      overrides: this.deps.overrides,
      now: this.deps.now,
      tuning: defaultTuning(this.deps.tuning),
      log: this.log,
      signal,
      changed: () => this.emit(),
    };
    const stats = await new CalltouchSender(senderDeps).run();
    const b24 = await new Bitrix24Sender(senderDeps).run();
    this.emit();
    if (stats.attempted || stats.reconciled) {
      this.log.info(
        `отправка: попыток ${stats.attempted}, отправлено ${stats.sent}, ошибок ${stats.failed}, отклонено ${stats.rejected}, сверено ${stats.reconciled}`,
      );
    }
    return { ...stats, bitrix24: b24 };
  }

  private mustGet(id: number): Visit {
    const v = getVisit(this.ws.db, id);
    if (!v) throw notFound('Визит не найден.');
    return v;
  }
}
