// The fake portal's CRM: records kept exactly as the API returns them (legacy strings for leads
// and contacts, typed camelCase items for deals), dictionaries, stage history, and mutations
// between sync passes (edits bump DATE_MODIFY/updatedTime to the server clock).
import type {
  B24CategoryRaw,
  B24ContactRaw,
  B24CurrencyRaw,
  B24DealItemRaw,
  B24LeadRaw,
  B24StatusRaw,
  B24UserRaw,
} from '../../../src-main/engine/sources/bitrix24/api-types';
import type { DemoGenerator } from '../../../src-main/engine/demo';
import { isoMs } from './query';
import { rng } from '../../rng';
export { rng };

export interface Dictionaries {
  statuses: B24StatusRaw[];
  categories: B24CategoryRaw[];
  currencies: B24CurrencyRaw[];
  users: B24UserRaw[];
}

/** A sorted id index over a Map, rebuilt lazily after changes. */
export class Table<T> {
  readonly rows = new Map<number, T>();
  private sorted: number[] | null = null;
  /** modified instant (ms) per id, for >=DATE_MODIFY filters */
  readonly modified = new Map<number, number>();

  set(id: number, row: T, modifiedMs: number): void {
    if (!this.rows.has(id)) this.sorted = null;
    this.rows.set(id, row);
    this.modified.set(id, modifiedMs);
  }

  delete(id: number): boolean {
    this.modified.delete(id);
    const had = this.rows.delete(id);
    if (had) this.sorted = null;
    return had;
  }

  ids(): number[] {
    this.sorted ??= [...this.rows.keys()].sort((a, b) => a - b);
    return this.sorted;
  }

  get size(): number {
    return this.rows.size;
  }
}

export interface HistoryItem {
  ID: number;
  TYPE_ID: 1 | 2 | 3 | 5;
  OWNER_ID: number;
  CREATED_TIME: string;
  CATEGORY_ID: number;
  STAGE_SEMANTIC_ID: 'P' | 'S' | 'F';
  STAGE_ID: string;
}


export class PortalData {
  readonly leads = new Table<B24LeadRaw>();
  readonly deals = new Table<B24DealItemRaw>();
  readonly contacts = new Table<B24ContactRaw>();
  /** won time of deals whose movedTime the fake dropped (they need crm.stagehistory.list) */
  readonly wonAt = new Map<number, string>();
  dictionaries: Dictionaries = { statuses: [], categories: [], currencies: [], users: [] };
  private nextPhoneId = 900_000_000;

  constructor(readonly offsetMin = 180) {}

  ms(iso: string | null | undefined): number {
    return isoMs(iso ?? '', this.offsetMin);
  }

  addLeads(rows: Iterable<B24LeadRaw>): void {
    for (const r of rows) this.leads.set(Number(r.ID), r, this.ms(r.DATE_MODIFY));
  }

  addDeals(rows: Iterable<B24DealItemRaw>): void {
    for (const r of rows) this.deals.set(r.id, r, this.ms(r.updatedTime));
  }

  addContacts(rows: Iterable<B24ContactRaw>): void {
    for (const r of rows) this.contacts.set(Number(r.ID), r, this.ms(r.DATE_MODIFY ?? null));
  }

  /**
   * Seeds from the demo generator: the first `leads` leads and `deals` deals (ids ascending),
   * every contact those deals link to, and the dictionaries.
   */
  static fromDemo(gen: DemoGenerator, limits: { leads: number; deals: number }, offsetMin = 180): PortalData {
    const d = new PortalData(offsetMin);
    const take = <T>(pages: Iterable<T[]>, n: number, add: (rows: T[]) => void) => {
      let left = n;
      for (const page of pages) {
        if (left <= 0) break;
        const part = page.slice(0, left);
        add(part);
        left -= part.length;
      }
    };
    take(gen.leads(), limits.leads, (rows) => d.addLeads(rows));
    const linked = new Set<number>();
    take(gen.deals(), limits.deals, (rows) => {
      d.addDeals(rows);
      for (const r of rows) for (const c of r.contactIds) linked.add(c);
    });
    for (const page of gen.contacts()) d.addContacts(page.filter((c) => linked.has(Number(c.ID))));
    const dict = gen.dictionaries;
    d.dictionaries = { statuses: dict.statuses, categories: dict.categories, currencies: dict.currencies, users: dict.users };
    return d;
  }

  /** Stage history of a deal (created, then the final move for closed deals). */
  history(dealId: number): HistoryItem[] {
    const deal = this.deals.rows.get(dealId);
    if (!deal) return [];
    const out: HistoryItem[] = [
      { ID: dealId * 10 + 1, TYPE_ID: 1, OWNER_ID: dealId, CREATED_TIME: deal.createdTime, CATEGORY_ID: deal.categoryId, STAGE_SEMANTIC_ID: 'P', STAGE_ID: deal.categoryId ? `C${deal.categoryId}:NEW` : 'NEW' },
    ];
    const sem = deal.stageSemanticId;
    const at = deal.movedTime ?? this.wonAt.get(dealId) ?? null;
    if ((sem === 'S' || sem === 'F') && at) {
      out.push({ ID: dealId * 10 + 2, TYPE_ID: 3, OWNER_ID: dealId, CREATED_TIME: at, CATEGORY_ID: deal.categoryId, STAGE_SEMANTIC_ID: sem, STAGE_ID: deal.stageId });
    }
    return out;
  }

