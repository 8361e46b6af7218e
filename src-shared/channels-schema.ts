// Channel rules in the contract: the values the settings screen previews rules over, and the
// rules file an agency carries from one workspace to another. Re-exported by contract.ts.
import { z } from 'zod';
import type { ChannelRules, TouchKind } from './channel-rules';

/** `channels:values` — raw (source, medium, campaign) per touch kind with how many records carry them */
export const ChannelValuesSchema = z
  .object({ limit: z.number().int().min(1).max(20_000).default(5_000) })
  .default({ limit: 5_000 });

export interface ChannelValue {
  kind: TouchKind;
  /** trimmed, as the sources sent them (case kept); null = not set */
  source: string | null;
  medium: string | null;
  campaign: string | null;
  /**
   * calls, requests, leads and deals with UTM (crm_utm), leads and deals without UTM by their CRM
   * source (crm_source: each may fall back to it), offline visits
   */
  records: number;
}

export interface ChannelValues {
  /** busiest first */
  values: ChannelValue[];
  /** more distinct values exist than were returned; `otherRecords` carry them */
  truncated: boolean;
  otherRecords: number;
}

/** `channels:export` — writes the workspace's rules to a file (the path from files:chooseSave) */
export const ChannelExportSchema = z.object({
  path: z.string().trim().min(1, 'Укажите файл').max(1000),
});

/** `channels:import` — reads a rules file; the rules come back for the editor, nothing is saved */
export const ChannelImportSchema = z.object({
  fileName: z.string().trim().max(260).default(''),
  text: z.string().max(2_000_000, 'Файл больше 2 МБ — это не файл правил каналов'),
});

export type ChannelImportResult = ChannelRules;
