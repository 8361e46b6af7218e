// Loads conversions (leads, deals) from the raw tables with the touches that belong to them
// (REPORTS.md "Touches"): calls/requests matched by phone/e-mail, the record's own crm_utm (and a
// deal's lead's), and the crm_source fallback when nothing else is there.
import type { Settings } from '@shared/contract';
import { DETAIL_DIMS, DIMENSIONS, type UnattributedReason } from '@shared/metrics';
import type { TouchKind } from '@shared/channel-rules';
import { workspaceNormaliser, type Dims, type Normaliser, type RawDims } from '@shared/normalise';
import type { Db } from '../db/open';
import { currencyConverter } from './currency';
import { DEFAULT_TOLERANCE_MS, eligibleTouches, type ExcludedTouch, type Touch } from './touches';
import { spellingOf } from './tuples';

export type ConvKind = 'lead' | 'deal' | 'visit';

export interface ConvInput {
  kind: ConvKind;
  id: number;
  at: number;
  wonAt: number | null;
  /** deals: revenue in the report currency */
  revenue: number;
  category: number | null;
  assigned: number | null;
  /** lead creation time for a deal with a synced lead; else its own time */
  cohortAt: number;
  /** eligible touches, in canonical order (empty → unattributed) */
  touches: Touch[];
  excluded: ExcludedTouch[];
  reason: UnattributedReason | null;
}

/** The raw dimensions a touch's record stores (every dimension but the channel), in DIMENSIONS order. */
export const RAW_DIMS = DIMENSIONS.filter((d): d is Exclude<(typeof DIMENSIONS)[number], 'channel'> => d !== 'channel');

/**
 * The SQL columns of a touch's raw dims in RAW_DIMS order (`t.` prefixed when given). Without the
 * touch-detail dimensions (settings.normalisation.touchDetails off) city, device and landing are
 * read as NULL: the normaliser would drop them anyway, and distinct values would only multiply the
 * raw spellings a full recompute interns.
 */
export function rawDimCols(t: string | null, touchDetails: boolean): string {
  return RAW_DIMS.map((d) => (!touchDetails && (DETAIL_DIMS as readonly string[]).includes(d) ? 'NULL' : t ? `${t}.${d}` : d)).join(', ');
}

/** Raw values of a touch's dimensions in RAW_DIMS order (missing trailing values are null). */
export type RawValues = readonly (string | null | undefined)[];

/** RawValues as the normaliser takes them. */
export function rawDimsOf(v: RawValues): RawDims {
  const raw: RawDims = {};
  RAW_DIMS.forEach((d, i) => (raw[d] = v[i] ?? null));
  return raw;
}

/**
 * A touch's normalised dimensions, its channel and whether they count as direct; `dimsKey` numbers
 * the distinct (kind, raw spelling) pairs one InputLoader has seen (touches built from them carry
 * it along); `spell` keeps the raw spelling of the label dimensions (source, medium, campaign).
 */
export type TouchDims = Dims &
  Pick<Touch, 'direct'> & {
    dimsKey: number;
    spell: readonly (string | null)[];
  };

/** A touch of these dims (one object shape whoever builds it: the literal, not a spread of `d`). */
export function touchOf(id: number, at: number, kind: TouchKind, d: TouchDims): Touch {
  return {
    id,
    at,
    kind,
    channel: d.channel,
    source: d.source,
    medium: d.medium,
    campaign: d.campaign,
    content: d.content,
    term: d.term,
    city: d.city,
    device: d.device,
    landing: d.landing,
    direct: d.direct,
    dimsKey: d.dimsKey,
  };
}

export interface InputContext {
  norm: Normaliser;
  /** dimensions of an offline visit's own touch (REPORTS.md: «офлайн-визит» ×3, configurable) */
  visitDims?: { source: string; medium: string; campaign: string };
  lookbackMs: number;
  /** city, device and landing are report dimensions (settings.normalisation.touchDetails) */
  touchDetails: boolean;
  toReportCurrency: (amount: string | null, currency: string | null) => number;
}

/** The workspace's rules for deriving conversions and touches. */
export function inputContext(db: Db, settings: Settings): InputContext {
  return {
    norm: workspaceNormaliser(settings),
    lookbackMs: settings.lookbackDays * 86_400_000,
    touchDetails: settings.normalisation.touchDetails === true,
    toReportCurrency: currencyConverter(db, settings.currency),
    visitDims: settings.visits.customSource,
  };
}

