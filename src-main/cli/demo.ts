// `skvoz demo`: a demo workspace in a folder (the same generator the app's first start uses).
import { resolve } from 'node:path';
import { DemoSizeSchema } from '@shared/contract';
import { Workspace } from '../engine/workspace';
import { createDemoWorkspace } from '../engine/demo/workspace';
import { parse, str, need } from './args';
import { fail } from './errors';

export async function run(args: string[]): Promise<void> {
  const { values } = parse(args, {
    workspace: { type: 'string' },
    size: { type: 'string' },
    seed: { type: 'string' },
  });
  const dir = resolve(need(values, 'workspace'));
  const size = DemoSizeSchema.safeParse(str(values, 'size') ?? 'small');
  if (!size.success) fail('--size: small, medium или large', '--size must be small, medium or large');
  const seedText = str(values, 'seed');
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isInteger(seed)) fail('--seed должен быть целым числом', '--seed must be an integer');
  if (Workspace.exists(dir)) fail(`в ${dir} уже есть рабочее пространство`, `${dir} already holds a workspace`);
  const t0 = Date.now();
  let last = 0;
  const { ws, stats, attribution } = await createDemoWorkspace(dir, {
    name: 'Демо-данные',
    size: size.data,
    seed,
    onProgress: (p) => {
      if (Date.now() - last > 1000) {
        last = Date.now();
        process.stderr.write(`  ${p.stage}: ${p.done}/${p.total}\n`);
      }
    },
  });
  const views = ws.meta.views.map((v) => `«${v.name}»`).join(', ');
  ws.close();
  process.stderr.write(
    `Атрибуция: ${attribution?.conversions ?? 0} конверсий за ${((attribution?.ms ?? 0) / 1000).toFixed(1)} с\n` +
      `Готово за ${((Date.now() - t0) / 1000).toFixed(1)} с: лидов ${stats.leads}, сделок ${stats.deals}, контактов ${stats.contacts}, ` +
      `звонков ${stats.calls}, заявок ${stats.requests}, строк расходов ${stats.costRows}\n` +
      (views ? `Сохранённые отчёты: ${views} (skvoz export --view …)\n` : ''),
  );
}
