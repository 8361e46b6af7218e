// `skvoz costs import`: ad costs from a CSV / TSV file — Yandex Metrica's expenses layout, Direct and
// VK Ads statistics exports, or a table with Russian headers (engine/costs/csv.ts).
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CostImportResult } from '@shared/contract';
import { parse, workspaceDir } from './args';
import { fail } from './errors';
import { call, openEngine } from './engine-call';
import { requireWorkspace } from './open';

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { workspace: { type: 'string' }, 'skip-errors': { type: 'boolean' } }, true);
  const [sub, file, ...extra] = positionals;
  if (sub !== 'import' || extra.length) fail('использование: skvoz costs import --workspace DIR FILE', 'usage: skvoz costs import --workspace DIR FILE');
  const dir = workspaceDir(values);
  requireWorkspace(dir);
  if (!file) fail('не указан файл расходов', 'missing the costs FILE');
  const path = resolve(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    // a read error names no file (EISDIR: "illegal operation on a directory, read"): name it
    throw Object.assign(err as Error, { path: (err as { path?: string }).path ?? path });
  }
  const engine = openEngine(dir);
  try {
    const r = await call<CostImportResult>(engine, 'costs:import', {
      fileName: basename(path),
      contentBase64: bytes.toString('base64'),
      skipErrors: values['skip-errors'] === true,
    });
    for (const e of r.errors) process.stderr.write(`  строка ${e.line}: ${e.message}\n`);
    if (r.shadowed) process.stderr.write(`  ${r.shadowed} строк уже есть из API рекламного кабинета — в отчётах использованы данные API\n`);
    process.stdout.write(`Загружено строк: ${r.rows}, сумма ${r.total}, пропущено с ошибками: ${r.errorCount}\n`);
  } finally {
    await engine.close();
  }
}