export interface BaseRow {
  id: number;
  created_at: number;
  won_at: number | null;
  lead_id: number | null;
  lead_created_at: number | null;
  opportunity: string | null;
  currency_id: string | null;
  category_id: number | null;
  assigned_by_id: number | null;
  source_id: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  utm_content: string | null;
  utm_term: string | null;
  lead_utm_source: string | null;
  lead_utm_medium: string | null;
  lead_utm_campaign: string | null;
  lead_utm_content: string | null;
  lead_utm_term: string | null;
  has_ident: number;
}

interface MatchRow {
  conv: number;
  kind: 'call' | 'request' | 'visit';
  id: number;
  at: number;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  city: string | null;
  device: string | null;
  landing: string | null;
}

/** a call's or request's raw dims, as columns of MatchRow */
const cols = (t: string) => RAW_DIMS.map((d) => `${t}.${d}`).join(', ');

const MATCH = (values: string, withVisits = true) => `WITH v AS MATERIALIZED (${values})
  SELECT v.conv, 'call' AS kind, c.id, c.at, ${cols('c')}
    FROM v CROSS JOIN ident ci ON ci.value = v.value AND ci.owner = 'call' CROSS JOIN ct_call c ON c.id = ci.owner_id
  UNION ALL
  SELECT v.conv, 'request', r.id, r.at, ${cols('r')}
    FROM v CROSS JOIN ident ri ON ri.value = v.value AND ri.owner = 'request' CROSS JOIN ct_request r ON r.id = ri.owner_id
  ${
    withVisits
      ? `UNION ALL
  SELECT v.conv, 'visit', x.id, x.at, @vs, @vm, @vc${', NULL'.repeat(RAW_DIMS.length - 3)}
    FROM v CROSS JOIN ident xi ON xi.value = v.value AND xi.owner = 'visit' CROSS JOIN visit x ON x.id = xi.owner_id AND x.cancelled = 0`
      : ''
  }`;

const SQL = {
  lead: {
    base: `SELECT x.id, x.created_at, NULL AS won_at, NULL AS lead_id, x.created_at AS lead_created_at, x.opportunity, x.currency_id,
                  NULL AS category_id, x.assigned_by_id, x.source_id, x.utm_source, x.utm_medium, x.utm_campaign, x.utm_content, x.utm_term,
                  NULL AS lead_utm_source, NULL AS lead_utm_medium, NULL AS lead_utm_campaign, NULL AS lead_utm_content, NULL AS lead_utm_term,
                  EXISTS (SELECT 1 FROM ident WHERE owner = 'lead' AND owner_id = x.id) AS has_ident
             FROM b24_lead x WHERE x.deleted = 0 AND x.id BETWEEN @lo AND @hi`,
    match: MATCH(`SELECT l.id AS conv, i.value FROM b24_lead l CROSS JOIN ident i ON i.owner = 'lead' AND i.owner_id = l.id
                   WHERE l.deleted = 0 AND l.id BETWEEN @lo AND @hi`),
  },
  deal: {
    base: `SELECT x.id, x.created_at, x.won_at, x.lead_id, l.created_at AS lead_created_at, x.opportunity, x.currency_id,
                  x.category_id, x.assigned_by_id, x.source_id, x.utm_source, x.utm_medium, x.utm_campaign, x.utm_content, x.utm_term,
                  l.utm_source AS lead_utm_source, l.utm_medium AS lead_utm_medium, l.utm_campaign AS lead_utm_campaign,
                  l.utm_content AS lead_utm_content, l.utm_term AS lead_utm_term,
                  (EXISTS (SELECT 1 FROM ident WHERE owner = 'lead' AND owner_id = x.lead_id)
                   OR EXISTS (SELECT 1 FROM b24_deal_contact dc CROSS JOIN ident i ON i.owner = 'contact' AND i.owner_id = dc.contact_id
                               WHERE dc.deal_id = x.id)) AS has_ident
             FROM b24_deal x LEFT JOIN b24_lead l ON l.id = x.lead_id AND l.deleted = 0
            WHERE x.deleted = 0 AND x.id BETWEEN @lo AND @hi`,
    match: MATCH(`SELECT d.id AS conv, i.value FROM b24_deal d CROSS JOIN ident i ON i.owner = 'lead' AND i.owner_id = d.lead_id
                   WHERE d.deleted = 0 AND d.id BETWEEN @lo AND @hi
                  UNION
                  SELECT dc.deal_id, i.value FROM b24_deal_contact dc CROSS JOIN b24_deal d ON d.id = dc.deal_id
                    CROSS JOIN ident i ON i.owner = 'contact' AND i.owner_id = dc.contact_id
                   WHERE d.deleted = 0 AND dc.deal_id BETWEEN @lo AND @hi`),
  },
  // a visit carried by a Bitrix24 deal it created is counted through that deal, not twice
  visit: {
    base: `SELECT x.id, x.at AS created_at, NULL AS won_at, NULL AS lead_id, x.at AS lead_created_at, x.revenue AS opportunity,
                  NULL AS currency_id, NULL AS category_id, NULL AS assigned_by_id, NULL AS source_id, NULL AS utm_source,
                  NULL AS utm_medium, NULL AS utm_campaign, NULL AS utm_content, NULL AS utm_term,
                  NULL AS lead_utm_source, NULL AS lead_utm_medium, NULL AS lead_utm_campaign, NULL AS lead_utm_content, NULL AS lead_utm_term,
                  EXISTS (SELECT 1 FROM ident WHERE owner = 'visit' AND owner_id = x.id) AS has_ident
             FROM visit x WHERE x.cancelled = 0 AND NOT (x.b24_entity = 'deal' AND x.b24_id IS NOT NULL) AND x.id BETWEEN @lo AND @hi`,
    match: MATCH(
      `SELECT x.id AS conv, i.value FROM visit x CROSS JOIN ident i ON i.owner = 'visit' AND i.owner_id = x.id
        WHERE x.cancelled = 0 AND x.id BETWEEN @lo AND @hi`,
      false,
    ),
  },
} as const;

