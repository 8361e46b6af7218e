// `skvoz report`: the attribution report as JSON (docs/REPORTS.md) or CSV, on stdout or into
// --out FILE; the period and the comparison period in words on stderr. It only reads, so a
// workspace without write permission is read too.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ReportQuerySchema, type Compare, type ReportResult } from '@shared/contract';
import { PRESETS, PresetSchema, anchorDate, compareFor, presetRange, todayIn, type Preset } from '@shared/periods';
import { runReport } from '../engine/reports/query';
import { fromZod } from '../engine/errors';
import type { Workspace } from '../engine/workspace';
import { groupBy, parse, str, need, workspaceDir, type Values } from './args';
import { EngineError, fail } from './errors';
import { openWorkspace } from './open';
import { checkOutFile } from './out-file';
import { reportCsv, reportJson } from './report-output';

const COMPARE = ['previous', 'weekdays', 'month', 'year'];

/** --from/--to, or --period PRESET resolved like the app's presets (to the last date with data). */
export function cliPeriod(ws: Workspace, values: Values): { from: string; to: string; preset?: Preset } {
  const preset = str(values, 'period');
  if (preset === undefined) return { from: need(values, 'from'), to: need(values, 'to') };
  if (str(values, 'from') !== undefined || str(values, 'to') !== undefined) fail('--period или --from/--to, не вместе', '--period or --from/--to, not both');
  const p = PresetSchema.safeParse(preset);
  if (!p.success) fail(`--period: одно из ${PRESETS.join(', ')}`, `--period must be one of ${PRESETS.join(', ')}`);
  const summary = ws.summary();
  const range = presetRange(p.data, { anchor: anchorDate(summary.dataTo, todayIn(ws.settings.timeZone)), dataFrom: summary.dataFrom });
  return { ...range, preset: p.data };
}

/** «Период: 01.11.2026 – 30.11.2026; сравнение: 01.10.2026 – 31.10.2026» (and what it lacks). */
export function periodLine(r: Pick<ReportResult, 'from' | 'to' | 'compare'>): string {
  const ru = (d: string) => d.split('-').reverse().join('.');
  const range = (a: string, b: string) => (a === b ? ru(a) : `${ru(a)} – ${ru(b)}`);
  let line = `Период: ${range(r.from, r.to)}`;
  if (r.compare) {
    line += `; сравнение: ${range(r.compare.from, r.compare.to)}`;
    if (r.compare.empty) line += ' (в нём нет данных — изменения не считаются)';
    else if (r.compare.partial && r.compare.dataFrom) line += ` (данные только с ${ru(r.compare.dataFrom)})`;
  }
  return line;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    period: { type: 'string' },
    group: { type: 'string' },
    model: { type: 'string' },
    basis: { type: 'string' },
    compare: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  });
  const dir = workspaceDir(values);
  const format = str(values, 'format') ?? 'json';
  if (format !== 'json' && format !== 'csv') fail('--format: json или csv', '--format must be json or csv');
  const compare = str(values, 'compare');
  if (compare !== undefined && !COMPARE.includes(compare)) fail('--compare: previous, weekdays, month или year', '--compare must be previous, weekdays, month or year');
  const out = str(values, 'out');
  if (out !== undefined) checkOutFile(resolve(out), { workspace: dir, format, force: values.force === true });
  const ws = openWorkspace(dir, { readOnly: true });
  try {
    const range = cliPeriod(ws, values);
    // the engine's `reports:query`: its input schema, then runReport — without the rest of the engine
    const query = ReportQuerySchema.safeParse({
      from: range.from,
      to: range.to,
      groupBy: groupBy(values),
      model: str(values, 'model'),
      basis: str(values, 'basis'),
      compare: compare ? compareFor({ kind: compare } as Compare, range.preset ? { kind: 'preset', preset: range.preset } : { kind: 'custom' }) : undefined,
    });
    if (!query.success) throw new EngineError('invalid_input', fromZod(query.error).message);
    const result = runReport(ws, query.data);
    process.stderr.write(`${periodLine(result)}\n`);
    const text = format === 'json' ? reportJson(result) : reportCsv(result);
    if (out !== undefined) writeFileSync(resolve(out), text, 'utf8');
    else process.stdout.write(text);
  } finally {
    ws.close();
  }
}
