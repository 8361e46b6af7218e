// Conversions for a full recompute, from sequential scans instead of per-conversion lookups.
// InputLoader matches each chunk of leads/deals to calls/requests through ident lookups: one
// B-tree probe per phone/e-mail and touch kind, then one per matched touch. On a million-deal
// workspace that is tens of millions of random probes. Here every input table is read once, in
// order: calls, requests and visits into compact arrays, the identity table by value (phones
// and e-mails sorted, so each value's records come together) into per-lead and per-contact
// touch lists; then leads and deals by id ranges, assembled by the same InputLoader.assemble,
// so a conversion comes out exactly as InputLoader.load would return it.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { InputLoader, type ConvInput, type ConvKind, type InputContext, type TouchDims } from './inputs';
import type { Touch } from './touches';
import type { TrackingCounts } from './tracking';

const T_CALL = 0;
const T_REQUEST = 1;
const T_VISIT = 2;
const TOUCH_KIND = ['call', 'request', 'visit'] as const;

/**
 * Raw dims as one JSON text built by SQLite: one string per row crosses into JS instead of five,
 * and it is the cache key of the normalised dims as it is (exact: nulls and every character kept).
 */
const DIMS_JSON = 'json_array(source, medium, campaign, content, term)';
const UTM_JSON = "CASE WHEN utm_source IS NULL OR utm_source = '' THEN NULL ELSE json_array(utm_source, utm_medium, utm_campaign, utm_content, utm_term) END";

const DEFAULT_VISIT_DIMS = { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' };

/** id → small int, dense over the id range a table reports, with a map for anything outside it. */
class IntMap {
  private readonly lo: number;
  private readonly dense: Int32Array;
  private readonly extra = new Map<number, number>();

  constructor(lo: number | null, hi: number | null, count: number) {
    const span = lo === null || hi === null ? 0 : hi - lo + 1;
    // dense only when the ids are not too sparse (Bitrix24 and SQLite ids are nearly consecutive)
    const ok = span > 0 && span <= 4 * count + 65_536;
    this.lo = ok ? lo! : 0;
    this.dense = new Int32Array(ok ? span : 0).fill(-1);
  }

  get(id: number): number {
    const i = id - this.lo;
    if (i >= 0 && i < this.dense.length) return this.dense[i]!;
    return this.extra.get(id) ?? -1;
  }

  set(id: number, v: number): void {
    const i = id - this.lo;
    if (i >= 0 && i < this.dense.length) this.dense[i] = v;
    else this.extra.set(id, v);
  }
}

/** Touches of one kind: time and interned dims per slot. */
class TouchStore {
  readonly slotOf: IntMap;
  ids: Float64Array;
  at: Float64Array;
  dims: Int32Array;
  /** Calltouch site and the unique-target flag, for the tracking rollup */
  site: Float64Array;
  ut: Uint8Array;
  n = 0;

  constructor(lo: number | null, hi: number | null, count: number) {
    this.slotOf = new IntMap(lo, hi, count);
    this.ids = new Float64Array(count);
    this.at = new Float64Array(count);
    this.dims = new Int32Array(count);
    this.site = new Float64Array(count);
    this.ut = new Uint8Array(count);
  }

  add(id: number, at: number, dims: number, site = 0, ut = 0): void {
    if (this.n === this.ids.length) {
      // the table grew between count(*) and the scan (a concurrent writer): grow
      const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
        const b = make(Math.max(16, a.length * 2));
        b.set(a);
        return b;
      };
      this.ids = grow(this.ids, (n) => new Float64Array(n));
      this.at = grow(this.at, (n) => new Float64Array(n));
      this.dims = grow(this.dims, (n) => new Int32Array(n));
      this.site = grow(this.site, (n) => new Float64Array(n));
      const u = new Uint8Array(this.ut.length * 2 + 16);
      u.set(this.ut);
      this.ut = u;
    }
    this.ids[this.n] = id;
    this.at[this.n] = at;
    this.dims[this.n] = dims;
    this.site[this.n] = site;
    this.ut[this.n] = ut;
    this.slotOf.set(id, this.n);
    this.n++;
  }
}

