// Conversions for a full recompute, from sequential scans instead of per-conversion lookups.
// InputLoader matches each chunk of leads/deals to calls/requests through ident lookups: one
// B-tree probe per phone/e-mail and touch kind, then one per matched touch. On a million-deal
// workspace that is tens of millions of random probes. Here every input table is read once, in
// order: calls, requests and visits into compact arrays, the identity table into per-lead and
// per-contact touch lists (identity-links.ts, possibly built by another thread meanwhile); then
// leads and deals by id ranges, assembled by the same InputLoader.assemble, so a conversion
// comes out exactly as InputLoader.load would return it.
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open';
import { InputLoader, rawDimCols, touchOf, type ConvInput, type ConvKind, type InputContext, type RawValues, type TouchDims } from './inputs';
import type { Touch } from './touches';
import { IdentityLinks, IntMap, T_CALL, T_REQUEST, T_VISIT } from './identity-links';
import { doubled } from '../typed-arrays';
import type { TrackingCounts } from './tracking';

const TOUCH_KIND = ['call', 'request', 'visit'] as const;

/**
 * Raw dims as one JSON text built by SQLite: one string per row crosses into JS instead of eight,
 * and it is the cache key of the normalised dims as it is (exact: nulls and every character kept).
 */
const dimsJson = (touchDetails: boolean) => `json_array(${rawDimCols(null, touchDetails)})`;
const UTM_JSON = "CASE WHEN utm_source IS NULL OR utm_source = '' THEN NULL ELSE json_array(utm_source, utm_medium, utm_campaign, utm_content, utm_term) END";

const DEFAULT_VISIT_DIMS = { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' };

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
    this.slotOf = IntMap.over(lo, hi, count);
    this.ids = new Float64Array(count);
    this.at = new Float64Array(count);
    this.dims = new Int32Array(count);
    this.site = new Float64Array(count);
    this.ut = new Uint8Array(count);
  }

  add(id: number, at: number, dims: number, site = 0, ut = 0): void {
    if (this.n === this.ids.length) {
      // the table grew between count(*) and the scan (a concurrent writer): grow
      this.ids = doubled(this.ids);
      this.at = doubled(this.at);
      this.dims = doubled(this.dims);
      this.site = doubled(this.site);
      this.ut = doubled(this.ut);
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

type Range = { lo: number | null; hi: number | null; n: number };

/** One holder's identities: has any phone/e-mail (bit 1), has a matched touch (via Links). */
export class BulkInputs {
  /** the loader's dims by dimsKey (touch stores and lead UTMs hold keys) */
  private readonly dimsList: readonly TouchDims[];
  /** calls' and requests' raw dims JSON → dimsKey (a channel rule may tell the two kinds apart) */
  private readonly byJson = [new Map<string, number>(), new Map<string, number>()];
  private readonly utmByJson = new Map<string, number>();
  private readonly touches: TouchStore[];
  private readonly links: IdentityLinks;
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
    links?: () => IdentityLinks,
  ) {
    this.dimsList = loader.dimsList;
    const range = (table: string, where = ''): Range => {
      const r = db.prepare(`SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM ${table}${where}`).get() as Range;
      return r;
    };
    const calls = range('ct_call');
    const requests = range('ct_request');
    const visits = range('visit', ' WHERE cancelled = 0');
    this.touches = [new TouchStore(calls.lo, calls.hi, calls.n), new TouchStore(requests.lo, requests.hi, requests.n), new TouchStore(visits.lo, visits.hi, visits.n)];
    const seen = loader.seen;
    for (const [k, table, ut] of [
      [T_CALL, 'ct_call', 'uniq_target_call'],
      [T_REQUEST, 'ct_request', 'uniq_target_request'],
    ] as const) {
      const store = this.touches[k]!;
      const st = db.prepare(`SELECT id, at, ${dimsJson(ctx.touchDetails)}, site_id, ${ut} FROM ${table}`).raw(true);
      for (const r of st.iterate() as IterableIterator<[number, number, string, number, number]>) {
        const dims = this.dimsOfJson(k as 0 | 1, r[2]);
        seen[dims]!++;
        store.add(r[0], r[1], dims, r[3], r[4]);
      }
    }
    const vd = ctx.visitDims ?? DEFAULT_VISIT_DIMS;
    const visitDims = loader.normDims('visit', [vd.source, vd.medium, vd.campaign]).dimsKey;
    for (const [id, at] of db.prepare('SELECT id, at FROM visit WHERE cancelled = 0').raw(true).all() as [number, number][]) {
      this.touches[T_VISIT]!.add(id, at, visitDims);
    }

    const leads = range('b24_lead');
    this.leadInfo = IntMap.over(leads.lo, leads.hi, leads.n);
    this.links = links ? links() : IdentityLinks.scan(db);
  }

  /** Interned normalised dims of a call's (0) or request's (1) raw dims as dimsJson (cached by the JSON text). */
  private dimsOfJson(k: 0 | 1, json: string): number {
    const cache = this.byJson[k]!;
    let i = cache.get(json);
    if (i === undefined) {
      i = this.loader.normDims(TOUCH_KIND[k]!, JSON.parse(json) as RawValues).dimsKey;
      cache.set(json, i);
    }
    return i;
  }

  /** Interned UTM dims of a record (−1: no crm_utm touch), from the JSON of its UTM fields or null; counts its spelling. */
  private utmOfJson(json: string | null): number {
    if (json === null) return -1;
    let i = this.utmByJson.get(json);
    if (i === undefined) {
      const d = this.loader.utmDims(JSON.parse(json) as RawValues);
      i = d === null ? -1 : d.dimsKey;
      this.utmByJson.set(json, i);
    }
    if (i >= 0) this.loader.seen[i]!++;
    return i;
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

  /** Touches of the conversion being assembled (collect adds to it). */
  private matched: Touch[] = [];

  /** Adds the touch of a reference (id × 4 + kind) to `matched`; nothing for a call/request/visit that is gone or cancelled. */
  private readonly collect = (ref: number): void => {
    const k = ref % 4;
    const store = this.touches[k]!;
    const slot = store.slotOf.get((ref - k) / 4);
    if (slot < 0) return;
    this.matched.push(touchOf(store.ids[slot]!, store.at[slot]!, TOUCH_KIND[k]!, this.dimsList[store.dims[slot]!]!));
  };

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
      const matched: Touch[] = (this.matched = []);
      this.links.eachLeadTouch(id, this.collect);
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
      out.push(this.loader.assemble('lead', r, this.links.leadHasIdent(id), matched, own, null));
    }
    return out;
  }

  private rememberLead(id: number, createdAt: number, utm: number): void {
    if (this.leadN === this.leadCreated.length) {
      this.leadCreated = doubled(this.leadCreated);
      this.leadUtm = doubled(this.leadUtm);
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
      const matched: Touch[] = (this.matched = []);
      let hasIdent = false;
      if (leadId !== null) {
        this.links.eachLeadTouch(leadId, this.collect);
        hasIdent = this.links.leadHasIdent(leadId);
      }
      for (const c of contactsOf.get(id) ?? []) {
        this.links.eachContactTouch(c, this.collect);
        if (this.links.contactHasIdent(c)) hasIdent = true;
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
