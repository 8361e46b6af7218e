// Demo workspace loader — implemented by the demo generator (see demo/README in the issue).
import type { Db } from '../db/open';
import type { DemoSize } from '@shared/contract';

export interface DemoOptions {
  size: DemoSize;
  seed: number;
  timeZone: string;
  /** "today" for the generator (epoch ms); default Date.now() */
  now?: number;
  onProgress?: (p: { stage: string; done: number; total: number }) => void;
}

export interface DemoStats {
  leads: number;
  deals: number;
  contacts: number;
  calls: number;
  requests: number;
  costRows: number;
}

export async function loadDemo(_db: Db, _opts: DemoOptions): Promise<DemoStats> {
  throw new Error('demo generator not built yet');
}