/** Per holder (lead or contact) a singly linked list of packed touch references (slot × 4 + kind). */
class Links {
  readonly heads: IntMap;
  private next = new Int32Array(1 << 16);
  private ref = new Int32Array(1 << 16);
  private n = 0;

  constructor(lo: number | null, hi: number | null, count: number) {
    this.heads = new IntMap(lo, hi, count);
  }

  add(holder: number, ref: number): void {
    if (this.n === this.next.length) {
      const next = new Int32Array(this.n * 2);
      next.set(this.next);
      this.next = next;
      const r = new Int32Array(this.n * 2);
      r.set(this.ref);
      this.ref = r;
    }
    this.ref[this.n] = ref;
    this.next[this.n] = this.heads.get(holder);
    this.heads.set(holder, this.n);
    this.n++;
  }

  /** Calls f with each reference of the holder (most recently added first). */
  each(holder: number, f: (ref: number) => void): void {
    for (let i = this.heads.get(holder); i >= 0; i = this.next[i]!) f(this.ref[i]!);
  }
}

type Range = { lo: number | null; hi: number | null; n: number };

/** One holder's identities: has any phone/e-mail (bit 1), has a matched touch (via Links). */
export class BulkInputs {
  private readonly dimsList: TouchDims[] = [];
  private readonly dimsIndex = new Map<TouchDims, number>();
  private readonly byJson = new Map<string, number>();
  private readonly utmByJson = new Map<string, number>();
  private readonly touches: TouchStore[];
  private readonly leadLinks: Links;
  private readonly contactLinks: Links;
  /** 1 when the lead / contact has any phone or e-mail */
  private readonly leadIdent: IntMap;
  private readonly contactIdent: IntMap;
  /** non-deleted leads seen by load('lead'): creation time and interned UTM dims (−1: none) */
  private readonly leadInfo: IntMap;
  private leadCreated = new Float64Array(1024);
  private leadUtm = new Int32Array(1024);
  private leadN = 0;
  private readonly stmts = new Map<string, Statement<[number, number]>>();

  /**
   * Reads calls, requests, visits and the identity table. `loader` assembles conversions (its
   * normaliser cache is shared) and serves visits, which are few.
   */
  constructor(
    private readonly db: Db,
    private readonly ctx: InputContext,
    private readonly loader: InputLoader,
  ) {
    const range = (table: string, where = ''): Range => {
      const r = db.prepare(`SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM ${table}${where}`).get() as Range;
      return r;
    };
    const calls = range('ct_call');
    const requests = range('ct_request');
    const visits = range('visit', ' WHERE cancelled = 0');
    this.touches = [new TouchStore(calls.lo, calls.hi, calls.n), new TouchStore(requests.lo, requests.hi, requests.n), new TouchStore(visits.lo, visits.hi, visits.n)];
    for (const [k, table, ut] of [
      [T_CALL, 'ct_call', 'uniq_target_call'],
      [T_REQUEST, 'ct_request', 'uniq_target_request'],
    ] as const) {
      const store = this.touches[k]!;
      const st = db.prepare(`SELECT id, at, ${DIMS_JSON}, site_id, ${ut} FROM ${table}`).raw(true);
      for (const r of st.iterate() as IterableIterator<[number, number, string, number, number]>) {
        store.add(r[0], r[1], this.dimsOfJson(r[2]), r[3], r[4]);
      }
    }
    const vd = ctx.visitDims ?? DEFAULT_VISIT_DIMS;
    const visitDims = this.intern(loader.normDims(vd.source, vd.medium, vd.campaign, null, null));
    for (const [id, at] of db.prepare('SELECT id, at FROM visit WHERE cancelled = 0').raw(true).all() as [number, number][]) {
      this.touches[T_VISIT]!.add(id, at, visitDims);
    }

    const leads = range('b24_lead');
    const contacts = range('b24_contact');
    this.leadLinks = new Links(leads.lo, leads.hi, leads.n);
    this.contactLinks = new Links(contacts.lo, contacts.hi, contacts.n);
    this.leadIdent = new IntMap(leads.lo, leads.hi, leads.n);
    this.contactIdent = new IntMap(contacts.lo, contacts.hi, contacts.n);
    this.leadInfo = new IntMap(leads.lo, leads.hi, leads.n);
    this.scanIdentities();
  }

