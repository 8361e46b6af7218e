// Report rows for renderer unit tests.
import type { ReportRow } from '@shared/contract';
import { emptyBaseMetrics, withRatios, type BaseMetrics, type Dimension } from '@shared/metrics';

export function row(dims: Partial<Record<Dimension, string | null>>, m: Partial<BaseMetrics>, unattributed = false): ReportRow {
  return { ...dims, unattributed, ...withRatios({ ...emptyBaseMetrics(), ...m }) };
}
