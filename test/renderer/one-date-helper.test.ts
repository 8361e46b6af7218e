// docs/REPORTS.md: dates on screen are in the workspace time zone, everywhere — through ONE helper
// (lib/format.ts: formatInstant / formatDateTime / formatDate). No screen formats a date itself
// (a `.slice(0, 10)` of an instant is its UTC date: a deal won 22.11 02:41 Moscow read as 21.11).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../src-renderer');
const HELPERS = new Set(['lib/format.ts', 'lib/dates.ts', 'lib/visits.ts']);
const FORBIDDEN = [/toLocale(Date|Time)?String\(/, /new Intl\.DateTimeFormat/, /\.get(UTC)?(Hours|Date|Month|FullYear)\(\)/, /At\.slice\(0, 10\)|at\.slice\(0, 10\)/, /formatDate\([^)]*\.(createdAt|wonAt|at|lastSyncAt|importedAt)\b/];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(svelte|ts)$/.test(f) ? [p] : [];
  });
}

describe('one date helper', () => {
  it('no screen or component formats a date or an instant on its own', () => {
    const offenders: string[] = [];
    for (const f of files(ROOT)) {
      const rel = relative(ROOT, f);
      if (HELPERS.has(rel)) continue;
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (FORBIDDEN.some((re) => re.test(line))) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
