// The workspace database survives: a missing, empty or foreign file is refused (the latest backup
// offered), damage inside the file is found by the background check after an unclean shutdown and
// stops writing, backups are taken and rotated, and a restore brings the data back exactly.
import { copyFileSync, existsSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { StorageStatus, StorageRestoreResult, WorkspaceSummary } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { DB_FILE, Workspace, WorkspaceRegistry, patchMeta, readMeta } from '../../src-main/engine/workspace';
import { StorageProblem } from '../../src-main/engine/safety/identity';
import { cleanup, cli, deadPid, tempDir, until } from './helpers';

afterAll(cleanup);
const NOW = Date.parse('2026-03-31T12:00:00Z');
const REPORT = ['--from', '2026-01-01', '--to', '2026-03-31', '--group', 'source,medium'];

async function demo(dir: string, seed = 3, id?: string): Promise<void> {
  const { ws } = await createDemoWorkspace(dir, { id, name: 'Демо', size: 'small', seed, now: NOW });
  ws.close();
}

function removeDb(dir: string): void {
  for (const f of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`]) rmSync(join(dir, f), { force: true });
}

/** A digest of every row of the tables a user would miss. */
function digest(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, string> = {};
    for (const t of ['b24_lead', 'b24_deal', 'b24_contact', 'ct_call', 'ct_request', 'ident', 'visit', 'outbox', 'cost', 'conv', 'rollup']) {
      const rows = db.prepare(`SELECT * FROM ${t}`).all().map((r) => JSON.stringify(r)).sort();
      out[t] = createHash('sha256').update(rows.join('\n')).digest('hex');
    }
    return out;
  } finally {
    db.close();
  }
}

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`call failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

describe('a missing or empty database file', () => {
  it('is refused for a workspace that held data, offering the latest backup; restore brings it back', async () => {
    const dir = join(tempDir('skvoz-missing-'), 'ws');
    await demo(dir);
    const before = await cli(['report', '--workspace', dir, ...REPORT]);
    expect(before.code, before.err).toBe(0);
    expect((await cli(['backup', '--workspace', dir])).code).toBe(0);
    expect(readMeta(dir).database).toMatchObject({ hadData: true });

    removeDb(dir);
    const gone = await cli(['report', '--workspace', dir, ...REPORT]);
    expect(gone.code).toBe(1);
    expect(gone.out).toBe('');
    expect(gone.err).toMatch(/Файл базы skvoz\.db рабочего пространства «Демо» пропал из папки/);
    expect(gone.err).toMatch(/последнюю резервную копию \(от \d\d\.\d\d\.\d{4} \d\d:\d\d\).*skvoz restore --workspace ".*" --latest/);
    expect(existsSync(join(dir, DB_FILE))).toBe(false);
    const sync = await cli(['sync', '--workspace', dir]);
    expect(sync.code).toBe(1);
    expect(existsSync(join(dir, DB_FILE))).toBe(false);

    writeFileSync(join(dir, DB_FILE), '');
    const empty = await cli(['visits', 'list', '--workspace', dir]);
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/пуст \(0 байт\)/);
    expect(statSync(join(dir, DB_FILE)).size).toBe(0);

    const restored = await cli(['restore', '--workspace', dir, '--latest']);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toMatch(/Восстановлено: копия от .* Прежний файл сохранён в .*replaced/);
    const after = await cli(['report', '--workspace', dir, ...REPORT]);
    expect(after.code, after.err).toBe(0);
    expect(JSON.parse(after.out)).toEqual(JSON.parse(before.out));
  }, 60_000);

  it('starts over for a workspace that never held data; a foreign database is refused', async () => {
    const base = tempDir('skvoz-fresh-');
    Workspace.create(join(base, 'a'), { name: 'Пустое' }).close();
    removeDb(join(base, 'a'));
    const a = Workspace.open(join(base, 'a'));
    expect(a.meta.database).toMatchObject({ hadData: false });
    a.close();

    await demo(join(base, 'b'));
    copyFileSync(join(base, 'b', DB_FILE), join(base, 'a', DB_FILE));
    rmSync(join(base, 'a', `${DB_FILE}-wal`), { force: true });
    rmSync(join(base, 'a', `${DB_FILE}-shm`), { force: true });
    expect(() => Workspace.open(join(base, 'a'))).toThrow(StorageProblem);
    expect(() => Workspace.open(join(base, 'a'))).toThrow(/лежит база другого рабочего пространства/);
  }, 60_000);

  it('the app starts without it, lists why, and restores it by id', async () => {
    const root = tempDir('skvoz-app-missing-');
    const reg = new WorkspaceRegistry(root);
    await demo(join(root, 'ws-a'), 3, 'ws-a');
    reg.setLastOpened('ws-a');
    patchMeta(join(root, 'ws-a'), { isDemo: false, name: 'Агентство' });
    // a backup while it was whole
    const first = new Engine({ root, secrets: new MemorySecrets() });
    await first.init();
    const took = await ok<StorageStatus>(first.dispatch('storage:backup', undefined));
    expect(took.backups).toHaveLength(1);
    await first.close();
    const digestBefore = digest(join(root, 'ws-a', DB_FILE));
    removeDb(join(root, 'ws-a'));

    const engine = new Engine({ root, secrets: new MemorySecrets() });
    expect(await engine.init()).toBeNull();
    const list = await ok<WorkspaceSummary[]>(engine.dispatch('workspaces:list', undefined));
    expect(list).toHaveLength(1);
    expect(list[0]?.problem).toMatch(/пропал из папки/);
    const opened = await engine.dispatch('workspaces:open', { id: 'ws-a' });
    expect(opened).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const st = await ok<StorageStatus>(engine.dispatch('storage:status', { workspaceId: 'ws-a' }));
    expect(st.problem).toMatch(/пропал из папки/);
    const r = await ok<StorageRestoreResult>(engine.dispatch('storage:restore', { workspaceId: 'ws-a', file: st.backups[0]!.file }));
    expect(r.workspace.id).toBe('ws-a');
    expect(r.replacedTo).toBeNull();
    expect(await ok<WorkspaceSummary | null>(engine.dispatch('workspaces:current', undefined))).toMatchObject({ id: 'ws-a' });
    await engine.close();
    expect(digest(join(root, 'ws-a', DB_FILE))).toEqual(digestBefore);
  }, 60_000);
});

describe('damage inside the file', () => {
  it('is found in the background after an unclean shutdown, stops writing, and a restore repairs it', async () => {
    const dir = join(tempDir('skvoz-damage-'), 'ws');
    await demo(dir);
    const engine0 = new Engine({ workspaceDir: dir, secrets: new MemorySecrets() });
    const backup = (await ok<StorageStatus>(engine0.dispatch('storage:backup', undefined))).backups[0]!;
    await engine0.close();
    const before = await cli(['report', '--workspace', dir, ...REPORT]);
    const digestBefore = digest(join(dir, DB_FILE));
    // a change the attribution has not caught up with yet when the damage is found
    const w = Workspace.open(dir);
    w.db.prepare("UPDATE b24_lead SET utm_source = 'yandex' WHERE id = (SELECT min(id) FROM b24_lead)").run();
    w.close();

    // 64 KiB of garbage over pages of the calls table, and the marker a killed process leaves
    const db = new Database(join(dir, DB_FILE));
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = (db.prepare("SELECT pageno FROM dbstat WHERE name = 'ct_call' AND pagetype = 'leaf' ORDER BY pageno").all() as { pageno: number }[]).map((p) => p.pageno);
    db.close();
    expect(pages.length).toBeGreaterThan(40);
    const fd = openSync(join(dir, DB_FILE), 'r+');
    const junk = Buffer.alloc(65_536, 0xa5);
    writeSync(fd, junk, 0, junk.length, (pages[Math.floor(pages.length / 2)]! - 1) * pageSize);
    closeSync(fd);
    writeFileSync(join(dir, `${DB_FILE}.open-${deadPid()}-1-crash`), '');

    const engine = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), safety: { startDelayMs: 0 } });
    expect(readMeta(dir).integrity?.uncleanAt).toBeTruthy();
    engine.startBackground();
    const status = async () => ok<StorageStatus>(engine.dispatch('storage:status', undefined));
    await until(async () => (await status()).integrity.state === 'damaged', 'the integrity check to find the damage');
    const st = await status();
    expect(st.integrity.problems.length).toBeGreaterThan(0);
    expect(st.integrity.uncleanAt).toBeNull();
    // nothing writes to the damaged file
    const csv = Buffer.from('Date,UTMSource,UTMMedium,UTMCampaign,Expenses\n2026-03-01,yandex,cpc,a,200\n').toString('base64');
    const write = await engine.dispatch('costs:import', { fileName: 'c.csv', contentBase64: csv });
    expect(write).toMatchObject({ ok: false, error: { code: 'conflict' } });
    if (!write.ok) expect(write.error.message).toMatch(/Запись в базу рабочего пространства остановлена/);
    expect(await engine.dispatch('sync:start', {})).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await engine.dispatch('storage:backup', undefined)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    // the data can still be viewed: the report reads the attribution as it stands
    const viewed = await engine.dispatch('reports:query', { from: '2026-01-01', to: '2026-03-31', groupBy: ['source', 'medium'] });
    expect(viewed.ok).toBe(true);
    // what reads the damaged pages themselves says so in words
    const health = await engine.dispatch('health:summary', undefined);
    if (!health.ok) expect(health.error.message).toMatch(/^Файл базы рабочего пространства повреждён/);
    expect(readdirSync(join(dir, 'backups'))).toEqual([backup.file]);

    const r = await ok<StorageRestoreResult>(engine.dispatch('storage:restore', { file: backup.file }));
    expect(r.backup?.file).toBe(backup.file);
    expect(existsSync(join(r.replacedTo!, DB_FILE))).toBe(true);
    expect((await status()).integrity.state).toBe('ok');
    expect(await engine.dispatch('costs:import', { fileName: 'c.csv', contentBase64: csv, dryRun: true })).toMatchObject({ ok: true });
    await engine.close();
    expect(digest(join(dir, DB_FILE))).toEqual(digestBefore);
    const after = await cli(['report', '--workspace', dir, ...REPORT]);
    expect(JSON.parse(after.out)).toEqual(JSON.parse(before.out));
    // and from the command line: a sound file is checked ok
    expect(await cli(['check', '--workspace', dir])).toMatchObject({ code: 0 });
  }, 90_000);

  it('is looked for weekly: a check older than 7 days runs at start, a recent one does not', async () => {
    const dir = join(tempDir('skvoz-weekly-'), 'ws');
    Workspace.create(dir, { name: 'Неделя' }).close();
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    patchMeta(dir, { integrity: { checkedAt: old, ok: true, problems: [], uncleanAt: null } });
    const e1 = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), safety: { startDelayMs: 0 } });
    e1.startBackground();
    await until(() => readMeta(dir).integrity?.checkedAt !== old, 'the weekly check');
    await e1.close();
    const recent = readMeta(dir).integrity!.checkedAt!;
    expect(Date.parse(recent)).toBeGreaterThan(Date.now() - 60_000);
    const e2 = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), safety: { startDelayMs: 0 } });
    e2.startBackground();
    await new Promise((r) => setTimeout(r, 300));
    expect((await ok<StorageStatus>(e2.dispatch('storage:status', undefined))).integrity).toMatchObject({ state: 'ok', checkedAt: recent });
    await e2.close();
  }, 60_000);
});

