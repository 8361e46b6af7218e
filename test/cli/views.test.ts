// `skvoz views list` shows the saved views `--view` takes; the README's `--view` examples work
// on the demo workspace as the README makes it (issue 18).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { ROOT, cli } from './helpers';

let root: string;
let ws: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skvoz-cli-views-'));
  ws = join(root, 'w');
  const demo = await createDemoWorkspace(ws, { name: 'Демо-данные', size: 'small', seed: 1 });
  demo.ws.close();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('saved views from the command line', () => {
  it('views list names the demo views with the period each one covers today', async () => {
    const table = await cli(['views', 'list', '--workspace', ws]);
    expect(table.code, table.err).toBe(0);
    const lines = table.out.trim().split('\n');
    expect(lines[0]).toBe('Название\tПериод\tСейчас\tГруппировка\tМодель');
    expect(lines[1]).toMatch(/^Яндекс по кампаниям\tпрошлый месяц\t\d\d\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}\tИсточник → Тип трафика → Кампания\t/);
    expect(lines[2]).toMatch(/^Неделя\t7 дней\t/);
    const json = JSON.parse((await cli(['views', 'list', '--workspace', ws, '--format', 'json'])).out) as { name: string; from: string; to: string }[];
    expect(json.map((v) => v.name)).toEqual(['Яндекс по кампаниям', 'Неделя']);
  });

  it("every README `--view` example names a view the demo has, and the README's export command runs", async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const names = [...readme.matchAll(/skvoz export [^\n]*--view "([^"]+)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    const json = JSON.parse((await cli(['views', 'list', '--workspace', ws, '--format', 'json'])).out) as { name: string }[];
    for (const n of names) expect(json.map((v) => v.name), n).toContain(n);
    const line = /npx skvoz (export --workspace \/tmp\/w --view "[^"]+" --format xlsx) --out ~\/reports\//.exec(readme);
    expect(line, 'the README shows `npx skvoz export --workspace /tmp/w --view "…" --format xlsx --out ~/reports/`').not.toBeNull();
    const args = line![1]!.match(/"[^"]+"|\S+/g)!.map((a) => a.replace(/^"|"$/g, '').replace('/tmp/w', ws));
    const r = await cli([...args, '--out', `${root}/reports/`]);
    expect(r.code, r.err).toBe(0);
    expect(existsSync(r.out.trim())).toBe(true);
  });
});
