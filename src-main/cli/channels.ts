// `skvoz channels export|import` (issue 14): the workspace's channel rules to a JSON file and from
// one — an agency keeps one set of rules and applies it to many clients' workspaces.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ChannelRules } from '@shared/channel-rules';
import { readMeta } from '../engine/workspace';
import { writeChannelRules } from '../engine/channels/file';
import { parse, str, workspaceDir } from './args';
import { fail } from './errors';
import { call, openEngine } from './engine-call';
import { requireWorkspace } from './open';
import { checkOutFile } from './out-file';

const USAGE: [string, string] = [
  'использование: skvoz channels export --workspace DIR --out FILE.json | skvoz channels import --workspace DIR FILE.json',
  'usage: skvoz channels export --workspace DIR --out FILE.json | skvoz channels import --workspace DIR FILE.json',
];

export async function run(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { workspace: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } }, true);
  const [sub, file, ...extra] = positionals;
  if ((sub !== 'export' && sub !== 'import') || extra.length) fail(...USAGE);
  const dir = workspaceDir(values);
  requireWorkspace(dir);
  if (sub === 'export') {
    if (file !== undefined) fail(...USAGE);
    const out = str(values, 'out');
    if (!out) fail('не указан --out', 'missing --out');
    const path = resolve(out);
    checkOutFile(path, { workspace: dir, format: 'json', force: values.force === true });
    // the rules live in workspace.json: the database is not opened
    const r = writeChannelRules(path, readMeta(dir).settings.channels);
    process.stderr.write(`Правила каналов сохранены в ${r.path} / channel rules saved\n`);
    process.stdout.write(`${r.path}\n`);
    return;
  }
  if (str(values, 'out') !== undefined || values.force !== undefined) fail('--out и --force — только для channels export', '--out and --force go with channels export');
  if (!file) fail('не указан файл правил', 'missing the rules FILE');
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    // a read error names no file (EISDIR): name it
    throw Object.assign(err as Error, { path: (err as { path?: string }).path ?? path });
  }
  const engine = openEngine(dir);
  try {
    const rules = await call<ChannelRules>(engine, 'channels:import', { fileName: basename(path), text });
    await call(engine, 'settings:update', { channels: rules });
    process.stderr.write(`Загружено правил каналов: ${rules.rules.length}; атрибуция пересчитается при следующем отчёте / ${rules.rules.length} channel rules imported\n`);
  } finally {
    await engine.close();
  }
}