describe('backups', () => {
  it('keeps the last 7 and a restore brings back exactly the data of the chosen one', async () => {
    const dir = join(tempDir('skvoz-rotate-'), 'ws');
    await demo(dir, 5);
    let now = Date.parse('2026-04-01T03:00:00Z');
    const engine = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => now });
    let st: StorageStatus | null = null;
    for (let day = 0; day < 9; day++) {
      st = await ok<StorageStatus>(engine.dispatch('storage:backup', undefined));
      now += 86_400_000;
    }
    expect(st!.backups.map((b) => b.file)).toEqual(['20260409', '20260408', '20260407', '20260406', '20260405', '20260404', '20260403'].map((d) => `skvoz-${d}-030000.db`));
    expect(readdirSync(join(dir, 'backups')).sort()).toEqual(st!.backups.map((b) => b.file).sort());
    const atBackup = digest(join(dir, 'backups', st!.backups[0]!.file));

    // work after the backup: a visit and costs
    expect((await engine.dispatch('visits:create', { phones: ['+79161234567'], at: '2026-03-20T10:00:00Z', revenue: 5000 })).ok).toBe(true);
    const csv = Buffer.from('Date,UTMSource,UTMMedium,UTMCampaign,Expenses\n2026-03-01,yandex,cpc,a,200\n').toString('base64');
    expect((await engine.dispatch('costs:import', { fileName: 'c.csv', contentBase64: csv })).ok).toBe(true);
    expect(await engine.dispatch('storage:restore', { file: 'skvoz-29990101-000000.db' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const r = await ok<StorageRestoreResult>(engine.dispatch('storage:restore', { file: st!.backups[0]!.file }));
    expect(r.workspace.name).toBe('Демо');
    const visits = await ok<{ total: number }>(engine.dispatch('visits:list', {}));
    expect(visits.total).toBe(0);
    await engine.close();
    expect(digest(join(dir, DB_FILE))).toEqual(atBackup);
    // the replaced file (with the visit) is kept
    const kept = new Database(join(r.replacedTo!, DB_FILE), { readonly: true });
    expect(kept.prepare('SELECT count(*) AS n FROM visit').get()).toEqual({ n: 1 });
    kept.close();
  }, 90_000);
});
