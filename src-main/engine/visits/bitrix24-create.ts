// Optional Bitrix24 creation of an offline visit (issue 7 item 4; reference/bitrix24.md §11):
//   lead: crm.lead.add with UTM_* = the offline-visit source, PHONE/EMAIL, ORIGINATOR_ID + ORIGIN_ID
//   deal: the client's contact (crm.duplicate.findbycomm, else crm.contact.add), then crm.deal.add
//   then crm.tracking.trace.add with a trace built from the same UTMs.
// Same outbox guarantees as Calltouch: the row is 'sending' before each *.add; after an ambiguous
// failure the entity is looked up by ORIGINATOR_ID + ORIGIN_ID (the visit's order number) before
// anything is created again (§11.4). Once the entity exists its id is kept on the row (remote_id)
// and only the trace step is left; a trace re-sent after a lost answer may exist twice (harmless).
import type { Settings } from '@shared/contract';
import { B24ApiError } from '../sources/bitrix24/api-error';
import { B24Client } from '../sources/bitrix24/client';
import { parseWebhook } from '../sources/bitrix24/webhook';
import { SkvozError } from '../errors';
import { prepared } from '../sources/sql';
import { Outbox, backoffMs, type OutboxRow } from './outbox';
import { emailsOf, getVisitRow, phonesOf, type VisitRow } from './records';
import type { SenderDeps } from './sender';

export const ORIGINATOR_ID = 'skvoz';

export interface B24Stats {
  attempted: number;
  sent: number;
  failed: number;
  rejected: number;
}

interface Progress {
  contactId?: number;
}

type Step = 'next' | 'stop';

function multi(values: readonly string[]): { VALUE: string; VALUE_TYPE: string }[] {
  return values.map((v) => ({ VALUE: v, VALUE_TYPE: 'WORK' }));
}

export function traceOf(settings: Settings): string {
  const cs = settings.visits.customSource;
  return JSON.stringify({ tags: { list: { utm_source: cs.source, utm_medium: cs.medium, utm_campaign: cs.campaign } } });
}

/** Fields of crm.lead.add / crm.deal.add for a visit (without CONTACT_ID). */
export function entityFields(v: VisitRow, settings: Settings, entity: 'lead' | 'deal'): Record<string, unknown> {
  const cs = settings.visits.customSource;
  const name = v.name?.trim() ?? '';
  const fields: Record<string, unknown> = {
    TITLE: name ? `Офлайн-визит: ${name}` : 'Офлайн-визит',
    SOURCE_DESCRIPTION: 'Офлайн-визит (Skvoz)',
    UTM_SOURCE: cs.source,
    UTM_MEDIUM: cs.medium,
    UTM_CAMPAIGN: cs.campaign,
    OPPORTUNITY: v.revenue,
    CURRENCY_ID: settings.currency,
    COMMENTS: v.comment,
    ORIGINATOR_ID,
    ORIGIN_ID: v.order_number,
  };
  if (entity === 'lead') {
    if (name) fields.NAME = name;
    if (phonesOf(v).length) fields.PHONE = multi(phonesOf(v));
    if (emailsOf(v).length) fields.EMAIL = multi(emailsOf(v));
  }
  return fields;
}

function idOf(result: unknown): number | null {
  const n = typeof result === 'number' ? result : typeof result === 'string' ? Number(result) : NaN;
  return Number.isInteger(n) && n > 0 ? n : null;
}

export class Bitrix24Sender {
  private readonly outbox: Outbox;
  readonly stats: B24Stats = { attempted: 0, sent: 0, failed: 0, rejected: 0 };

  constructor(private readonly d: SenderDeps) {
    this.outbox = new Outbox(d.ws.db);
  }

  private rows(now: number): OutboxRow[] {
    return prepared(
      this.d.ws.db,
      `SELECT * FROM outbox WHERE target = 'bitrix24' AND (
         (state IN ('queued', 'failed') AND next_at <= ?) OR (state = 'sending' AND updated_at <= ?)
       ) ORDER BY id`,
    ).all(now, now - this.d.tuning.settleMs) as OutboxRow[];
  }

