// The full recompute reads conversions through BulkInputs (sequential scans); incremental and
// explain read them through InputLoader (per-range lookups). Both must give the same conversions.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BulkInputs } from '../../src-main/engine/attribution/bulk';
import { IdentityLinks } from '../../src-main/engine/attribution/identity-links';
import { doubled } from '../../src-main/engine/typed-arrays';
import { InputLoader, inputContext, type ConvKind } from '../../src-main/engine/attribution/inputs';
import { Materialiser } from '../../src-main/engine/attribution/materialise';
import { addLogSink } from '../../src-main/engine/log';
import { DAY, Fixture, msk } from '../reports/fixture';

function world(): Fixture {
  const f = new Fixture();
  const T = msk('2026-03-10');
  const ph = (i: number) => `+7925${String(3000000 + i).padStart(7, '0')}`;
  f.ws.updateMeta({
    settings: { ...f.ws.settings, normalisation: { ...f.ws.settings.normalisation, aliases: { 'yandex.ru': 'yandex', ya: 'yandex.ru' } } },
  });
  for (let i = 1; i <= 40; i++) {
    f.call(T - (i % 5) * DAY, ph(i), [['Yandex.ru', 'ya', 'google', '(direct)', ' vk '][i % 5]!, i % 5 === 3 ? '(none)' : 'CPC', `c${i % 3}`]);
    if (i % 4 === 0) f.call(T - 100 * DAY, ph(i), ['old', 'cpc']); // outside the window
    if (i % 6 === 0) f.call(T + 2 * DAY, ph(i), ['later', 'cpc']); // after the conversion
    if (i % 3 === 0) f.request(T - DAY, `u${i}@example.com`, ['telegram', 'social']);
  }
  for (let i = 1; i <= 30; i++) {
    f.lead(100 + i, T + i * 3600_000, {
      phone: i % 7 === 0 ? undefined : ph(i),
      email: i % 3 === 0 ? `u${i}@example.com` : undefined,
      utm: i % 5 === 0 ? ['Yandex.RU', 'cpc', 'brand'] : i % 11 === 0 ? ['  ', 'cpc'] : undefined,
      sourceId: i % 2 ? 'CALL' : undefined,
    });
  }
  f.ws.db.prepare('UPDATE b24_lead SET deleted = 1 WHERE id = 105').run();
  f.contact(900, ph(2));
  f.contact(901, ph(33)); // a contact whose phone only calls carry
  f.contact(902, '+79250000000'); // no call at all
  for (let i = 1; i <= 30; i++) {
    f.deal(100 + i, msk('2026-03-12') + i * 3600_000, {
      leadId: i % 4 === 0 ? undefined : 100 + i, // deal 105's lead is deleted; ids equal the lead's (crm_utm ids collide)
      contactId: i % 5 === 0 ? 900 : i % 9 === 0 ? 901 : i % 13 === 0 ? 902 : undefined,
      wonAt: i % 2 ? msk('2026-03-20') : undefined,
      amount: String(1000 * i),
      currency: i % 6 === 0 ? 'USD' : 'RUB',
      utm: i % 3 === 0 ? ['google', 'cpc', 'deal'] : undefined,
    });
  }
  f.deal(500, T, { contactId: 902 });
  f.visit(1, T - DAY, { phones: [ph(1)], revenue: '500' });
  f.visit(2, T + DAY, { phones: [ph(8)], cancelled: true });
  f.visit(3, T + 3 * DAY, { phones: ['+79251111111'], revenue: '700' });
  return f;
}

