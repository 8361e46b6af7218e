// `skvoz` — the command line over the same engine the app runs.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Engine } from './engine/engine';
import { Workspace } from './engine/workspace';
import { createDemoWorkspace } from './engine/demo/workspace';
import { envCalltouchSiteIds, envList, envSecrets } from './cli/env-secrets';
import { VISITS_HELP, runVisits } from './cli/visits';
import { EXPORT_HELP, runExportCli } from './cli/export';
import { WORKSPACE_HELP, runWorkspaceCli } from './cli/workspace';
import { STORAGE_HELP, runStorageCli } from './cli/storage';
import { reportToCsv } from './engine/reports/csv';
import { DemoSizeSchema, SourceKindSchema, type SourceKind, type Compare, type CostImportResult, type ReportResult, type SyncProgress } from '@shared/contract';
import { PRESETS, PresetSchema, anchorDate, compareFor, presetRange, todayIn, type Preset } from '@shared/periods';
import type { EngineChannel } from '@shared/channels';
import { isBusy, isCorrupt } from './engine/db/busy';
import { toAppError } from './engine/errors';

const HELP = `skvoz — сквозная аналитика Bitrix24 + Calltouch (Skvoz CLI)

Команды / commands:
  skvoz demo   --workspace DIR [--size small|medium|large] [--seed N]
      Создать демо-пространство в папке DIR / create a demo workspace in DIR.
  skvoz report --workspace DIR --from YYYY-MM-DD --to YYYY-MM-DD
               [--group channel,source,medium,campaign,content,term] [--model MODEL]
               [--basis event|cohort] [--compare previous|weekdays|month|year]
               [--format json|csv] [--out FILE]
  skvoz report --workspace DIR --period PRESET [...]   (PRESET: lastMonth, thisMonth, last30, …)
      Отчёт по атрибуции (JSON как в docs/REPORTS.md) / attribution report. Период сравнения
      печатается в stderr рядом с основным / the comparison period is printed to stderr.
      MODEL: last_non_direct (по умолчанию), last, first, linear, position, time_decay, markov.
  skvoz sync   --workspace DIR [--only bitrix24|calltouch|yandex_direct|vk_ads] [--full]
      Синхронизация / sync. Секреты из окружения / secrets from the environment:
      SKVOZ_BITRIX24_WEBHOOK, SKVOZ_CALLTOUCH_SITES="siteId:token[,siteId:token]",
      SKVOZ_CALLTOUCH_BASE_URL (по умолчанию https://api.calltouch.ru),
      SKVOZ_YANDEX_DIRECT_TOKEN (OAuth), SKVOZ_YANDEX_DIRECT_TOKENS="login:token[,…]",
      SKVOZ_YANDEX_DIRECT_LOGINS="login1,login2" (агентство / agency),
      SKVOZ_VK_ADS_TOKEN="client_id:client_secret", SKVOZ_VK_ADS_CLIENTS="name1,name2",
      SKVOZ_YANDEX_DIRECT_BASE_URL, SKVOZ_VK_ADS_BASE_URL.
  skvoz costs import --workspace DIR FILE [--skip-errors]
      Загрузить расходы: CSV Яндекс Метрики, выгрузки Директа и VK Рекламы, своя таблица
      с колонками «Дата», «Источник», «Канал», «Кампания», «Расход», «Показы», «Клики» /
      import ad costs (Metrica CSV, Direct and VK Ads exports, Russian headers).
${WORKSPACE_HELP}
  skvoz channels export --workspace DIR --out FILE.json
  skvoz channels import --workspace DIR FILE.json
      Правила каналов в файл и из файла (одни правила для многих клиентов) /
      channel rules to and from a file; an import replaces the workspace's rules.
${VISITS_HELP}
${EXPORT_HELP}
${STORAGE_HELP}
  skvoz --help

Выход с кодом 1 и одной строкой ошибки при неверных данных / exit 1 with a one-line error on bad input.`;

class CliError extends Error {}

/** The one line a failed command prints: a locked or damaged database in words, not SQLite's. */
function cliMessage(err: unknown): string {
  if (isBusy(err) || isCorrupt(err)) return toAppError(err).message;
  return err instanceof Error ? err.message : String(err);
}

function fail(ru: string, en: string): never {
  throw new CliError(`${ru} / ${en}`);
}

function need(v: string | undefined, flag: string): string {
  if (!v) fail(`не указан ${flag}`, `missing ${flag}`);
  return v;
}