  async run(): Promise<B24Stats> {
    const now = this.d.now();
    const rows = this.rows(now);
    if (rows.length === 0) return this.stats;
    const secret = await this.d.secrets.get({ kind: 'bitrix24_webhook' });
    if (!secret) {
      this.outbox.note(rows.map((r) => r.id), 'Нет вебхука Bitrix24 — добавьте его в настройках', now);
      return this.stats;
    }
    let client: B24Client;
    try {
      const webhook = parseWebhook(secret, this.d.overrides.bitrix24BaseUrl ?? this.d.ws.settings.bitrix24.baseUrl);
      client = new B24Client({ webhook, timeoutMs: this.d.tuning.timeoutMs, maxAttempts: 3, backoffBaseMs: 500, log: this.d.log });
    } catch (err) {
      this.outbox.note(rows.map((r) => r.id), err instanceof Error ? err.message : String(err), now);
      return this.stats;
    }
    for (const row of rows) {
      if (this.d.signal?.aborted) break;
      if ((await this.one(row, client)) === 'stop') break;
    }
    this.d.changed();
    return this.stats;
  }

  private call<T>(client: B24Client, method: string, params: Record<string, unknown>): Promise<T> {
    return client.call<T>(method, params, this.d.signal).then((r) => r.result);
  }

  private async one(row: OutboxRow, client: B24Client): Promise<Step> {
    const db = this.d.ws.db;
    const now = this.d.now();
    const v = row.visit_id === null ? undefined : getVisitRow(db, row.visit_id);
    if (!v) return 'next';
    const entity = v.b24_entity ?? this.d.ws.settings.visits.bitrix24Entity;
    const unknownFate = row.state === 'sending' || row.verify === 1;
    const owned = unknownFate ? this.outbox.claimForVerify([row], now) : this.outbox.claim([row], now, new Map());
    if (!owned.has(row.id)) return 'next';
    const claim = { at: now };
    /** renews the claim before the next request; false when another sender took the row over */
    const renew = (verify?: boolean): boolean => {
      const t = Math.max(this.d.now(), claim.at + 1);
      if (!this.outbox.renew(row.id, t, claim.at, verify)) return false;
      claim.at = t;
      return true;
    };
    // nothing may have been created by this attempt yet (verify is set right before the *.add)
    if (!unknownFate) renew(false);
    this.stats.attempted++;
    const progress = parseProgress(row.payload);
    let entityId = row.remote_id === null ? null : Number(row.remote_id);
    try {
      if (entityId === null && unknownFate) {
        const found = await this.call<{ ID: string; ORIGINATOR_ID?: unknown; ORIGIN_ID?: unknown }[]>(client, `crm.${entity}.list`, {
          filter: { ORIGINATOR_ID, ORIGIN_ID: v.order_number },
          select: ['ID', 'ORIGINATOR_ID', 'ORIGIN_ID'],
        });
        // the filter on ORIGIN_ID is not documented as supported (§11.4): trust only an exact match
        const mine = (Array.isArray(found) ? found : []).find((r) => r.ORIGINATOR_ID === ORIGINATOR_ID && r.ORIGIN_ID === v.order_number);
        entityId = idOf(mine?.ID);
      }
      if (entityId === null) {
        const fields = entityFields(v, this.d.ws.settings, entity);
        if (entity === 'deal') {
          progress.contactId ??= (await this.findContact(client, v)) ?? (await this.addContact(client, v));
          fields.CONTACT_ID = progress.contactId;
          this.setRemote(row.id, null, progress);
        }
        // written before the request: an unanswered *.add is looked up, never blindly repeated
        if (!renew(true)) return 'next';
        entityId = idOf(await this.call<unknown>(client, `crm.${entity}.add`, { fields, params: { REGISTER_SONET_EVENT: 'N' } }));
        if (entityId === null) throw new SkvozError('network', `Bitrix24 не вернул номер созданной записи (crm.${entity}.add).`);
      }
      this.setRemote(row.id, entityId, progress);
      db.prepare('UPDATE visit SET b24_entity = ?, b24_id = ? WHERE id = ? AND b24_id IS NOT ?').run(entity, entityId, v.id, entityId);
      const entities = [{ TYPE: entity.toUpperCase(), ID: entityId }];
      if (progress.contactId) entities.push({ TYPE: 'CONTACT', ID: progress.contactId });
      if (!renew()) return 'next';
      await this.call<unknown>(client, 'crm.tracking.trace.add', { TRACE: traceOf(this.d.ws.settings), ENTITIES: entities });
      if (this.outbox.sent(row.id, String(entityId), JSON.stringify(progress), Math.max(this.d.now(), claim.at + 1), claim.at)) this.stats.sent++;
      return 'next';
    } catch (err) {
      return this.failure(row, err, claim.at);
    }
  }

