// `skvoz views list`: the workspace's saved views — the names `skvoz export --view` takes — with
// the period each one resolves to today, its grouping and model.
import type { Preset } from '@shared/periods';
import type { SavedView } from '@shared/contract';
import { parse, str, workspaceDir } from './args';
import { fail } from './errors';
import { openWorkspace } from './open';
import { resolveView, ruPeriod } from '../engine/export/doc';
import { DIM_LABEL, MODEL_LABEL } from '../engine/export/labels';

const PRESET_LABEL: Record<Preset, string> = {
  today: 'сегодня',
  yesterday: 'вчера',
  last7: '7 дней',
  last14: '14 дней',
  last30: '30 дней',
  last90: '90 дней',
  last365: '365 дней',
  thisWeek: 'эта неделя',
  lastWeek: 'прошлая неделя',
  thisMonth: 'этот месяц',
  lastMonth: 'прошлый месяц',
  quarter: 'квартал',
  year: 'год',
  all: 'всё время',
};

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { workspace: { type: 'string' }, format: { type: 'string' } }, true);
  if (positionals.length !== 1 || positionals[0] !== 'list') fail('использование: skvoz views list --workspace DIR', 'usage: skvoz views list --workspace DIR');
  const dir = workspaceDir(values);
  const format = str(values, 'format') ?? 'table';
  if (format !== 'table' && format !== 'json') fail('--format: table или json', '--format must be table or json');
  const ws = openWorkspace(dir, { readOnly: true });
  try {
    const now = Date.now();
    const rows = ws.meta.views.map((v: SavedView) => {
      const q = resolveView({ ws, now }, v.spec);
      const p = v.spec.period;
      return {
        name: v.name,
        period: p.kind === 'preset' ? `${PRESET_LABEL[p.preset]}${p.anchor === 'today' ? ' (до сегодня)' : ''}` : 'свой период',
        from: q.from,
        to: q.to,
        groupBy: q.groupBy,
        model: q.model ?? ws.settings.defaultModel,
        mode: v.spec.mode,
      };
    });
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      process.stderr.write('Сохранённых отчётов нет: сохраните отчёт в приложении («Отчёты» → «Сохранить») / no saved views yet\n');
      return;
    }
    process.stdout.write('Название\tПериод\tСейчас\tГруппировка\tМодель\n');
    for (const r of rows) {
      const group = r.groupBy.map((g) => DIM_LABEL[g]).join(' → ');
      const model = r.mode === 'models' ? 'сравнение моделей' : MODEL_LABEL[r.model];
      process.stdout.write(`${r.name}\t${r.period}\t${ruPeriod(r.from, r.to)}\t${group}\t${model}\n`);
    }
  } finally {
    ws.close();
  }
}
