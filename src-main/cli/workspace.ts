// `skvoz init` and `skvoz settings show|set` (issue 15): a real workspace made and configured from
// the command line, so a server running `skvoz sync` from cron needs no app. Secrets never go
// here: the CLI reads them from the environment (see ./env-secrets).
import { basename } from 'node:path';
import { SettingsSchema, type Settings } from '@shared/contract';
import { Workspace, patchMeta, readMeta } from '../engine/workspace';
import { fromZod } from '../engine/errors';
import { parse, str, workspaceDir } from './args';
import { CliError, fail } from './errors';
import { requireWorkspace } from './open';

/** A settings value the schema refuses: its Russian reason, then what it was in English. */
function invalid(error: Parameters<typeof fromZod>[0]): never {
  const e = fromZod(error);
  throw new CliError(`${e.message} / invalid setting (${Object.keys(e.fields ?? {})[0] ?? 'settings'})`);
}

async function init(args: string[]): Promise<void> {
  const { values } = parse(args, { workspace: { type: 'string' }, name: { type: 'string' }, timezone: { type: 'string' }, currency: { type: 'string' } });
  const dir = workspaceDir(values);
  if (Workspace.exists(dir)) fail(`в ${dir} уже есть рабочее пространство`, `${dir} already holds a workspace`);
  const name = (str(values, 'name') ?? basename(dir)).trim();
  if (!name || name.length > 100) fail('--name: от 1 до 100 символов', '--name must be 1 to 100 characters');
  const parsed = SettingsSchema.safeParse({ timeZone: str(values, 'timezone') ?? 'Europe/Moscow', currency: (str(values, 'currency') ?? 'RUB').toUpperCase() });
  if (!parsed.success) invalid(parsed.error);
  const ws = Workspace.create(dir, { name });
  try {
    ws.updateMeta({ settings: parsed.data });
    process.stdout.write(`Создано рабочее пространство «${name}» (${ws.meta.id}) в ${dir}: ${parsed.data.timeZone}, ${parsed.data.currency}\n`);
  } finally {
    ws.close();
  }
}

/** Settings as `key = value` lines (nested keys dotted, lists and objects as JSON). */
export function flatten(o: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && key !== 'normalisation.aliases') out.push(...flatten(v as Record<string, unknown>, `${key}.`));
    else out.push([key, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return out;
}

/** `a.b=1` pairs applied to the settings; a value is JSON when it parses as JSON, else a string. */
export function applyPairs(settings: Settings, pairs: string[]): { settings: Settings; name: string | null } {
  const next = structuredClone(settings) as unknown as Record<string, unknown>;
  let name: string | null = null;
  const known = new Set(flatten(settings as unknown as Record<string, unknown>).map(([k]) => k));
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) fail(`«${pair}»: нужно КЛЮЧ=ЗНАЧЕНИЕ`, `"${pair}": expected KEY=VALUE`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    if (key === 'name') {
      name = raw.trim();
      continue;
    }
    if (!known.has(key)) fail(`неизвестная настройка «${key}» (см. skvoz settings show)`, `unknown setting "${key}" (see skvoz settings show)`);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    const path = key.split('.');
    let at = next;
    for (const p of path.slice(0, -1)) at = at[p] as Record<string, unknown>;
    const last = path.at(-1)!;
    // a string setting keeps the text even when it looks like JSON (a name "123")
    at[last] = typeof at[last] === 'string' && typeof value !== 'string' && value !== null ? raw : value;
  }
  const parsed = SettingsSchema.safeParse(next);
  if (!parsed.success) invalid(parsed.error);
  return { settings: parsed.data, name };
}

async function settings(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { workspace: { type: 'string' }, format: { type: 'string' } }, true);
  const [sub, ...pairs] = positionals;
  if (sub !== 'show' && sub !== 'set') fail('использование: skvoz settings show|set --workspace DIR', 'usage: skvoz settings show|set --workspace DIR');
  const dir = workspaceDir(values);
  requireWorkspace(dir);
  const meta = readMeta(dir);
  const format = str(values, 'format');
  if (sub === 'show') {
    if (pairs.length) fail(`лишний аргумент «${pairs[0]}» (см. skvoz --help)`, `unexpected argument "${pairs[0]}" (see skvoz --help)`);
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ id: meta.id, name: meta.name, settings: meta.settings }, null, 2)}\n`);
      return;
    }
    if (format !== undefined && format !== 'text') fail('--format: text или json', '--format must be text or json');
    const lines = [['name', meta.name], ...flatten(meta.settings as unknown as Record<string, unknown>)];
    process.stdout.write(lines.map(([k, val]) => `${k} = ${val}`).join('\n') + '\n');
    return;
  }
  if (format !== undefined) fail('--format — только для settings show', '--format goes with settings show');
  if (pairs.length === 0) fail('укажите КЛЮЧ=ЗНАЧЕНИЕ', 'give KEY=VALUE');
  const { settings: next, name } = applyPairs(meta.settings, pairs);
  if (name !== null && (name === '' || name.length > 100)) fail('name: от 1 до 100 символов', 'name must be 1 to 100 characters');
  // workspace.json alone: the database is not opened (it may be busy, missing or being restored)
  patchMeta(dir, { settings: next, ...(name !== null ? { name } : {}) });
  process.stdout.write(`Сохранено: ${pairs.map((p) => p.slice(0, p.indexOf('='))).join(', ')}\n`);
}

/** `skvoz init` */
export const initCommand = { run: init };
/** `skvoz settings show|set` */
export const settingsCommand = { run: settings };