  private async findContact(client: B24Client, v: VisitRow): Promise<number | null> {
    for (const [type, values] of [['PHONE', phonesOf(v)], ['EMAIL', emailsOf(v)]] as const) {
      if (values.length === 0) continue;
      const r = await this.call<{ CONTACT?: unknown[] } | unknown[]>(client, 'crm.duplicate.findbycomm', {
        type,
        values: values.slice(0, 20),
        entity_type: 'CONTACT',
      });
      const ids = Array.isArray(r) ? [] : (r.CONTACT ?? []);
      const id = idOf(ids[0]);
      if (id !== null) return id;
    }
    return null;
  }

  private async addContact(client: B24Client, v: VisitRow): Promise<number> {
    const fields: Record<string, unknown> = {
      NAME: v.name?.trim() || 'Клиент офлайн-визита',
      SOURCE_DESCRIPTION: 'Офлайн-визит (Skvoz)',
      ORIGINATOR_ID,
      ORIGIN_ID: v.order_number,
    };
    if (phonesOf(v).length) fields.PHONE = multi(phonesOf(v));
    if (emailsOf(v).length) fields.EMAIL = multi(emailsOf(v));
    const id = idOf(await this.call<unknown>(client, 'crm.contact.add', { fields, params: { REGISTER_SONET_EVENT: 'N' } }));
    if (id === null) throw new SkvozError('network', 'Bitrix24 не вернул номер созданного контакта.');
    return id;
  }

  private setRemote(id: number, remoteId: number | null, progress: Progress): void {
    this.d.ws.db
      .prepare('UPDATE outbox SET remote_id = coalesce(?, remote_id), payload = ?, verify = CASE WHEN ? IS NULL THEN verify ELSE 0 END WHERE id = ?')
      .run(remoteId === null ? null : String(remoteId), JSON.stringify(progress), remoteId, id);
  }

  private failure(row: OutboxRow, err: unknown, claimedAt: number): Step {
    const t = Math.max(this.d.now(), claimedAt + 1);
    const message = err instanceof Error ? err.message : String(err);
    const cur = this.outbox.get(row.id);
    const attempts = (cur?.attempts ?? row.attempts) + 1;
    const wait = backoffMs(attempts, { baseMs: this.d.tuning.backoffBaseMs, maxMs: this.d.tuning.backoffMaxMs, random: this.d.tuning.random });
    // verify stays as written: 1 while an *.add may have reached the portal
    const verify = (cur?.verify ?? 1) === 1 && cur?.remote_id === null;
    if (err instanceof B24ApiError && err.kind === 'client') {
      // the portal refused the request itself (a refused *.add created nothing): needs the user
      if (this.outbox.rejected(row.id, message, t, claimedAt)) this.stats.rejected++;
      return 'next';
    }
    if (this.outbox.failed(row.id, message, t + wait, verify, t, claimedAt)) this.stats.failed++;
    if (err instanceof B24ApiError && ['auth', 'scope', 'denied', 'overload', 'operating', 'rate', 'not_found'].includes(err.kind)) return 'stop';
    if (err instanceof SkvozError && err.code === 'cancelled') return 'stop';
    return 'next';
  }
}

function parseProgress(payload: string | null): Progress {
  try {
    const p = payload ? (JSON.parse(payload) as Progress) : {};
    return typeof p.contactId === 'number' ? { contactId: p.contactId } : {};
  } catch {
    return {};
  }
}
