import { existsSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, DbFromFutureError, migrate, schemaVersion } from '../../src-main/engine/db/migrate';
import { MIGRATIONS } from '../../src-main/engine/db/migrations';
import { openDatabase, closeDatabase } from '../../src-main/engine/db/open';
import { snapshot } from './schema';
import { tupleMask } from '../../src-main/engine/attribution/tuples';

const SNAPSHOT = join(import.meta.dirname, 'schema-snapshot.json');

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('0001 creates the raw tables and they accept a lead, a deal, a call and an identity', () => {
    const db = new Database(':memory:');
    expect(migrate(db, 1)).toBe(1);
    db.prepare('INSERT INTO b24_lead (id, created_at, modified_at) VALUES (1, 1000, 1000)').run();
    db.prepare('INSERT INTO b24_deal (id, created_at, modified_at, lead_id) VALUES (7, 2000, 2000, 1)').run();
    db.prepare("INSERT INTO ct_call (site_id, call_id, at, raw) VALUES (43769, 5, 900, '{}')").run();
    db.prepare("INSERT INTO ident (owner, owner_id, kind, value) VALUES ('lead', 1, 'phone', '+79161234567')").run();
    expect(() => db.prepare("INSERT INTO ident (owner, owner_id, kind, value) VALUES ('lead', 1, 'fax', 'x')").run()).toThrow();
    expect(() => db.prepare("INSERT INTO ct_call (site_id, call_id, at, raw) VALUES (43769, 5, 901, '{}')").run()).toThrow(/UNIQUE/);
    db.close();
  });

  it('0002 keeps existing rows and from then on marks changed inputs dirty through triggers', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    db.prepare('INSERT INTO b24_lead (id, created_at, modified_at) VALUES (1, 1000, 1000)').run();
    expect(migrate(db, 2)).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM b24_lead').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM dirty_conv').get()).toEqual({ n: 0 });
    db.prepare('UPDATE b24_lead SET title = ? WHERE id = 1').run('x');
    db.prepare('INSERT INTO b24_deal (id, created_at, modified_at, lead_id) VALUES (7, 2000, 2000, 1)').run();
    db.prepare("INSERT INTO ct_call (site_id, call_id, at, raw) VALUES (1, 5, 1800000, '{}')").run();
    db.prepare("INSERT INTO ident (owner, owner_id, kind, value) VALUES ('call', 1, 'phone', '+79161234567')").run();
    expect(db.prepare('SELECT kind, ref_id FROM dirty_conv ORDER BY kind').all()).toEqual([
      { kind: 1, ref_id: 1 },
      { kind: 2, ref_id: 7 },
    ]);
    expect(db.prepare('SELECT value FROM dirty_value').all()).toEqual([{ value: '+79161234567' }]);
    expect(db.prepare('SELECT slot FROM dirty_slot').all()).toEqual([{ slot: 2 }]);
    // an upsert that changes nothing relevant leaves no dirty slot
    db.exec('DELETE FROM dirty_slot');
    db.prepare("UPDATE ct_call SET raw = '{\"a\":1}' WHERE call_id = 5").run();
    expect(db.prepare('SELECT count(*) AS n FROM dirty_slot').get()).toEqual({ n: 0 });
    db.close();
  });

  it('0003 adds visits and the outbox; a new visit is marked dirty for attribution', () => {
    const db = new Database(':memory:');
    migrate(db, 2);
    db.prepare('INSERT INTO b24_lead (id, created_at, modified_at) VALUES (1, 1000, 1000)').run();
    expect(migrate(db, 3)).toBe(3);
    db.exec('DELETE FROM dirty_conv');
    db.prepare("INSERT INTO visit (order_number, at, status, created_at, updated_at) VALUES ('skvoz-1', 5, 'Визит', 5, 5)").run();
    expect(db.prepare('SELECT kind, ref_id FROM dirty_conv').all()).toEqual([{ kind: 3, ref_id: 1 }]);
    expect(() => db.prepare("INSERT INTO visit (order_number, at, status, created_at, updated_at) VALUES ('skvoz-1', 6, 'x', 6, 6)").run()).toThrow(/UNIQUE/);
    expect(() =>
      db.prepare("INSERT INTO outbox (target, op, visit_id, order_number, state, created_at, updated_at) VALUES ('calltouch', 'create', 1, 'skvoz-1', 'lost', 1, 1)").run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('0004 adds the outbox verify flag, the sent payload and the visit status time, keeping rows', () => {
    const db = new Database(':memory:');
    migrate(db, 3);
    db.prepare("INSERT INTO visit (order_number, at, status, created_at, updated_at) VALUES ('skvoz-1', 5, 'Визит', 5, 5)").run();
    db.prepare("INSERT INTO outbox (target, op, visit_id, order_number, created_at, updated_at) VALUES ('calltouch', 'create', 1, 'skvoz-1', 5, 5)").run();
    expect(migrate(db, 4)).toBe(4);
    expect(db.prepare('SELECT state, verify, payload FROM outbox').get()).toEqual({ state: 'queued', verify: 0, payload: null });
    expect(db.prepare('SELECT status_at FROM visit').get()).toEqual({ status_at: null });
    db.prepare("INSERT INTO outbox (target, op, b24_deal_id, order_number, verify, payload, created_at, updated_at) VALUES ('calltouch', 'create', 7, 'b24-deal-7', 1, '{}', 6, 6)").run();
    expect(db.prepare('SELECT order_number FROM outbox WHERE b24_deal_id = 7').get()).toEqual({ order_number: 'b24-deal-7' });
    db.close();
  });

  it('0007 adds the list of won deals waiting for their won time, keeping rows', () => {
    const db = new Database(':memory:');
    migrate(db, 6);
    db.prepare('INSERT INTO b24_deal (id, created_at, modified_at) VALUES (7, 2000, 2000)').run();
    expect(migrate(db, 7)).toBe(7);
    expect(db.prepare('SELECT count(*) AS n FROM b24_deal').get()).toEqual({ n: 1 });
    db.prepare("INSERT INTO b24_won_pending (deal_id, first_failed_at, last_error) VALUES (7, 5, 'OPERATION_TIME_LIMIT')").run();
    expect(db.prepare('SELECT attempts FROM b24_won_pending').get()).toEqual({ attempts: 1 });
    db.close();
  });

  it('applies all pending steps in one transaction: a failing step leaves version and schema untouched', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE x (a); SELECT * FROM nope;') }];
    MIGRATIONS.push(broken[broken.length - 1]!);
    try {
      expect(() => migrate(db, MIGRATIONS.length)).toThrow(/nope/);
      expect(schemaVersion(db)).toBe(0);
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'b24_lead'").get()).toEqual({ n: 0 });
    } finally {
      MIGRATIONS.pop();
      db.close();
    }
  });

  it('refuses a database from a newer version with a clear Russian message and does not touch it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skvoz-db-'));
    const file = join(dir, 'skvoz.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 5}`);
    raw.close();
    expect(() => openDatabase(file)).toThrow(DbFromFutureError);
    expect(() => openDatabase(file)).toThrow(/более новой версией Skvoz/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 5);
    again.close();
  });

  it('0009 backfills city, device, landing and the other enrichment fields from the stored raw records', () => {
    const db = new Database(':memory:');
    migrate(db, 8);
    const call = {
      callId: 5,
      city: 'Москва',
      url: 'https://example.ru/sofas/?utm_source=yandex',
      ref: 'https://yandex.ru/',
      yaClientId: '1710400000123456789',
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148',
      yandexDirect: { campaignId: 81234567, adGroupId: '5123456789', adId: 14123456789, criteriaId: 41234567890 },
    };
    const request = { requestId: 9, requestUrl: 'https://example.ru/contacts/', session: { city: 'Казань', device: 'desktop', yaClientId: 'null' } };
    db.prepare('INSERT INTO ct_call (site_id, call_id, at, city, raw) VALUES (1, 5, 1800000, ?, ?)').run('Москва', JSON.stringify(call));
    db.prepare("INSERT INTO ct_call (site_id, call_id, at, raw) VALUES (1, 6, 1800000, 'not json')").run();
    db.prepare('INSERT INTO ct_request (site_id, request_id, at, raw) VALUES (1, 9, 1800000, ?)').run(JSON.stringify(request));
    db.prepare("INSERT INTO meta (key, value) VALUES ('attribution_rules', 'x')").run();
    expect(migrate(db, 9)).toBe(9);
    expect(db.prepare('SELECT city, device, landing, referrer, ya_client_id, ga_client_id, yd_campaign_id, yd_ad_group_id, yd_ad_id, yd_keyword_id FROM ct_call ORDER BY call_id').all()).toEqual([
      {
        city: 'Москва',
        device: 'mobile',
        landing: 'https://example.ru/sofas/?utm_source=yandex',
        referrer: 'https://yandex.ru/',
        ya_client_id: '1710400000123456789',
        ga_client_id: null,
        yd_campaign_id: '81234567',
        yd_ad_group_id: '5123456789',
        yd_ad_id: '14123456789',
        yd_keyword_id: '41234567890',
      },
      { city: null, device: null, landing: null, referrer: null, ya_client_id: null, ga_client_id: null, yd_campaign_id: null, yd_ad_group_id: null, yd_ad_id: null, yd_keyword_id: null },
    ]);
    expect(db.prepare('SELECT city, device, landing, ya_client_id FROM ct_request').get()).toEqual({
      city: 'Казань',
      device: 'desktop',
      landing: 'https://example.ru/contacts/',
      ya_client_id: null,
    });
    // the attribution is recomputed with the new dimensions; backfilling left nothing dirty
    expect(db.prepare("SELECT count(*) AS n FROM meta WHERE key = 'attribution_rules'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM dirty_slot').get()).toEqual({ n: 0 });
    // from now on a changed landing page marks the call's slot dirty as a changed UTM does
    db.prepare("UPDATE ct_call SET landing = 'https://example.ru/other/' WHERE call_id = 5").run();
    expect(db.prepare('SELECT slot FROM dirty_slot').all()).toEqual([{ slot: 2 }]);
    db.close();
  });

  it('0011 gives every stored conversion the tuple mask a recompute writes, and indexes it by kind and day', () => {
    const db = new Database(':memory:');
    migrate(db, 10);
    const touches = [[], [[3, 1, 0]], [[3, 1, 0], [3, 2, 1], [7, 3, 0]], [[50, 1, 0], [51, 2, 0], [260, 3, 0]], [[0 + 104, 1, 0]]];
    const insert = db.prepare('INSERT INTO conv (kind, ref_id, at, day, cohort_day, touches) VALUES (2, ?, 0, 20260101, 20260101, ?)');
    touches.forEach((t, i) => insert.run(i + 1, JSON.stringify(t)));
    expect(migrate(db, 11)).toBe(11);
    const masks = db.prepare('SELECT tmask FROM conv ORDER BY ref_id').pluck().all();
    expect(masks).toEqual(touches.map((t) => tupleMask(t.map(([id]) => id!))));
    // by hand: no touches 0; tuple 3 → bit 3; 3 and 7; 50 its own bit, 51 and later the shared last one
    expect(masks).toEqual([0, 2 ** 3, 2 ** 3 + 2 ** 7, 2 ** 50 + 2 ** 51, 2 ** 51]);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT ref_id FROM conv WHERE kind = 2 AND day BETWEEN 20260101 AND 20260131 AND (tmask & 8) <> 0').all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/USING INDEX conv_day \(kind=\? AND day>\? AND day<\?\)/);
    db.close();
  });

  it('openDatabase sets WAL, foreign keys and NORMAL synchronous on a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skvoz-db-'));
    const db = openDatabase(join(dir, 'skvoz.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    closeDatabase(db);
  });

  it('matches the committed schema snapshot (UPDATE_SCHEMA_SNAPSHOT=1 to rewrite after a new migration)', () => {
    const db = new Database(':memory:');
    migrate(db);
    const snap = snapshot(db);
    db.close();
    if (process.env.UPDATE_SCHEMA_SNAPSHOT === '1' || !existsSync(SNAPSHOT)) {
      writeFileSync(SNAPSHOT, `${JSON.stringify(snap, null, 2)}\n`);
    }
    expect(snap).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });
});
