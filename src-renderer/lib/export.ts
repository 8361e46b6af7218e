// The export menu's pure parts: what a screen exports (from the app's setup), the file name the
// save dialog suggests, and the progress line. Tested in test/renderer without a browser.
import { exportFileName, type ExportFormat, type ExportWhatInput, type ReportQueryInput, type ViewSpec } from '@shared/contract';

export type ExportTarget = 'dashboard' | 'report' | 'health';

export interface ExportSetup {
  /** app.reportSetup: period, model, basis, filters, comparison */
  base: Omit<ReportQueryInput, 'groupBy'>;
  spec: Pick<ViewSpec, 'groupBy' | 'mode'> & Partial<Pick<ViewSpec, 'models'>>;
  /** the opened saved view's name, if any */
  viewName: string | null;
  pivot: boolean;
}

export function exportWhat(target: ExportTarget, s: ExportSetup): ExportWhatInput {
  if (target === 'health') return { kind: 'health' };
  if (target === 'dashboard') return { kind: 'dashboard', query: { ...s.base, groupBy: ['channel', 'source'] } };
  const query = { ...s.base, groupBy: [...s.spec.groupBy] };
  if (s.spec.mode === 'models') return { kind: 'models', query, models: s.spec.models };
  return { kind: 'report', query, sheets: { levels: s.spec.groupBy.length > 1, series: true, models: false, pivot: s.pivot }, title: s.viewName ?? undefined };
}

/** Skvoz_<view or screen>_<from>_<to>.<ext> */
export function suggestedName(target: ExportTarget, s: Pick<ExportSetup, 'base' | 'viewName'>, format: ExportFormat | 'png', screenName: string): string {
  const name = s.viewName ?? screenName;
  return target === 'health' ? exportFileName(name, null, null, format) : exportFileName(name, s.base.from, s.base.to, format);
}

/** 0…100, or null while the total is unknown. */
export function percent(done: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

/** The last path segment (for «Сохранено: file.xlsx»). */
export function fileNameOf(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
