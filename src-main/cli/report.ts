// `skvoz report`: the attribution report as JSON (docs/REPORTS.md) or CSV, on stdout or into
// --out FILE. It only reads, so a workspace without write permission is read too.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ReportQuerySchema } from '@shared/contract';
import { runReport } from '../engine/reports/query';
import { fromZod } from '../engine/errors';
import { groupBy, parse, str, need, workspaceDir } from './args';
import { EngineError, fail } from './errors';
import { openWorkspace } from './open';
import { checkOutFile } from './out-file';
import { reportCsv, reportJson } from './report-output';

export async function run(args: string[]): Promise<void> {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
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
  const out = str(values, 'out');
  if (out !== undefined) checkOutFile(resolve(out), { workspace: dir, format, force: values.force === true });
  // the engine's `reports:query`: its input schema, then runReport — without the rest of the engine
  const query = ReportQuerySchema.safeParse({
    from: need(values, 'from'),
    to: need(values, 'to'),
    groupBy: groupBy(values),
    model: str(values, 'model'),
    basis: str(values, 'basis'),
    compare: compare ? { kind: compare } : undefined,
  });
  if (!query.success) throw new EngineError('invalid_input', fromZod(query.error).message);
  const ws = openWorkspace(dir, { readOnly: true });
  try {
    const result = runReport(ws, query.data);
    const text = format === 'json' ? reportJson(result) : reportCsv(result);
    if (out !== undefined) writeFileSync(resolve(out), text, 'utf8');
    else process.stdout.write(text);
  } finally {
    ws.close();
  }
}
