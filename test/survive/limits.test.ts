// Limits: dates outside 2000–2100 are refused with a clear message (reports, costs, visits), and
// the normalisation rule lists have maximums; a refused input changes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_ALIASES, MAX_RULES, type CostImportResult } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { Workspace } from '../../src-main/engine/workspace';
import { MemorySecrets } from '../../src-main/engine/secrets';

const base = mkdtempSync(join(tmpdir(), 'skvoz-limits-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

async function engine(): Promise<Engine> {
  const dir = mkdtempSync(join(base, 'ws-'));
  Workspace.create(join(dir, 'w'), { name: 'Лимиты' }).close();
  return new Engine({ workspaceDir: join(dir, 'w'), secrets: new MemorySecrets() });
}

describe('limits', () => {
  it('refuses report dates outside 2000–2100 at once, with the range in the message', async () => {
    const e = await engine();
    for (const [from, to] of [['2026-01-01', '9999-12-31'], ['1970-01-01', '2026-01-01'], ['1999-12-31', '2000-01-01']]) {
      const r = await e.dispatch('reports:query', { from, to });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      if (!r.ok) expect(r.error.message).toMatch(/между 2000-01-01 и 2100-12-31/);
    }
    expect((await e.dispatch('reports:query', { from: '2000-01-01', to: '2100-12-31' })).ok).toBe(true);
    expect((await e.dispatch('reports:series', { from: '2026-01-01', to: '2101-01-01' })).ok).toBe(false);
    await e.close();
  });

  it('refuses cost lines and visits outside the range', async () => {
    const e = await engine();
    const csv = 'Date,UTMSource,UTMMedium,UTMCampaign,Expenses\n1999-12-31,yandex,cpc,a,100\n2026-03-01,yandex,cpc,a,200\n9999-01-01/9999-01-02,yandex,cpc,a,1\n';
    const r = await e.dispatch('costs:import', { fileName: 'c.csv', contentBase64: Buffer.from(csv).toString('base64'), skipErrors: true, dryRun: true });
    expect(r.ok).toBe(true);
    const value = (r.ok ? r.value : null) as CostImportResult | null;
    expect(value?.rows).toBe(1);
    expect(value?.errors.map((x) => x.line)).toEqual([2, 4]);
    expect(value?.errors[0]?.message).toContain('вне диапазона 2000-01-01 — 2100-12-31');
    const v = await e.dispatch('visits:create', { phones: ['+79161234567'], at: '1990-05-01T10:00:00Z', revenue: 100 });
    expect(v).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!v.ok) expect(v.error.message).toContain('не раньше 2000-01-01');
    await e.close();
  });

  it('caps the normalisation rule lists and leaves the settings as they were', async () => {
    const e = await engine();
    const before = await e.dispatch('settings:get', undefined);
    const aliases = Object.fromEntries(Array.from({ length: MAX_ALIASES + 1 }, (_, i) => [`src${i}`, 'yandex']));
    const r = await e.dispatch('settings:update', { normalisation: { aliases, directSources: [], directMediums: [] } });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    if (!r.ok) expect(r.error.message).toContain(`Не больше ${MAX_ALIASES} правил`);
    const many = Array.from({ length: MAX_RULES + 1 }, (_, i) => `d${i}`);
    expect((await e.dispatch('settings:update', { normalisation: { aliases: {}, directSources: many, directMediums: [] } })).ok).toBe(false);
    expect((await e.dispatch('settings:update', { normalisation: { aliases: { ['x'.repeat(201)]: 'y' }, directSources: [], directMediums: [] } })).ok).toBe(false);
    expect(await e.dispatch('settings:get', undefined)).toEqual(before);
    const ok = await e.dispatch('settings:update', { normalisation: { aliases: { 'yandex.ru': 'yandex' }, directSources: ['(direct)'], directMediums: ['(none)'] } });
    expect(ok.ok).toBe(true);
    await e.close();
  });
});
