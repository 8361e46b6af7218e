// The channel rules file (Настройки → Каналы → «Выгрузить» / «Загрузить»; `skvoz channels`): an
// agency keeps one set of rules and applies it to many clients' workspaces. Importing only reads
// and checks the file — the rules are saved (and attribution recomputed) by settings:update.
import { writeFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { ChannelRulesFileSchema, channelRulesFile, type ChannelRules } from '@shared/channel-rules';
import type { ZodError } from 'zod';
import { SkvozError } from '../errors';

export function channelRulesText(rules: ChannelRules): string {
  return `${JSON.stringify(channelRulesFile(rules), null, 2)}\n`;
}

export function writeChannelRules(path: string, rules: ChannelRules): { path: string; bytes: number } {
  const part = `${path}.part`;
  try {
    writeFileSync(part, channelRulesText(rules), 'utf8');
    renameSync(part, path);
    return { path, bytes: statSync(path).size };
  } catch {
    rmSync(part, { force: true });
    throw new SkvozError('invalid_input', `Не удалось записать ${path}: возможно, нет прав на папку.`);
  }
}

function where(err: ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'файл не подходит';
  const path = issue.path;
  const rule = path[0] === 'rules' && typeof path[1] === 'number' ? `правило ${path[1] + 1}: ` : '';
  return `${rule}${issue.message}`;
}

/** The rules of a file's text; a clear Russian error when it is not a rules file or a rule is wrong. */
export function readChannelRules(text: string, fileName = ''): ChannelRules {
  const name = fileName ? `«${fileName}» ` : '';
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new SkvozError('invalid_input', `Файл ${name}не читается как JSON — это не файл правил каналов Skvoz.`);
  }
  const parsed = ChannelRulesFileSchema.safeParse(raw);
  if (!parsed.success) throw new SkvozError('invalid_input', `Файл ${name}не подходит: ${where(parsed.error)}.`);
  return { rules: parsed.data.rules, fallback: parsed.data.fallback };
}