const DEFAULT_VISIT_DIMS = { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' };

export class InputLoader {
  private readonly sourceNames: Map<string, string>;
  private readonly stmts = new Map<string, ReturnType<Db['prepare']>>();
  /** raw dims key → normalised touch dims (cache: the same tuples repeat millions of times) */
  private readonly dimCache = new Map<string, TouchDims>();
  /** every TouchDims handed out, by dimsKey */
  readonly dimsList: TouchDims[] = [];
  /** records that carried each dimsKey's spelling (for the labels; counted by the full recompute's reads) */
  readonly seen: number[] = [];

  constructor(
    private readonly db: Db,
    private readonly ctx: InputContext,
  ) {
    this.sourceNames = new Map(
      (db.prepare("SELECT status_id, name FROM b24_status WHERE entity_id = 'SOURCE'").all() as { status_id: string; name: string }[]).map(
        (r) => [r.status_id, r.name] as const,
      ),
    );
  }

  private stmt(sql: string) {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  private dims(kind: TouchKind, v: RawValues): TouchDims {
    // trailing values left out are null: one key (and dimsKey) whoever builds the values
    const key = `${kind}\u0001${JSON.stringify(RAW_DIMS.map((_, i) => v[i] ?? null))}`;
    let d = this.dimCache.get(key);
    if (!d) {
      const raw = rawDimsOf(v);
      const n = this.ctx.norm.dims(raw, kind);
      d = { ...n, direct: this.ctx.norm.isDirect(n), dimsKey: this.dimsList.length, spell: spellingOf(raw) };
      this.dimCache.set(key, d);
      this.dimsList.push(d);
      this.seen.push(0);
    }
    return d;
  }

  /** Conversions of one kind with ids in [lo, hi]. */
  load(kind: ConvKind, lo: number, hi: number): ConvInput[] {
    const q = SQL[kind];
    const base = this.stmt(q.base).all({ lo, hi }) as BaseRow[];
    if (base.length === 0) return [];
    const matches = new Map<number, MatchRow[]>();
    const vd = this.ctx.visitDims ?? DEFAULT_VISIT_DIMS;
    const params = kind === 'visit' ? { lo, hi } : { lo, hi, vs: vd.source, vm: vd.medium, vc: vd.campaign };
    for (const m of this.stmt(q.match).all(params) as MatchRow[]) {
      let a = matches.get(m.conv);
      if (!a) matches.set(m.conv, (a = []));
      a.push(m);
    }
    return base.map((r) => this.build(kind, r, matches.get(r.id) ?? []));
  }

  /** Conversions of one kind for a list of ids (chunked by id ranges of the sorted list). */
  loadIds(kind: ConvKind, ids: number[]): ConvInput[] {
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    const wanted = new Set(sorted);
    const out: ConvInput[] = [];
    for (let i = 0; i < sorted.length; ) {
      // a run of nearly consecutive ids: a range query costs every record in the range, so
      // scattered ids (a sync touching deals all over the history) are loaded one by one
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1]! - sorted[j]! <= 8 && j - i < 500) j++;
      for (const c of this.load(kind, sorted[i]!, sorted[j]!)) if (wanted.has(c.id)) out.push(c);
      i = j + 1;
    }
    return out;
  }

  private build(kind: ConvKind, r: BaseRow, matched: MatchRow[]): ConvInput {
    const touches: Touch[] = matched.map((t) =>
      touchOf(t.id, t.at, t.kind, this.dims(t.kind, [t.source, t.medium, t.campaign, t.content, t.term, t.city, t.device, t.landing])),
    );
    const ownUtm = this.utmDims([r.utm_source, r.utm_medium, r.utm_campaign, r.utm_content, r.utm_term]);
    const leadUtm =
      kind === 'deal' && r.lead_id !== null && r.lead_created_at !== null
        ? this.utmDims([r.lead_utm_source, r.lead_utm_medium, r.lead_utm_campaign, r.lead_utm_content, r.lead_utm_term])
        : null;
    return this.assemble(kind, r, r.has_ident !== 0, touches, ownUtm, leadUtm);
  }

  /** Normalised dims of a record's UTM fields (RawValues), or null when UTM_SOURCE is empty (no crm_utm touch). */
  utmDims(v: RawValues): TouchDims | null {
    const s = v[0];
    if (!s || s.trim() === '') return null;
    return this.dims('crm_utm', v);
  }

  /** Normalised dims of raw values of a touch of `kind` (cached). */
  normDims(kind: TouchKind, v: RawValues): TouchDims {
    return this.dims(kind, v);
  }

  /**
   * One conversion from its record and its matched touches (normalised, possibly reached twice):
   * adds its own crm_utm (and, for a deal, its lead's), applies the window, the visit and
   * crm_source fallbacks and decides the unattributed reason. `r` needs only the record's own
   * fields (id, created_at, won_at, lead_id, lead_created_at, money, category, assigned, source_id).
   */
  assemble(
    kind: ConvKind,
    r: Pick<BaseRow, 'id' | 'created_at' | 'won_at' | 'lead_id' | 'lead_created_at' | 'opportunity' | 'currency_id' | 'category_id' | 'assigned_by_id' | 'source_id'>,
    hasIdent: boolean,
    matched: readonly Touch[],
    ownUtm: TouchDims | null,
    leadUtm: TouchDims | null,
  ): ConvInput {
    const all: Touch[] = [];
    if (matched.length === 1) all.push(matched[0]!);
    else if (matched.length > 1) {
      const seen = new Set<string>();
      for (const t of matched) {
        const key = `${t.kind}:${t.id}`;
        if (seen.has(key)) continue; // reached through the lead and a contact: counts once
        seen.add(key);
        all.push(t);
      }
    }
    if (ownUtm) all.push(touchOf(r.id, r.created_at, 'crm_utm', ownUtm));
    if (leadUtm && kind === 'deal' && r.lead_id !== null && r.lead_created_at !== null) {
      all.push(touchOf(r.lead_id, r.lead_created_at, 'crm_utm', leadUtm));
    }
    const hasUtm = ownUtm !== null || (leadUtm !== null && kind === 'deal' && r.lead_id !== null && r.lead_created_at !== null);
    const el = eligibleTouches(all, r.created_at, this.ctx.lookbackMs, DEFAULT_TOLERANCE_MS);
    let touches = el.touches;
    let reason: UnattributedReason | null = null;
    if (touches.length === 0 && kind === 'visit') {
      // no call or request to credit: the visit is its own «офлайн-визит» touch
      const vd = this.ctx.visitDims ?? DEFAULT_VISIT_DIMS;
      const d = this.dims('visit', [vd.source, vd.medium, vd.campaign]);
      this.seen[d.dimsKey]!++;
      touches = [touchOf(r.id, r.created_at, 'visit', d)];
    }
    if (touches.length === 0 && r.source_id) {
      const name = this.sourceNames.get(r.source_id) ?? r.source_id;
      const d = this.dims('crm_source', [name, '(crm)']);
      this.seen[d.dimsKey]!++;
      touches = [touchOf(r.id, r.created_at, 'crm_source', d)];
    }
    if (touches.length === 0) {
      reason = !hasIdent && !hasUtm ? 'no_contact' : el.excluded.length > 0 ? 'outside_window' : 'no_match';
    }
    return {
      kind,
      id: r.id,
      at: r.created_at,
      wonAt: r.won_at,
      revenue: kind === 'lead' ? 0 : this.ctx.toReportCurrency(r.opportunity, r.currency_id),
      category: r.category_id,
      assigned: r.assigned_by_id,
      cohortAt: r.lead_created_at ?? r.created_at,
      touches,
      excluded: el.excluded,
      reason,
    };
  }
}
