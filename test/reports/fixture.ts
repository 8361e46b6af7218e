// Hand-built workspaces for report tests: rows inserted with plain SQL so every number is known.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Workspace } from '../../src-main/engine/workspace';
import { ReportQuerySchema, type ReportQueryInput } from '../../src-shared/contract';
import { runReport } from '../../src-main/engine/reports/query';
import { zonedToInstant } from '../../src-shared/time';

export const MSK = 'Europe/Moscow';
export const DAY = 86_400_000;

/** Moscow wall time → epoch ms */
export function msk(date: string, time = '12:00:00'): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  return zonedToInstant(y, mo, d, h, mi, s, MSK);
}

export class Fixture {
  readonly ws: Workspace;
  private callSeq = 1;
  private reqSeq = 1;

  constructor() {
    this.ws = Workspace.create(join(mkdtempSync(join(tmpdir(), 'skvoz-rep-')), 'ws'), { name: 'Тест' });
    this.ws.db.prepare("INSERT INTO b24_currency (code, amount_cnt, amount, base) VALUES ('RUB', 1, '1.0000', 1), ('USD', 1, '90.0000', 0)").run();
    this.ws.db.prepare("INSERT INTO b24_status (entity_id, status_id, name) VALUES ('SOURCE', 'CALL', 'Звонок'), ('SOURCE', 'WEB', 'Сайт')").run();
  }

  lead(id: number, at: number, o: { phone?: string; email?: string; utm?: [string, string?, string?]; sourceId?: string; assigned?: number } = {}): void {
    this.ws.db
      .prepare(
        `INSERT INTO b24_lead (id, created_at, modified_at, source_id, utm_source, utm_medium, utm_campaign, assigned_by_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, at, at, o.sourceId ?? null, o.utm?.[0] ?? null, o.utm?.[1] ?? null, o.utm?.[2] ?? null, o.assigned ?? null);
    if (o.phone) this.ident('lead', id, 'phone', o.phone);
    if (o.email) this.ident('lead', id, 'email', o.email);
  }

  deal(
    id: number,
    at: number,
    o: { leadId?: number; contactId?: number; wonAt?: number; amount?: string; currency?: string; category?: number; assigned?: number; utm?: [string, string?, string?] } = {},
  ): void {
    this.ws.db
      .prepare(
        `INSERT INTO b24_deal (id, created_at, modified_at, won_at, lead_id, opportunity, currency_id, category_id, stage_semantic, utm_source, utm_medium, utm_campaign, assigned_by_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        at,
        at,
        o.wonAt ?? null,
        o.leadId ?? null,
        o.amount ?? null,
        o.currency ?? 'RUB',
        o.category ?? 0,
        o.wonAt ? 'S' : 'P',
        o.utm?.[0] ?? null,
        o.utm?.[1] ?? null,
        o.utm?.[2] ?? null,
        o.assigned ?? null,
      );
    if (o.contactId) this.ws.db.prepare('INSERT INTO b24_deal_contact (deal_id, contact_id) VALUES (?, ?)').run(id, o.contactId);
  }

  contact(id: number, phone: string): void {
    this.ws.db.prepare('INSERT INTO b24_contact (id) VALUES (?)').run(id);
    this.ident('contact', id, 'phone', phone);
  }

  call(at: number, phone: string, dims: [string | null, string | null, string?], uniqTarget = true): number {
    const id = this.callSeq++;
    this.ws.db
      .prepare(
        `INSERT INTO ct_call (id, site_id, call_id, at, phone, uniq_target_call, source, medium, campaign, raw)
         VALUES (?, 43769, ?, ?, ?, ?, ?, ?, ?, '{}')`,
      )
      .run(id, 1000 + id, at, phone, uniqTarget ? 1 : 0, dims[0], dims[1], dims[2] ?? null);
    this.ident('call', id, 'phone', phone);
    return id;
  }

  request(at: number, email: string, dims: [string | null, string | null, string?]): number {
    const id = this.reqSeq++;
    this.ws.db
      .prepare(`INSERT INTO ct_request (id, site_id, request_id, at, source, medium, campaign, raw) VALUES (?, 43769, ?, ?, ?, ?, ?, '{}')`)
      .run(id, 5000 + id, at, dims[0], dims[1], dims[2] ?? null);
    this.ident('request', id, 'email', email);
    return id;
  }

  visit(id: number, at: number, o: { phones?: string[]; emails?: string[]; revenue?: string; b24Deal?: number; cancelled?: boolean } = {}): void {
    this.ws.db
      .prepare(
        `INSERT INTO visit (id, order_number, phones, emails, at, revenue, status, b24_entity, b24_id, cancelled, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'Визит', ?, ?, ?, ?, ?)`,
      )
      .run(id, `skvoz-test-${id}`, JSON.stringify(o.phones ?? []), JSON.stringify(o.emails ?? []), at, o.revenue ?? '0', o.b24Deal ? 'deal' : null, o.b24Deal ?? null, o.cancelled ? 1 : 0, at, at);
    for (const p of o.phones ?? []) this.ident('visit', id, 'phone', p);
    for (const e of o.emails ?? []) this.ident('visit', id, 'email', e);
  }

  cost(day: string, source: string, medium: string, campaign: string, amount: number): void {
    this.ws.db
      .prepare('INSERT INTO cost (day, source, medium, campaign, amount, currency) VALUES (?, ?, ?, ?, ?, ?)')
      .run(day, source, medium, campaign, amount, 'RUB');
  }

  private ident(owner: string, id: number, kind: string, value: string): void {
    this.ws.db.prepare('INSERT OR IGNORE INTO ident (owner, owner_id, kind, value) VALUES (?, ?, ?, ?)').run(owner, id, kind, value);
  }

  report(q: ReportQueryInput) {
    return runReport(this.ws, ReportQuerySchema.parse(q));
  }
}
