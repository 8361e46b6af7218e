// Command-line options of one command (node:util parseArgs, strict): unknown options and missing
// values are refused (cli/errors.ts words them). A value that starts with a minus and a digit is
// taken as the option's value (`--revenue -500`), so it reaches the validation that explains why
// it is wrong instead of Node's «argument is ambiguous».
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolve } from 'node:path';
import { fail } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export function parse(args: string[], options: Options, allowPositionals = false): { values: Values; positionals: string[] } {
  const fixed: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      fixed.push(`${a}=${next}`);
      i++;
    } else fixed.push(a);
  }
  const { values, positionals } = parseArgs({ args: fixed, options, strict: true, allowPositionals });
  return { values: values as Values, positionals };
}

export function str(v: Values, k: string): string | undefined {
  const x = v[k];
  return typeof x === 'string' ? x : Array.isArray(x) ? x[x.length - 1] : undefined;
}

export function list(v: Values, k: string): string[] {
  const x = v[k];
  return Array.isArray(x) ? x : typeof x === 'string' ? [x] : [];
}

export function need(v: Values, k: string): string {
  const x = str(v, k);
  if (x === undefined || x.trim() === '') fail(`не указан --${k}`, `missing --${k}`);
  return x;
}

/** `--workspace DIR` as an absolute path. */
export function workspaceDir(v: Values): string {
  return resolve(need(v, 'workspace'));
}

/** `--group source,medium` → ['source', 'medium'] (checked by the report schema). */
export function groupBy(v: Values): string[] | undefined {
  const g = str(v, 'group');
  return g ? g.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}