async function call<T>(engine: Engine, channel: EngineChannel, input: unknown): Promise<T> {
  const r = await engine.dispatch(channel, input);
  if (!r.ok) throw new CliError(r.error.message);
  return r.value as T;
}

async function cmdDemo(values: Record<string, string | boolean | undefined>): Promise<void> {
  const dir = resolve(need(values.workspace as string | undefined, '--workspace'));
  const size = DemoSizeSchema.safeParse(values.size ?? 'small');
  if (!size.success) fail('--size: small, medium или large', '--size must be small, medium or large');
  const seed = values.seed === undefined ? 1 : Number(values.seed);
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
  ws.close();
  process.stderr.write(
    `Атрибуция: ${attribution?.conversions ?? 0} конверсий за ${((attribution?.ms ?? 0) / 1000).toFixed(1)} с\n` +
      `Готово за ${((Date.now() - t0) / 1000).toFixed(1)} с: лидов ${stats.leads}, сделок ${stats.deals}, контактов ${stats.contacts}, ` +
      `звонков ${stats.calls}, заявок ${stats.requests}, строк расходов ${stats.costRows}\n`,
  );
}

async function cmdReport(values: Record<string, string | boolean | undefined>): Promise<void> {
  const dir = resolve(need(values.workspace as string | undefined, '--workspace'));
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
  const format = (values.format as string | undefined) ?? 'json';
  if (format !== 'json' && format !== 'csv') fail('--format: json или csv', '--format must be json or csv');
  const compare = values.compare as string | undefined;
  if (compare !== undefined && !['previous', 'weekdays', 'month', 'year'].includes(compare)) {
    fail('--compare: previous, weekdays, month или year', '--compare must be previous, weekdays, month or year');
  }
  const engine = new Engine({ workspaceDir: dir, secrets: envSecrets() });
  try {
    const range = cliPeriod(engine, values);
    const result = await call<ReportResult>(engine, 'reports:query', {
      from: range.from,
      to: range.to,
      groupBy: values.group ? String(values.group).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      model: values.model,
      basis: values.basis,
      compare: compare ? compareFor({ kind: compare } as Compare, range.preset ? { kind: 'preset', preset: range.preset } : { kind: 'custom' }) : undefined,
    });
    process.stderr.write(`${periodLine(result)}\n`);
    const text = format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : reportToCsv(result);
    if (values.out) writeFileSync(resolve(String(values.out)), text, 'utf8');
    else process.stdout.write(text);
  } finally {
    await engine.close();
  }
}

/** --from/--to, or --period PRESET resolved like the app's presets (to the last date with data). */
function cliPeriod(engine: Engine, values: Record<string, string | boolean | undefined>): { from: string; to: string; preset?: Preset } {
  const preset = values.period as string | undefined;
  if (preset === undefined) return { from: need(values.from as string | undefined, '--from'), to: need(values.to as string | undefined, '--to') };
  if (values.from || values.to) fail('--period или --from/--to, не вместе', '--period or --from/--to, not both');
  const p = PresetSchema.safeParse(preset);
  if (!p.success) fail(`--period: одно из ${PRESETS.join(', ')}`, `--period must be one of ${PRESETS.join(', ')}`);
  const ws = engine.workspace;
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

async function cmdSync(values: Record<string, string | boolean | undefined>): Promise<void> {
  const dir = resolve(need(values.workspace as string | undefined, '--workspace'));
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
  const only = values.only as string | undefined;
  const kinds = SourceKindSchema.options as readonly string[];
  if (only !== undefined && !kinds.includes(only)) fail(`--only: ${kinds.join(', ')}`, `--only must be one of ${kinds.join(', ')}`);
  let last = 0;
  const engine = new Engine({
    workspaceDir: dir,
    secrets: envSecrets(),
    overrides: {
      calltouchBaseUrl: process.env.SKVOZ_CALLTOUCH_BASE_URL || undefined,
      calltouchSiteIds: envCalltouchSiteIds(),
      yandexDirectBaseUrl: process.env.SKVOZ_YANDEX_DIRECT_BASE_URL || undefined,
      yandexDirectLogins: envList(process.env.SKVOZ_YANDEX_DIRECT_LOGINS),
      vkAdsBaseUrl: process.env.SKVOZ_VK_ADS_BASE_URL || undefined,
      vkAdsClients: envList(process.env.SKVOZ_VK_ADS_CLIENTS),
    },
    emit: (event, payload) => {
      if (event === 'attribution:progress') {
        // a full recompute (first sync, changed rules) takes a while on a large workspace
        const a = payload as { done: number; total: number; finished: boolean };
        if (a.finished) process.stderr.write(`  атрибуция пересчитана: ${a.total} конверсий\n`);
        else if (a.total === 0) process.stderr.write('  атрибуция: полный пересчёт…\n');
        else if (Date.now() - last >= 1000) {
          last = Date.now();
          process.stderr.write(`  атрибуция: ${a.done}/${a.total}\n`);
        }
        return;
      }
      if (event !== 'sync:progress') return;
      const p = payload as SyncProgress;
      if (Date.now() - last < 1000) return;
      last = Date.now();
      const total = p.total === null ? '' : `/${p.total}`;
      process.stderr.write(`  ${p.source} ${p.entity}: ${p.done}${total} (${Math.round(p.ratePerSec)}/с, запросов ${p.requests})\n`);
    },
  });
  const stop = () => engine.sync.cancel();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const t0 = Date.now();
    const { done } = await engine.sync.start(engine.workspace, { sources: only ? [only as SourceKind] : undefined, full: values.full === true });
    const r = await done;
    const rows = Object.entries(r.rows).map(([k, v]) => `${k} ${v}`).join(', ') || '0';
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    if (!r.ok) throw new CliError(`${r.error?.message ?? 'синхронизация не удалась'} (строк: ${rows}, ${secs} с)`);
    process.stderr.write(`Синхронизация завершена за ${secs} с, строк: ${rows}\n`);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(err instanceof Error ? err.message : String(err));
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await engine.close();
  }
}

