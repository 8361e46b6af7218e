// Demo workspace: a deterministic generated world (./generate) loaded through the real
// Bitrix24 / Calltouch map + store code (./load).
import type { DemoSize } from '@shared/contract';

export interface DemoOptions {
  size: DemoSize;
  seed: number;
  /** reporting time zone of the workspace: the world's calendar days and Bitrix24 offsets */
  timeZone: string;
  /** "today" for the generator (epoch ms); default Date.now() */
  now?: number;
  /** stage: dictionaries | leads | contacts | deals | calls | requests | costRows */
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

export { loadDemo } from './load';
export {
  DEMO_CT_TIME_ZONE,
  DEMO_PAGE_SIZE,
  DEMO_SITE_ID,
  generateDemo,
  type DemoCostRow,
  type DemoDictionaries,
  type DemoEstimates,
  type DemoGenerator,
  type GenerateOptions,
} from './generate';
