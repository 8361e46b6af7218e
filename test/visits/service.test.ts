// The engine API the screen uses: create through the contract, list with counts and filters,
// match preview from the local cache, identities for the reports.
import { describe, expect, it } from 'vitest';
import { SettingsSchema } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import type { Workspace } from '../../src-main/engine/workspace';
import { SITE, harness, makeWorkspace, visitInput } from './helpers';

const DAY = 86_400_000;
const AT = Date.parse('2026-05-20T11:30:00Z');

function call(ws: Workspace, id: number, at: number, phone: string, utm: [string, string, string], siteId = SITE): void {
  const r = ws.db
    .prepare("INSERT INTO ct_call (site_id, call_id, at, phone, source, medium, campaign, raw) VALUES (?, ?, ?, ?, ?, ?, ?, '{}')")
    .run(siteId, id, at, phone, ...utm);
  ws.db.prepare("INSERT INTO ident (owner, owner_id, kind, value) VALUES ('call', ?, 'phone', ?)").run(Number(r.lastInsertRowid), phone);
}

function request(ws: Workspace, id: number, at: number, email: string, utm: [string, string, string]): void {
  const r = ws.db
    .prepare("INSERT INTO ct_request (site_id, request_id, at, source, medium, campaign, raw) VALUES (?, ?, ?, ?, ?, ?, '{}')")
    .run(SITE, id, at, ...utm);
  ws.db.prepare("INSERT INTO ident (owner, owner_id, kind, value) VALUES ('request', ?, 'email', ?)").run(Number(r.lastInsertRowid), email);
}

describe('match preview', () => {
  it('the nearest earlier call by phone wins over a nearer request (callContact comes first)', () => {
    const h = harness();
    call(h.ws, 1, AT - 10 * DAY, '+79161234567', ['google', 'cpc', 'old']);
    call(h.ws, 2, AT - 3 * DAY, '+79161234567', ['yandex', 'cpc', 'sofas']);
    call(h.ws, 3, AT + DAY, '+79161234567', ['later', 'x', 'y']);
    request(h.ws, 1, AT - DAY, 'anna@example.ru', ['vk', 'social', 'promo']);
    const q = { phones: ['+79161234567'], emails: ['anna@example.ru'], at: new Date(AT).toISOString(), siteId: null };
    expect(h.service.preview(q)).toEqual({
      match: { kind: 'call', at: new Date(AT - 3 * DAY).toISOString(), source: 'yandex', medium: 'cpc', campaign: 'sofas' },
      message: 'Calltouch, скорее всего, свяжет визит со звонком 17.05.2026 14:30 — yandex / cpc / sofas',
    });
    expect(h.service.preview({ ...q, phones: [] }).match).toMatchObject({ kind: 'request', source: 'vk' });
    h.ws.close();
  });

  it('nothing within 180 days before (or another site only) → «будет записан как офлайн-визит»', () => {
    const h = harness();
    call(h.ws, 1, AT - 181 * DAY, '+79161234567', ['google', 'cpc', 'old']);
    call(h.ws, 2, AT - DAY, '+79161234567', ['yandex', 'cpc', 'x'], 999);
    const q = { phones: ['+79161234567'], emails: [], at: new Date(AT).toISOString(), siteId: SITE };
    const p = h.service.preview(q);
    expect(p.match).toBeNull();
    expect(p.message).toMatch(/будет записан как офлайн-визит$/);
    expect(h.service.preview({ ...q, siteId: null }).match).toMatchObject({ source: 'yandex' });
    h.ws.close();
  });
});

