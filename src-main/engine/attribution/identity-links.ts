// Which calls, requests and visits share a phone or e-mail with which leads and contacts (MATCH
// in inputs.ts), from one pass over the identity table in value order. Plain typed arrays, so a
// full recompute can build them in one thread and hand them to the reader in another.
import type { Db } from '../db/open';
import { doubled } from '../typed-arrays';

export const T_CALL = 0;
export const T_REQUEST = 1;
export const T_VISIT = 2;

/** id → small int, dense over the id range a table reports, with a map for anything outside it. */
export class IntMap {
  constructor(
    private readonly lo: number,
    private readonly dense: Int32Array,
    private readonly extra = new Map<number, number>(),
  ) {}

  static over(lo: number | null, hi: number | null, count: number): IntMap {
    const span = lo === null || hi === null ? 0 : hi - lo + 1;
    // dense only when the ids are not too sparse (Bitrix24 and SQLite ids are nearly consecutive)
    const ok = span > 0 && span <= 4 * count + 65_536;
    return new IntMap(ok ? lo! : 0, new Int32Array(ok ? span : 0).fill(-1));
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

  toData(): IntMapData {
    return { lo: this.lo, dense: this.dense, extra: this.extra };
  }

  static fromData(d: IntMapData): IntMap {
    return new IntMap(d.lo, d.dense, d.extra);
  }
}

interface IntMapData {
  lo: number;
  dense: Int32Array;
  extra: Map<number, number>;
}

/** Per holder (lead or contact) a singly linked list of touch references (id × 4 + kind). */
class Links {
  constructor(
    readonly heads: IntMap,
    private next: Int32Array = new Int32Array(1 << 16),
    private ref: Float64Array = new Float64Array(1 << 16),
    private n = 0,
  ) {}

