// settings:update changes only what it is given (zod 4 fills defaults inside .partial(), which
// used to reset every other setting — Calltouch sites, aliases — on each save of the form).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SettingsPatchSchema, SettingsSchema } from '../../src-shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';

const dir = mkdtempSync(join(tmpdir(), 'skvoz-patch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('settings patch', () => {
  it('covers every setting and fills in nothing that was left out', () => {
    expect(Object.keys(SettingsPatchSchema.shape).sort()).toEqual(Object.keys(SettingsSchema.shape).sort());
    expect(SettingsPatchSchema.parse({})).toEqual({});
    expect(SettingsPatchSchema.parse({ language: 'en' })).toEqual({ language: 'en' });
    // a nested object given is completed as a whole
    expect(SettingsPatchSchema.parse({ sync: {} })).toEqual({ sync: { intervalMinutes: 15 } });
    expect(SettingsPatchSchema.safeParse({ lookbackDays: 500 }).error?.issues[0]?.message).toBe('Окно атрибуции — не больше 180 дней');
  });

  it('keeps Calltouch sites and aliases when another setting is saved', async () => {
    const engine = new Engine({ root: dir, secrets: new MemorySecrets() });
    try {
      await engine.dispatch('workspaces:create', { name: 'Патч' });
      const sites = [{ siteId: 43769, name: 'Диваны', timeZone: 'Asia/Yekaterinburg', historyStart: '2026-01-01' }];
      const a = await engine.dispatch('settings:update', {
        calltouch: { baseUrl: 'https://api.calltouch.ru', sites, trailingDays: 3 },
        normalisation: { aliases: { 'yandex.ru': 'yandex' }, directSources: ['direct'], directMediums: ['(none)'] },
      });
      expect(a.ok).toBe(true);
      const b = await engine.dispatch('settings:update', { language: 'en', sync: { intervalMinutes: 60 } });
      expect(b.ok).toBe(true);
      const s = await engine.dispatch('settings:get', undefined);
      if (!s.ok) throw new Error('settings:get failed');
      const v = s.value as ReturnType<typeof SettingsSchema.parse>;
      expect(v.calltouch.sites).toEqual(sites);
      expect(v.normalisation.aliases).toEqual({ 'yandex.ru': 'yandex' });
      expect(v.language).toBe('en');
      expect(v.sync.intervalMinutes).toBe(60);
    } finally {
      await engine.close();
    }
  });
});