describe('visits through the engine contract', () => {
  it('create validates with Russian field messages, writes identities, marks the visit for attribution', async () => {
    const ws = makeWorkspace();
    const dir = ws.dir;
    ws.close();
    const events: unknown[] = [];
    const engine = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), emit: (e, p) => events.push([e, p]) });
    const bad = await engine.dispatch('visits:create', { phones: ['12'], at: '2026-05-20T14:30:00+03:00', revenue: '-5' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', fields: { 'phones.0': 'Не похоже на телефон: «12»', revenue: expect.stringMatching(/не меньше нуля/) } } });
    const ok = await engine.dispatch('visits:create', { phones: ['8 (916) 123-45-67'], emails: ['Anna@Example.ru'], at: '2026-05-20T14:30:00+03:00', revenue: '1 500,5' });
    expect(ok).toMatchObject({ ok: true, value: { state: 'queued', siteId: SITE, revenue: '1500.50', phones: ['+79161234567'], status: 'Визит', cancellable: true } });
    expect(events.at(-1)).toEqual(['visits:changed', expect.objectContaining({ queued: 1 })]);
    const db = engine.workspace.db;
    expect(db.prepare("SELECT kind, value FROM ident WHERE owner = 'visit' ORDER BY kind").all()).toEqual([
      { kind: 'email', value: 'anna@example.ru' },
      { kind: 'phone', value: '+79161234567' },
    ]);
    expect(db.prepare('SELECT count(*) FROM dirty_conv WHERE kind = 3').pluck().get()).toBe(1);
    const edited = await engine.dispatch('visits:update', { id: 1, emails: ['ivan@example.ru'] });
    expect(edited).toMatchObject({ ok: true, value: { emails: ['ivan@example.ru'], revenue: '1500.50' } });
    expect(db.prepare("SELECT value FROM ident WHERE owner = 'visit' AND kind = 'email'").pluck().all()).toEqual(['ivan@example.ru']);
    await engine.close();
  });

  it('list: counts for the badge, state filter, search, recent statuses, newest first', () => {
    const h = harness();
    const a = h.service.create(visitInput({ name: 'Анна Петрова', status: 'Запись', at: '2026-05-18T10:00:00+03:00' }));
    h.service.create(visitInput({ emails: ['ivan@example.ru'], at: '2026-05-19T10:00:00+03:00' }));
    const c = h.service.create(visitInput({ phones: ['+79035556677'], at: '2026-05-20T10:00:00+03:00' }));
    h.service.cancel(c.id);
    const all = h.service.list({ offset: 0, limit: 10 });
    expect(all.total).toBe(3);
    expect(all.items.map((x) => x.at)).toEqual(['2026-05-20T07:00:00.000Z', '2026-05-19T07:00:00.000Z', '2026-05-18T07:00:00.000Z']);
    expect(all.counts).toEqual({ queued: 2, sending: 0, sent: 0, failed: 0, rejected: 0, cancelled: 1, withErrors: 0, queuedWithError: 0 });
    expect(all.recentStatuses).toEqual(['Визит', 'Запись']);
    expect(h.service.list({ states: ['cancelled'], offset: 0, limit: 10 }).items.map((x) => x.id)).toEqual([c.id]);
    expect(h.service.list({ search: 'петров', offset: 0, limit: 10 }).items.map((x) => x.id)).toEqual([a.id]);
    expect(h.service.list({ search: '903 555', offset: 0, limit: 10 }).items.map((x) => x.id)).toEqual([c.id]);
    expect(h.service.list({ search: 'IVAN@', offset: 0, limit: 10 }).total).toBe(1);
    h.ws.close();
  });

  it('without any Calltouch site the visit waits with a reason', async () => {
    const base = SettingsSchema.parse({});
    const h = harness({ settings: { calltouch: { ...base.calltouch, sites: [] } } });
    const v = h.service.create(visitInput());
    expect(v.siteId).toBeNull();
    await h.service.send();
    const list = h.service.list({ offset: 0, limit: 1 });
    expect(list.items[0]).toMatchObject({ state: 'queued', lastError: 'Не выбран кабинет Calltouch — добавьте кабинет в настройках' });
    // it waits, but it does not go: counted «с ошибками», not only «в очереди»
    expect(list.counts).toMatchObject({ queued: 1, withErrors: 1, queuedWithError: 1 });
    h.ws.close();
  });
});
