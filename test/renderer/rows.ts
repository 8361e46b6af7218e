// Report rows for renderer unit tests.
import type { ReportRow } from '@shared/contract';
import { emptyBaseMetrics, withRatios, type BaseMetrics } from '@shared/metrics';

export function row(dims: Partial<Record<'channel' | 'source' | 'medium', string | null>>, m: Partial<BaseMetrics>, unattributed = false): ReportRow {
  return { ...dims, unattributed, ...withRatios({ ...emptyBaseMetrics(), ...m }) };
}
