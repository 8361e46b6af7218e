// «Качество данных»: what the data-health screen checks, and the records behind each check.
// Every check counts offending records over the whole workspace (deleted CRM records excluded);
// `health:records` pages through exactly those records, newest first.
import { z } from 'zod';
import { UNATTRIBUTED_REASONS, type UnattributedReason } from './metrics';

export const HEALTH_CHECKS = [
  /** leads whose own UTM_SOURCE is empty */
  'leads_without_utm',
  /** deals whose phones/e-mails (own lead's, contacts') match no Calltouch call or request */
  'deals_unmatched',
  /** deals with an empty or zero OPPORTUNITY */
  'deals_without_amount',
  /** phone numbers shared by two or more leads */
  'duplicate_phones',
  /** leads on the unattributed row (reasons as in REPORTS.md) */
  'unattributed_leads',
  /** deals on the unattributed row */
  'unattributed_deals',
  /** won deals whose won time could not be read yet (crm.stagehistory.list failed): CLOSEDATE stands in until the next sync */
  'deals_won_time_pending',
] as const;
export type HealthCheckKey = (typeof HEALTH_CHECKS)[number];

export type UnattributedReasonKey = UnattributedReason;

export interface HealthCheck {
  key: HealthCheckKey;
  /** offending records (for duplicate_phones: phone numbers shared by 2+ leads) */
  count: number;
  /** what the share is of: all leads, all deals, or distinct lead phones */
  total: number;
  /** for the unattributed checks: count per reason (sums to `count`) */
  reasons?: Record<UnattributedReasonKey, number>;
}

/** Calls and requests of one source, and how many of them carry a city, a device and a landing page. */
export interface EnrichmentFill {
  /** the source as reports show it; null: no source */
  source: string | null;
  touches: number;
  city: number;
  device: number;
  landing: number;
}

export interface HealthSummary {
  /** when the numbers were computed (ISO) */
  computedAt: string;
  checks: HealthCheck[];
  /** per source, most touches first (issue 19) */
  fill: EnrichmentFill[];
}

export const HealthRecordsSchema = z.object({
  check: z.enum(HEALTH_CHECKS),
  reason: z.enum(UNATTRIBUTED_REASONS).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(200).default(50),
});
export type HealthRecordsQuery = z.infer<typeof HealthRecordsSchema>;

export interface HealthRecord {
  kind: 'lead' | 'deal' | 'phone';
  /** Bitrix24 id (null for a phone) */
  id: number | null;
  /** the record's title, or the phone number */
  title: string | null;
  /** created at (ISO), for phones the newest lead's */
  at: string | null;
  /** deal amount in the report currency (deals only) */
  amount: number | null;
  /** unattributed reason, or for phones the leads sharing it */
  reason: UnattributedReasonKey | null;
  leadIds: number[];
}

export interface HealthRecords {
  check: HealthCheckKey;
  total: number;
  offset: number;
  items: HealthRecord[];
}

/** Raw dimension values present in the data, for previewing normalisation rules. */
export const HealthValuesSchema = z
  .object({ limit: z.number().int().min(1).max(2000).default(500) })
  .default({ limit: 500 });

export interface DimensionValue {
  dimension: 'source' | 'medium';
  /** trimmed, as the sources sent it (case kept) */
  value: string;
  /** calls, requests, leads, deals and cost rows carrying it */
  records: number;
}

export interface HealthValues {
  values: DimensionValue[];
  /** more distinct values exist than were returned */
  truncated: boolean;
}