  /** Drops movedTime from a share of won deals; their won time then lives only in the history. */
  hideMovedTime(share: number, seed = 7): number[] {
    const r = rng(seed);
    const out: number[] = [];
    for (const id of this.deals.ids()) {
      const d = this.deals.rows.get(id);
      if (!d || d.stageSemanticId !== 'S' || !d.movedTime || r() >= share) continue;
      this.wonAt.set(id, d.movedTime);
      this.deals.set(id, { ...d, movedTime: null }, this.deals.modified.get(id) ?? 0);
      out.push(id);
    }
    return out;
  }

  private pick(table: Table<unknown>, n: number, r: () => number): number[] {
    const ids = table.ids();
    const out = new Set<number>();
    while (out.size < Math.min(n, ids.length)) out.add(ids[Math.floor(r() * ids.length)] ?? 0);
    return [...out];
  }

  /**
   * Edits, deletions and creations between passes, stamped with `nowIso` (server time).
   * Returns the affected ids per kind.
   */
  mutate(nowIso: string, plan: { edit?: number; del?: number; add?: number; relink?: number; phones?: number }, seed = 1) {
    const r = rng(seed);
    const now = this.ms(nowIso);
    const done = { leadsEdited: [] as number[], dealsEdited: [] as number[], contactsEdited: [] as number[], leadsDeleted: [] as number[], dealsDeleted: [] as number[], contactsDeleted: [] as number[], leadsAdded: [] as number[], dealsAdded: [] as number[] };
    for (const id of this.pick(this.leads, plan.edit ?? 0, r)) {
      const l = this.leads.rows.get(id);
      if (!l) continue;
      this.leads.set(id, { ...l, TITLE: `${l.TITLE ?? ''} (изм.)`, UTM_SOURCE: 'yandex', UTM_MEDIUM: 'cpc', STATUS_ID: 'IN_PROCESS', STATUS_SEMANTIC_ID: 'P', DATE_MODIFY: nowIso }, now);
      done.leadsEdited.push(id);
    }
    for (const id of this.pick(this.deals, plan.edit ?? 0, r)) {
      const d = this.deals.rows.get(id);
      if (!d) continue;
      const won = d.categoryId ? `C${d.categoryId}:WON` : 'WON';
      this.deals.set(id, { ...d, stageId: won, stageSemanticId: 'S', closed: 'Y', opportunity: 123456.78, movedTime: nowIso, updatedTime: nowIso }, now);
      done.dealsEdited.push(id);
    }
    const contactIds = this.contacts.ids();
    for (const id of this.pick(this.deals, plan.relink ?? 0, r)) {
      const d = this.deals.rows.get(id);
      const c = contactIds[Math.floor(r() * contactIds.length)];
      if (!d || c === undefined) continue;
      this.deals.set(id, { ...d, contactId: c, contactIds: [c], updatedTime: nowIso }, now);
      done.dealsEdited.push(id);
    }
    for (const id of this.pick(this.contacts, plan.phones ?? 0, r)) {
      const c = this.contacts.rows.get(id);
      if (!c) continue;
      const phone = `+7 (916) ${String(100 + Math.floor(r() * 899))}-${String(10 + Math.floor(r() * 89))}-${String(10 + Math.floor(r() * 89))}`;
      this.contacts.set(id, { ...c, PHONE: [{ ID: String(this.nextPhoneId++), VALUE_TYPE: 'MOBILE', VALUE: phone, TYPE_ID: 'PHONE' }], DATE_MODIFY: nowIso }, now);
      done.contactsEdited.push(id);
    }
    for (const [table, list] of [
      [this.leads, done.leadsDeleted],
      [this.deals, done.dealsDeleted],
      [this.contacts, done.contactsDeleted],
    ] as const) {
      for (const id of this.pick(table as Table<unknown>, plan.del ?? 0, r)) if (table.delete(id)) list.push(id);
    }
    const someContact = contactIds.find((id) => this.contacts.rows.has(id));
    for (let i = 0; i < (plan.add ?? 0); i++) {
      const lid = (this.leads.ids().at(-1) ?? 0) + 1 + Math.floor(r() * 3);
      this.leads.set(lid, { ID: String(lid), TITLE: `Новый лид ${lid}`, STATUS_ID: 'NEW', STATUS_SEMANTIC_ID: 'P', SOURCE_ID: 'WEB', UTM_SOURCE: 'google', UTM_MEDIUM: 'cpc', UTM_CAMPAIGN: 'new', UTM_CONTENT: null, UTM_TERM: '', OPPORTUNITY: '0.00', CURRENCY_ID: 'RUB', DATE_CREATE: nowIso, DATE_MODIFY: nowIso, DATE_CLOSED: null, CONTACT_ID: '', ASSIGNED_BY_ID: '1', PHONE: [{ ID: String(this.nextPhoneId++), VALUE_TYPE: 'MOBILE', VALUE: `8 916 555-${String(1000 + i).slice(-4, -2)}-${String(i % 100).padStart(2, '0')}`, TYPE_ID: 'PHONE' }] }, now);
      done.leadsAdded.push(lid);
      const did = (this.deals.ids().at(-1) ?? 0) + 1 + Math.floor(r() * 3);
      const cid = someContact ?? 0;
      this.deals.set(did, { id: did, title: `Новая сделка ${did}`, categoryId: 0, stageId: 'NEW', stageSemanticId: 'P', opportunity: 5000, currencyId: 'RUB', createdTime: nowIso, updatedTime: nowIso, movedTime: nowIso, closedate: null, closed: 'N', sourceId: 'WEB', utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'new', utmContent: null, utmTerm: null, leadId: lid, contactId: cid || null, contactIds: cid ? [cid] : [], companyId: 0, assignedById: 1 }, now);
      done.dealsAdded.push(did);
    }
    return done;
  }
}