  add(holder: number, ref: number): void {
    if (this.n === this.next.length) {
      this.next = doubled(this.next);
      this.ref = doubled(this.ref);
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

  toData(): LinksData {
    return { heads: this.heads.toData(), next: this.next, ref: this.ref, n: this.n };
  }

  static fromData(d: LinksData): Links {
    return new Links(IntMap.fromData(d.heads), d.next, d.ref, d.n);
  }
}

interface LinksData {
  heads: IntMapData;
  next: Int32Array;
  ref: Float64Array;
  n: number;
}

interface PartData {
  leads: LinksData;
  contacts: LinksData;
  leadIdent: IntMapData;
  contactIdent: IntMapData;
}

export type IdentityLinksData = PartData[];

type Range = { lo: number | null; hi: number | null; n: number };

/** The links found in one range of values. */
class Part {
  constructor(
    /** touches sharing a phone/e-mail with the lead / the contact */
    readonly leads: Links,
    readonly contacts: Links,
    /** 1 when the lead / contact has any phone or e-mail */
    readonly leadIdent: IntMap,
    readonly contactIdent: IntMap,
  ) {}

  toData(): PartData {
    return { leads: this.leads.toData(), contacts: this.contacts.toData(), leadIdent: this.leadIdent.toData(), contactIdent: this.contactIdent.toData() };
  }

  static fromData(d: PartData): Part {
    return new Part(Links.fromData(d.leads), Links.fromData(d.contacts), IntMap.fromData(d.leadIdent), IntMap.fromData(d.contactIdent));
  }
}

/**
 * The links of all values, possibly found in parts (value ranges read by different threads): a
 * holder's touches are those of every part.
 */
export class IdentityLinks {
  private constructor(private readonly parts: readonly Part[]) {}

  eachLeadTouch(lead: number, f: (ref: number) => void): void {
    for (const p of this.parts) p.leads.each(lead, f);
  }

  eachContactTouch(contact: number, f: (ref: number) => void): void {
    for (const p of this.parts) p.contacts.each(contact, f);
  }

  leadHasIdent(lead: number): boolean {
    for (const p of this.parts) if (p.leadIdent.get(lead) === 1) return true;
    return false;
  }

  contactHasIdent(contact: number): boolean {
    for (const p of this.parts) if (p.contactIdent.get(contact) === 1) return true;
    return false;
  }

  /** These links and those of another range of values. */
  with(other: IdentityLinks): IdentityLinks {
    return new IdentityLinks([...this.parts, ...other.parts]);
  }

  /** The value that has about `share` of the identity rows before it (null: none). A value's rows all fall on one side of it. */
  static splitValue(db: Db, share: number): string | null {
    let n: number;
    try {
      // the row count ANALYZE noted (`pragma optimize` keeps it fresh enough for a split)
      n = Number.parseInt(String(db.prepare("SELECT stat FROM sqlite_stat1 WHERE tbl = 'ident' AND idx = 'ident_value'").pluck().get() ?? ''), 10);
    } catch {
      n = Number.NaN; // no statistics table yet
    }
    if (!Number.isFinite(n)) n = db.prepare('SELECT count(*) FROM ident').pluck().get() as number;
    if (!(n >= 2)) return null;
    return (db.prepare('SELECT value FROM ident ORDER BY value LIMIT 1 OFFSET ?').pluck().get(Math.floor(n * share)) as string | undefined) ?? null;
  }

  /**
   * Reads the identity table once, in value order (each value's records come together); only
   * values ≥ `from` and < `below` when given.
   */
  static scan(db: Db, values: { from?: string | null; below?: string | null } = {}): IdentityLinks {
    const range = (table: string) => db.prepare(`SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM ${table}`).get() as Range;
    const l = range('b24_lead');
    const c = range('b24_contact');
    const part = new Part(new Links(IntMap.over(l.lo, l.hi, l.n)), new Links(IntMap.over(c.lo, c.hi, c.n)), IntMap.over(l.lo, l.hi, l.n), IntMap.over(c.lo, c.hi, c.n));
    const refs: number[] = [];
    const leads: number[] = [];
    const contacts: number[] = [];
    let current: string | null = null;
    const flush = () => {
      if (refs.length > 0) {
        for (const h of leads) for (const r of refs) part.leads.add(h, r);
        for (const h of contacts) for (const r of refs) part.contacts.add(h, r);
      }
      refs.length = 0;
      leads.length = 0;
      contacts.length = 0;
    };
    const where = [values.from != null ? 'value >= @from' : null, values.below != null ? 'value < @below' : null].filter(Boolean);
    const st = db.prepare(`SELECT value, owner, owner_id FROM ident ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY value`).raw(true);
    const params = { ...(values.from != null && { from: values.from }), ...(values.below != null && { below: values.below }) };
    for (const [value, owner, id] of st.iterate(params) as IterableIterator<[string, string, number]>) {
      if (value !== current) {
        flush();
        current = value;
      }
      switch (owner) {
        case 'call':
          refs.push(id * 4 + T_CALL);
          break;
        case 'request':
          refs.push(id * 4 + T_REQUEST);
          break;
        case 'visit':
          refs.push(id * 4 + T_VISIT);
          break;
        case 'lead':
          part.leadIdent.set(id, 1);
          leads.push(id);
          break;
        case 'contact':
          part.contactIdent.set(id, 1);
          contacts.push(id);
          break;
      }
    }
    flush();
    return new IdentityLinks([part]);
  }

  toData(): IdentityLinksData {
    return this.parts.map((p) => p.toData());
  }

  /** The buffers of toData() (moved to another thread, not copied). */
  static transferables(d: IdentityLinksData): ArrayBuffer[] {
    return d
      .flatMap((p) => [p.leads.heads.dense, p.leads.next, p.leads.ref, p.contacts.heads.dense, p.contacts.next, p.contacts.ref, p.leadIdent.dense, p.contactIdent.dense])
      .map((a) => a.buffer as ArrayBuffer);
  }

  static fromData(d: IdentityLinksData): IdentityLinks {
    return new IdentityLinks(d.map((p) => Part.fromData(p)));
  }
}
