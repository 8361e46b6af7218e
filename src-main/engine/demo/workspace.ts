// Creating a demo workspace: the folder, settings that describe the generated world (its
// Calltouch site, so site filters and the visits form work), the data and its attribution.
// One path for the app (`workspaces:create`, first start) and the CLI (`skvoz demo`).
import type { DemoSize } from '@shared/contract';
import { SettingsSchema } from '@shared/contract';
import { Workspace } from '../workspace';
import { updateAttribution } from '../attribution/materialise';
import { DEMO_CT_TIME_ZONE, DEMO_SITE_ID } from './generate';
import { loadDemo, type DemoOptions, type DemoStats } from './index';
import { saveDemoViews } from './views';

export interface CreateDemoOptions {
  id?: string;
  name: string;
  size: DemoSize;
  seed?: number;
  now?: number;
  onProgress?: DemoOptions['onProgress'];
}

export interface CreatedDemo {
  ws: Workspace;
  stats: DemoStats;
  attribution: { conversions: number; ms: number } | null;
}

/** Creates and fills a demo workspace in `dir`; on failure the half-made folder is left to the caller to remove. */
export async function createDemoWorkspace(dir: string, opts: CreateDemoOptions): Promise<CreatedDemo> {
  const ws = Workspace.create(dir, { id: opts.id, name: opts.name, isDemo: true, demoSize: opts.size });
  try {
    const settings = SettingsSchema.parse({
      ...ws.settings,
      // city, device and landing as report dimensions: on where the demo is small enough that the
      // finer rollups cost little; the large demo measures the default (off) — README «Бенчмарки»
      normalisation: { ...ws.settings.normalisation, touchDetails: opts.size !== 'large' },
      calltouch: {
        ...ws.settings.calltouch,
        sites: [{ siteId: DEMO_SITE_ID, name: 'Демо-сайт', timeZone: DEMO_CT_TIME_ZONE, historyStart: null }],
      },
    });
    ws.updateMeta({ settings });
    saveDemoViews(ws, opts.now ?? Date.now());
    const stats = await loadDemo(ws.db, {
      size: opts.size,
      seed: opts.seed ?? 1,
      timeZone: settings.timeZone,
      now: opts.now,
      onProgress: opts.onProgress,
    });
    const attribution = updateAttribution(ws.db, ws.settings);
    ws.noteData();
    return { ws, stats, attribution: attribution ? { conversions: attribution.conversions, ms: attribution.ms } : null };
  } catch (err) {
    ws.close();
    throw err;
  }
}