async function cmdCosts(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void> {
  const [sub, file] = positionals;
  if (sub !== 'import') fail('использование: skvoz costs import --workspace DIR FILE', 'usage: skvoz costs import --workspace DIR FILE');
  const dir = resolve(need(values.workspace as string | undefined, '--workspace'));
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
  const path = resolve(need(file, 'FILE'));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    fail(`не удалось прочитать ${path}`, `cannot read ${path}`);
  }
  const engine = new Engine({ workspaceDir: dir, secrets: envSecrets() });
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

async function cmdChannels(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<void> {
  const [sub, file] = positionals;
  const usage = () =>
    fail('использование: skvoz channels export --workspace DIR --out FILE | skvoz channels import --workspace DIR FILE', 'usage: skvoz channels export|import …');
  if (sub !== 'export' && sub !== 'import') usage();
  const dir = resolve(need(values.workspace as string | undefined, '--workspace'));
  if (!Workspace.exists(dir)) fail(`в ${dir} нет рабочего пространства`, `no workspace in ${dir}`);
  const engine = new Engine({ workspaceDir: dir, secrets: envSecrets() });
  try {
    if (sub === 'export') {
      const r = await call<{ path: string }>(engine, 'channels:export', { path: resolve(need(values.out as string | undefined, '--out')) });
      process.stderr.write(`Правила каналов сохранены в ${r.path}\n`);
      return;
    }
    const path = resolve(need(file, 'FILE'));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      fail(`не удалось прочитать ${path}`, `cannot read ${path}`);
    }
    const rules = await call<{ rules: unknown[] }>(engine, 'channels:import', { fileName: basename(path), text });
    await call(engine, 'settings:update', { channels: rules });
    process.stderr.write(`Загружено правил каналов: ${rules.rules.length}; атрибуция пересчитается при следующем отчёте\n`);
  } finally {
    await engine.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command === 'visits') return runVisits(rest);
  if (command === 'export') return runExportCli(rest);
  if (command === 'init' || command === 'settings') return runWorkspaceCli(command, rest);
  if (command === 'backup' || command === 'restore' || command === 'check') return runStorageCli(command, rest);
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        size: { type: 'string' },
        seed: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        group: { type: 'string' },
        model: { type: 'string' },
        basis: { type: 'string' },
        compare: { type: 'string' },
        period: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        'skip-errors': { type: 'boolean' },
        only: { type: 'string' },
        full: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${HELP}\n`);
      return 0;
    }
    switch (command) {
      case 'demo':
        await cmdDemo(values);
        return 0;
      case 'report':
        await cmdReport(values);
        return 0;
      case 'sync':
        await cmdSync(values);
        return 0;
      case 'costs':
        await cmdCosts(values, positionals);
        return 0;
      case 'channels':
        await cmdChannels(values, positionals);
        return 0;
      default:
        fail(`неизвестная команда «${command}» (см. skvoz --help)`, `unknown command "${command}" (see skvoz --help)`);
    }
  } catch (err) {
    process.stderr.write(`skvoz: ${cliMessage(err).split('\n')[0]}\n`);
    return 1;
  }
}