describe('BulkInputs', () => {
  it('returns the same conversions as InputLoader, chunk by chunk', () => {
    const f = world();
    const ctx = inputContext(f.ws.db, f.ws.settings);
    // one loader: both number the dims they hand out (TouchDims.dimsKey) in the order first seen
    const loader = new InputLoader(f.ws.db, ctx);
    const bulk = new BulkInputs(f.ws.db, ctx, loader);
    let seen = 0;
    for (const kind of ['lead', 'deal', 'visit'] as ConvKind[]) {
      for (const [lo, hi] of [
        [0, 109],
        [110, 119],
        [120, 600],
      ]) {
        const a = bulk.load(kind, lo!, hi!);
        expect(a).toEqual(loader.load(kind, lo!, hi!));
        seen += a.length;
      }
    }
    expect(seen).toBe(29 + 31 + 2);
  });

  it('a full recompute equals incremental recomputes of every conversion', () => {
    const f = world();
    new Materialiser(f.ws.db, f.ws.settings).full();
    const full = f.ws.db.prepare('SELECT kind, ref_id, at, day, won_day, cohort_day, revenue, category, assigned, reason, touches FROM conv ORDER BY kind, ref_id').all();
    const rollup = f.ws.db.prepare('SELECT * FROM rollup ORDER BY model, day, tuple_id').all();
    // mark everything dirty: the incremental path rebuilds each conversion through InputLoader
    f.ws.db.exec('INSERT OR IGNORE INTO dirty_conv SELECT kind, ref_id FROM conv');
    new Materialiser(f.ws.db, f.ws.settings).incremental();
    expect(f.ws.db.prepare('SELECT kind, ref_id, at, day, won_day, cohort_day, revenue, category, assigned, reason, touches FROM conv ORDER BY kind, ref_id').all()).toEqual(full);
    const after = f.ws.db.prepare('SELECT * FROM rollup ORDER BY model, day, tuple_id').all() as Record<string, number>[];
    expect(after.length).toBe(rollup.length);
    after.forEach((r, i) => {
      for (const [k, v] of Object.entries(rollup[i] as Record<string, number>)) expect(r[k]).toBeCloseTo(v, 9);
    });
  });

  it('identity links read in two ranges of values are those read in one', () => {
    const f = world();
    const db = f.ws.db;
    const whole = IdentityLinks.scan(db);
    const split = IdentityLinks.splitValue(db, 0.5)!;
    expect(split).toMatch(/^\+7925|@/);
    const first = IdentityLinks.scan(db, { below: split });
    const halves = first.with(IdentityLinks.scan(db, { from: split }));
    const refs = (each: (id: number, f: (r: number) => void) => void, id: number) => {
      const out: number[] = [];
      each(id, (r) => out.push(r));
      return out.sort((a, b) => a - b);
    };
    const leads = (db.prepare('SELECT id FROM b24_lead').pluck().all() as number[]).concat(9999);
    const contacts = (db.prepare('SELECT id FROM b24_contact').pluck().all() as number[]).concat(9999);
    let linked = 0;
    for (const id of leads) {
      expect(refs((i, g) => halves.eachLeadTouch(i, g), id)).toEqual(refs((i, g) => whole.eachLeadTouch(i, g), id));
      expect(halves.leadHasIdent(id)).toBe(whole.leadHasIdent(id));
      linked += refs((i, g) => whole.eachLeadTouch(i, g), id).length;
    }
    for (const id of contacts) {
      expect(refs((i, g) => halves.eachContactTouch(i, g), id)).toEqual(refs((i, g) => whole.eachContactTouch(i, g), id));
      expect(halves.contactHasIdent(id)).toBe(whole.contactHasIdent(id));
    }
    expect(linked).toBeGreaterThan(30);
    // and each half alone misses some
    expect(leads.some((id) => refs((i, g) => first.eachLeadTouch(i, g), id).length < refs((i, g) => whole.eachLeadTouch(i, g), id).length)).toBe(true);
  });

  it('a full recompute reads the same through the reader thread as in this thread', () => {
    const f = world();
    const tables = ['conv', 'rollup', 'rollup_cohort', 'rollup_tracking', 'dim_tuple'];
    const dump = () => Object.fromEntries(tables.map((t) => [t, f.ws.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]));
    // a full recompute numbers the tuples busiest first by the attribution before it: after one, the numbering holds
    new Materialiser(f.ws.db, f.ws.settings).full(undefined, 'here');
    const here = new Materialiser(f.ws.db, f.ws.settings).full(undefined, 'here');
    const inThread = dump();
    expect(inThread.conv!.length).toBe(29 + 31 + 2);
    expect(inThread.rollup_tracking!.length).toBeGreaterThan(0);
    const progress: number[] = [];
    const threaded = new Materialiser(f.ws.db, f.ws.settings).full((done) => progress.push(done), 'thread');
    expect(threaded.conversions).toBe(here.conversions);
    expect(progress.at(-1)).toBe(here.conversions);
    expect(dump()).toEqual(inThread);
  });

  it('a reader thread that fails: the recompute is redone in this thread, and the log says why', () => {
    const f = world();
    // twice: the second numbers the tuples busiest first, as the recompute below will
    new Materialiser(f.ws.db, f.ws.settings).full(undefined, 'here');
    new Materialiser(f.ws.db, f.ws.settings).full(undefined, 'here');
    const expected = f.ws.db.prepare('SELECT * FROM conv ORDER BY id').all();
    f.ws.db.exec('DELETE FROM conv; DELETE FROM meta WHERE key = \'attribution_rules\'');
    // the reader's connection cannot open a database that is not there
    const db = f.ws.db;
    const elsewhere = new Proxy(db, {
      get: (t, k) => {
        if (k === 'name') return join(tmpdir(), 'skvoz-no-such-dir', 'skvoz.db');
        const v: unknown = Reflect.get(t, k, t);
        return typeof v === 'function' ? v.bind(t) : v;
      },
    });
    const lines: string[] = [];
    const stop = addLogSink((l) => lines.push(l));
    try {
      const r = new Materialiser(elsewhere, f.ws.settings).full(undefined, 'thread');
      expect(r.conversions).toBe(29 + 31 + 2);
    } finally {
      stop();
    }
    expect(lines.some((l) => l.includes('WARN') && l.includes('Чтение данных для атрибуции прервалось'))).toBe(true);
    // the same rows, ids included, as a recompute read in this thread
    expect(f.ws.db.prepare('SELECT * FROM conv ORDER BY id').all()).toEqual(expected);
  });
});

describe('doubled', () => {
  it('keeps the values and the array type, with twice the room', () => {
    const a = Float64Array.of(1.5, -2, 3);
    const b = doubled(a);
    expect(b).toBeInstanceOf(Float64Array);
    expect(b.length).toBe(16);
    expect([...b.subarray(0, 3)]).toEqual([1.5, -2, 3]);
    const big = doubled(new Int32Array(40).fill(7));
    expect(big).toBeInstanceOf(Int32Array);
    expect(big.length).toBe(80);
    expect(big[39]).toBe(7);
    expect(big[40]).toBe(0);
  });
});