  /** Interned normalised dims of raw dims as DIMS_JSON (cached by the JSON text). */
  private dimsOfJson(json: string): number {
    let i = this.byJson.get(json);
    if (i === undefined) {
      const [s, m, c, co, te] = JSON.parse(json) as (string | null)[];
      i = this.intern(this.loader.normDims(s ?? null, m ?? null, c ?? null, co ?? null, te ?? null));
      this.byJson.set(json, i);
    }
    return i;
  }

  /** Interned UTM dims of a record (−1: no crm_utm touch), from DIMS_JSON of its UTM fields or null. */
  private utmOfJson(json: string | null): number {
    if (json === null) return -1;
    let i = this.utmByJson.get(json);
    if (i === undefined) {
      const [s, m, c, co, te] = JSON.parse(json) as (string | null)[];
      const d = this.loader.utmDims(s ?? null, m ?? null, c ?? null, co ?? null, te ?? null);
      i = d === null ? -1 : this.intern(d);
      this.utmByJson.set(json, i);
    }
    return i;
  }

  private intern(d: TouchDims): number {
    let i = this.dimsIndex.get(d);
    if (i === undefined) {
      i = this.dimsList.length;
      this.dimsList.push(d);
      this.dimsIndex.set(d, i);
    }
    return i;
  }

  /**
   * One pass over the identities in value order: every value's calls, requests and visits are
   * linked to the leads and contacts that carry the same value (MATCH in inputs.ts).
   */
  private scanIdentities(): void {
    const refs: number[] = [];
    const leads: number[] = [];
    const contacts: number[] = [];
    let current: string | null = null;
    const flush = () => {
      if (refs.length > 0) {
        for (const h of leads) for (const r of refs) this.leadLinks.add(h, r);
        for (const h of contacts) for (const r of refs) this.contactLinks.add(h, r);
      }
      refs.length = 0;
      leads.length = 0;
      contacts.length = 0;
    };
    const st = this.db.prepare('SELECT value, owner, owner_id FROM ident ORDER BY value').raw(true);
    for (const [value, owner, id] of st.iterate() as IterableIterator<[string, string, number]>) {
      if (value !== current) {
        flush();
        current = value;
      }
      switch (owner) {
        case 'call':
        case 'request':
        case 'visit': {
          const k = owner === 'call' ? T_CALL : owner === 'request' ? T_REQUEST : T_VISIT;
          const slot = this.touches[k]!.slotOf.get(id);
          if (slot >= 0) refs.push(slot * 4 + k);
          break;
        }
        case 'lead':
          this.leadIdent.set(id, 1);
          leads.push(id);
          break;
        case 'contact':
          this.contactIdent.set(id, 1);
          contacts.push(id);
          break;
      }
    }
    flush();
  }

  /**
   * Every call, then every request, in table order, counted into the tracking rollup (what
   * rebuildTracking(…, null) reads with its own scans). `counts` takes normalised dims.
   */
  countTracking(counts: TrackingCounts): void {
    for (const k of [T_CALL, T_REQUEST]) {
      const s = this.touches[k]!;
      for (let i = 0; i < s.n; i++) counts.add(k === T_CALL, s.at[i]!, s.site[i]!, s.ut[i]!, s.dims[i]!, this.dimsList[s.dims[i]!]!);
    }
  }

