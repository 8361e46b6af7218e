import type { ReportQuery, ReportResult } from '@shared/contract';
import type { Workspace } from '../workspace';
export function runReport(_ws: Workspace, _q: ReportQuery): ReportResult {
  throw new Error('report not built yet');
}
