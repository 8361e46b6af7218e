// The `skvoz` command as a user runs it: a child process of `bin/skvoz.mjs` (which runs the
// built CLI, out/cli/skvoz.js), its exit code, stdout and stderr. Asynchronous, so the loopback
// fakes in this process keep answering while it runs.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/skvoz.mjs');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  /** run as this user (tests running as root use it to meet file permissions) */
  uid?: number;
  gid?: number;
  cwd?: string;
  /** the command line, default `node bin/skvoz.mjs` */
  command?: string[];
}

export function cli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  const [cmd, ...pre] = opts.command ?? [process.execPath, BIN];
  return new Promise((done, fail) => {
    const child = spawn(cmd!, [...pre, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, SKVOZ_LOG_LEVEL: undefined, ...opts.env },
      uid: opts.uid,
      gid: opts.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** A failed command: exit 1 and exactly one line «skvoz: русский / English», no stack trace. */
export function expectOneLineError(r: CliRun, ...patterns: RegExp[]): string {
  expect(r.code, r.err).toBe(1);
  expect(r.err).not.toMatch(/^\s+at /m);
  const lines = r.err.split('\n').filter((l) => l.startsWith('skvoz: ') && !l.startsWith('skvoz: внимание'));
  expect(lines, r.err).toHaveLength(1);
  const line = lines[0]!;
  // Russian first, then « / » and English
  const cut = line.lastIndexOf(' / ');
  expect(cut, line).toBeGreaterThan(0);
  expect(line.slice(0, cut)).toMatch(/[а-яё]{3}/i);
  expect(line.slice(cut + 3)).toMatch(/[a-z]{3,}/i);
  for (const p of patterns) expect(line).toMatch(p);
  return line;
}

export const md5 = (file: string): string => createHash('md5').update(readFileSync(file)).digest('hex');