  private stmt(sql: string) {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare<[number, number]>(sql).raw(true)));
    return s;
  }

  private touch(ref: number): Touch {
    const k = ref & 3;
    const slot = ref >>> 2;
    const store = this.touches[k]!;
    return { id: store.ids[slot]!, at: store.at[slot]!, kind: TOUCH_KIND[k]!, ...this.dimsList[store.dims[slot]!]! };
  }

  /** Conversions of one kind with ids in [lo, hi], as InputLoader.load returns them. Leads before deals. */
  load(kind: ConvKind, lo: number, hi: number): ConvInput[] {
    if (kind === 'visit') return this.loader.load(kind, lo, hi);
    return kind === 'lead' ? this.loadLeads(lo, hi) : this.loadDeals(lo, hi);
  }

  private loadLeads(lo: number, hi: number): ConvInput[] {
    const rows = this.stmt(
      `SELECT id, created_at, assigned_by_id, source_id, ${UTM_JSON} FROM b24_lead WHERE deleted = 0 AND id BETWEEN ? AND ?`,
    ).all(lo, hi) as [number, number, number | null, string | null, string | null][];
    const out: ConvInput[] = [];
    for (const [id, createdAt, assigned, sourceId, utm] of rows) {
      const ownIdx = this.utmOfJson(utm);
      const own = ownIdx < 0 ? null : this.dimsList[ownIdx]!;
      this.rememberLead(id, createdAt, ownIdx);
      const matched: Touch[] = [];
      this.leadLinks.each(id, (ref) => matched.push(this.touch(ref)));
      const r = {
        id,
        created_at: createdAt,
        won_at: null,
        lead_id: null,
        lead_created_at: createdAt,
        opportunity: null,
        currency_id: null,
        category_id: null,
        assigned_by_id: assigned,
        source_id: sourceId,
      };
      out.push(this.loader.assemble('lead', r, this.leadIdent.get(id) === 1, matched, own, null));
    }
    return out;
  }

  private rememberLead(id: number, createdAt: number, utm: number): void {
    if (this.leadN === this.leadCreated.length) {
      const c = new Float64Array(this.leadN * 2);
      c.set(this.leadCreated);
      this.leadCreated = c;
      const u = new Int32Array(this.leadN * 2);
      u.set(this.leadUtm);
      this.leadUtm = u;
    }
    this.leadCreated[this.leadN] = createdAt;
    this.leadUtm[this.leadN] = utm;
    this.leadInfo.set(id, this.leadN++);
  }

  private loadDeals(lo: number, hi: number): ConvInput[] {
    const rows = this.stmt(
      `SELECT id, created_at, won_at, lead_id, opportunity, currency_id, category_id, assigned_by_id, source_id, ${UTM_JSON}
         FROM b24_deal WHERE deleted = 0 AND id BETWEEN ? AND ?`,
    ).all(lo, hi) as [number, number, number | null, number | null, string | null, string | null, number | null, number | null, string | null, string | null][];
    const contactsOf = new Map<number, number[]>();
    for (const [deal, contact] of this.stmt('SELECT deal_id, contact_id FROM b24_deal_contact WHERE deal_id BETWEEN ? AND ?').all(lo, hi) as [number, number][]) {
      let a = contactsOf.get(deal);
      if (!a) contactsOf.set(deal, (a = []));
      a.push(contact);
    }
    const out: ConvInput[] = [];
    for (const [id, createdAt, wonAt, leadId, opportunity, currency, category, assigned, sourceId, utm] of rows) {
      const li = leadId === null ? -1 : this.leadInfo.get(leadId);
      const leadCreated = li >= 0 ? this.leadCreated[li]! : null;
      const leadUtm = li >= 0 && this.leadUtm[li]! >= 0 ? this.dimsList[this.leadUtm[li]!]! : null;
      const matched: Touch[] = [];
      const push = (ref: number) => matched.push(this.touch(ref));
      let hasIdent = false;
      if (leadId !== null) {
        this.leadLinks.each(leadId, push);
        hasIdent = this.leadIdent.get(leadId) === 1;
      }
      for (const c of contactsOf.get(id) ?? []) {
        this.contactLinks.each(c, push);
        if (this.contactIdent.get(c) === 1) hasIdent = true;
      }
      const r = {
        id,
        created_at: createdAt,
        won_at: wonAt,
        lead_id: leadId,
        lead_created_at: leadCreated,
        opportunity,
        currency_id: currency,
        category_id: category,
        assigned_by_id: assigned,
        source_id: sourceId,
      };
      const ownIdx = this.utmOfJson(utm);
      out.push(this.loader.assemble('deal', r, hasIdent, matched, ownIdx < 0 ? null : this.dimsList[ownIdx]!, leadUtm));
    }
    return out;
  }
}
