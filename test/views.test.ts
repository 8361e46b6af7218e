// Saved views through the contract: saved in workspace.json, unique names, survive reopening,
// and resolve to the same report query the renderer would send.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ViewSpecSchema, viewQuery, viewRange, type SavedView } from '@shared/contract';
import { Engine } from '../src-main/engine/engine';
import { MemorySecrets } from '../src-main/engine/secrets';
import { Workspace } from '../src-main/engine/workspace';

function engineIn(dir: string): Engine {
  return new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => Date.parse('2026-11-22T08:00:00Z') });
}

function fresh(): { dir: string; engine: Engine } {
  const dir = join(mkdtempSync(join(tmpdir(), 'skvoz-views-')), 'ws');
  Workspace.create(dir, { name: 'Тест' }).close();
  return { dir, engine: engineIn(dir) };
}

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

describe('saved views', () => {
  it('saves, renames, lists in order and deletes; survives reopening the workspace', async () => {
    const { dir, engine } = fresh();
    const a = await ok<SavedView>(engine.dispatch('views:save', { name: 'Яндекс по кампаниям', spec: { groupBy: ['campaign'], model: 'linear' } }));
    const b = await ok<SavedView>(engine.dispatch('views:save', { name: 'Год', spec: { period: { kind: 'preset', preset: 'year' } } }));
    expect(a.spec).toMatchObject({ groupBy: ['campaign'], model: 'linear', basis: 'event', period: { kind: 'preset', preset: 'last30', anchor: 'data' } });
    const renamed = await ok<SavedView>(engine.dispatch('views:save', { id: a.id, name: 'Кампании', spec: a.spec }));
    expect(renamed).toMatchObject({ id: a.id, name: 'Кампании', createdAt: a.createdAt });
    await engine.close();

    const again = engineIn(dir);
    expect((await ok<SavedView[]>(again.dispatch('views:list', undefined))).map((v) => v.name)).toEqual(['Кампании', 'Год']);
    await ok(again.dispatch('views:delete', { id: b.id }));
    expect((await ok<SavedView[]>(again.dispatch('views:list', undefined))).map((v) => v.id)).toEqual([a.id]);
    await again.close();
  });

  it('refuses a duplicate name, an empty name, a bad period and an unknown id — and changes nothing', async () => {
    const { dir, engine } = fresh();
    await ok(engine.dispatch('views:save', { name: 'Отчёт', spec: {} }));
    const before = readFileSync(join(dir, 'workspace.json'), 'utf8');
    const dup = await engine.dispatch('views:save', { name: '  отчёт ', spec: {} });
    expect(dup).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(dup.ok ? '' : dup.error.message).toMatch(/уже есть/);
    expect(await engine.dispatch('views:save', { name: ' ', spec: {} })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const bad = await engine.dispatch('views:save', { name: 'Х', spec: { period: { kind: 'custom', from: '2026-02-01', to: '2026-01-01' } } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await engine.dispatch('views:save', { id: 'nope', name: 'Y', spec: {} })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await engine.dispatch('views:delete', { id: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(readFileSync(join(dir, 'workspace.json'), 'utf8')).toBe(before);
    await engine.close();
  });

  it('drops an unreadable view from workspace.json instead of refusing to open the workspace', async () => {
    const { dir, engine } = fresh();
    await ok(engine.dispatch('views:save', { name: 'Хороший', spec: {} }));
    await engine.close();
    const file = join(dir, 'workspace.json');
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    meta.views.push({ id: 'x', name: 'Битый', spec: { groupBy: ['nonsense'] }, createdAt: '', updatedAt: '' });
    writeFileSync(file, JSON.stringify(meta));
    const again = engineIn(dir);
    expect((await ok<SavedView[]>(again.dispatch('views:list', undefined))).map((v) => v.name)).toEqual(['Хороший']);
    await again.close();
  });

  it('resolves a preset against the data range or today, and keeps a fixed range as is', () => {
    const ctx = { today: '2026-11-22', dataFrom: '2025-11-01', dataTo: '2026-11-20' };
    expect(viewRange({ kind: 'preset', preset: 'last7', anchor: 'data' }, ctx)).toEqual({ from: '2026-11-14', to: '2026-11-20' });
    expect(viewRange({ kind: 'preset', preset: 'last7', anchor: 'today' }, ctx)).toEqual({ from: '2026-11-16', to: '2026-11-22' });
    expect(viewRange({ kind: 'preset', preset: 'all', anchor: 'data' }, ctx)).toEqual({ from: '2025-11-01', to: '2026-11-20' });
    expect(viewRange({ kind: 'custom', from: '2026-01-01', to: '2026-01-31' }, ctx)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    const spec = ViewSpecSchema.parse({ groupBy: ['source', 'medium'], compare: { kind: 'previous' }, basis: 'cohort' });
    expect(viewQuery(spec, { from: '2026-01-01', to: '2026-01-31' })).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      model: undefined,
      basis: 'cohort',
      filters: {},
      groupBy: ['source', 'medium'],
      compare: { kind: 'previous' },
    });
  });

  it('keeps a view grouped and filtered by city, device and landing page (issue 19)', async () => {
    const { dir, engine } = fresh();
    const spec = { groupBy: ['channel', 'city', 'device'], filters: { dimensions: { city: ['Москва', null], landing: ['/catalog/'] } } };
    const v = await ok<SavedView>(engine.dispatch('views:save', { name: 'По городам', spec }));
    await engine.close();
    const again = engineIn(dir);
    const [back] = await ok<SavedView[]>(again.dispatch('views:list', undefined));
    expect(back!.spec).toMatchObject(spec);
    expect(viewQuery(back!.spec, { from: '2026-01-01', to: '2026-01-31' })).toMatchObject({ groupBy: ['channel', 'city', 'device'], filters: spec.filters });
    expect(back!.id).toBe(v.id);
    await again.close();
  });
});
