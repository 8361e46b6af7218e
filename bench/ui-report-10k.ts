// The report tree with 10 000 rows under one node, in Chromium (issue 6, item 7):
//   npx electron-vite build && npx tsx bench/ui-report-10k.ts [--runs N]
// The small demo workspace plus a real costs CSV (through costs:import) with 10 000 distinct
// keywords of one campaign, so `reports:query` at the keyword level returns 10 000 rows. The
// built renderer is opened on «Отчёты» with the levels source → medium → campaign → content →
// term, the path down to the campaign's content node is opened, then timed:
//   expand      click on the content node → the 10 000 keyword rows are in the table (next frame)
//   scroll end  scrollTop to the bottom → the last row is in the DOM (next frame)
//   key End     End on the focused grid → the last row is the active one (next frame)
// and the number of row elements in the DOM is counted.
// Figures (`name: value unit (ratio R vs BOUND)`):
//   expand is compared with the same reports:query made from the page through the test bridge
//   (Playwright's binding serialises the 10 000 rows; Electron's IPC does not go this way);
//   the renderer's own script time during the expand (CPU samples in the app bundle, from a
//   Chromium CPU profile) with the 100 ms response budget (RAIL); scroll and End with that budget
//   too; DOM rows with the 10 000 data rows.
import type { Page } from 'playwright-core';
import type { Dimension } from '@shared/metrics';
import { startHarness } from '../test/e2e/harness';
import { median, report } from './lib';

/** The bits of the DOM the page callbacks use (this file is type-checked without the DOM lib). */
interface DomEl {
  getAttribute(name: string): string | null;
  closest(selector: string): DomEl | null;
}
interface Dom {
  querySelector(selector: string): DomEl | null;
  getElementById(id: string): DomEl | null;
  activeElement: DomEl | null;
}

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1] || 5);
const N = 10_000;
const BUDGET_MS = 100;

function csv(days: string[]): string {
  const lines = ['Date,UTMSource,UTMMedium,UTMCampaign,UTMContent,UTMTerm,Expenses,Currency'];
  for (let i = 0; i < N; i++) lines.push(`${days[i % days.length]},bench,cpc,long_tail,,kw${String(i).padStart(5, '0')},${(10 + (i % 90)).toFixed(2)},RUB`);
  return lines.join('\n');
}

async function frame(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((ok) => (globalThis as unknown as { requestAnimationFrame(cb: () => void): number }).requestAnimationFrame(() => ok())));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** CPU time sampled in the app's own bundle (out/renderer/assets/index-*.js), ms. */
function appScriptMs(profile: CpuProfile): number {
  const app = new Set(profile.nodes.filter((n) => /\/assets\/index-[^/]*\.js$/.test(n.callFrame.url)).map((n) => n.id));
  let us = 0;
  (profile.samples ?? []).forEach((id, i) => {
    if (app.has(id)) us += profile.timeDeltas?.[i] ?? 0;
  });
  return us / 1000;
}

async function main(): Promise<void> {
  const h = await startHarness({ demo: 'small' });
  try {
    const ws = await h.call('workspaces:current');
    const to = ws!.dataTo!;
    const days = Array.from({ length: 20 }, (_, i) => new Date(Date.parse(`${to}T00:00:00Z`) - i * 86_400_000).toISOString().slice(0, 10));
    const imported = await h.call('costs:import', { fileName: 'long-tail.csv', contentBase64: Buffer.from(csv(days)).toString('base64') });
    if (imported.rows < N) throw new Error(`imported ${imported.rows} rows`);

    const page = await h.newPage();
    const expand: number[] = [];
    const scroll: number[] = [];
    const end: number[] = [];
    const engine: number[] = [];
    const bridge: number[] = [];
    const script: number[] = [];
    let domRows = 0;
    for (let run = 0; run < RUNS; run++) {
      await page.goto('about:blank');
      await page.goto(h.url('#/reports'));
      await page.locator('[data-testid="app"][data-booted="true"]').waitFor();
      for (const d of ['content', 'term']) await page.getByTestId(`level-${d}`).check();
      const tree = page.getByTestId('report-tree');
      await page.locator('[data-testid="report-tree"][data-group-by="source,medium,campaign,content,term"][aria-busy="false"]').waitFor();
      for (const path of [['bench'], ['bench', 'cpc'], ['bench', 'cpc', 'long_tail']]) {
        await tree.locator(`[data-key='${JSON.stringify(path)}']`).click();
        await tree.locator(`[data-key='${JSON.stringify([...path, path.length === 3 ? null : path.length === 1 ? 'cpc' : 'long_tail'])}']`).waitFor();
      }
      const content = JSON.stringify(['bench', 'cpc', 'long_tail', null]);
      const before = Number(await tree.getAttribute('data-rows'));
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      const t0 = Date.now();
      await tree.locator(`[data-key='${content}']`).click();
      await page.waitForFunction((n) => Number((globalThis as unknown as { document: Dom }).document.querySelector('[data-testid="report-tree"]')?.getAttribute('data-rows')) >= n, before + N);
      await frame(page);
      expand.push(Date.now() - t0);
      script.push(appScriptMs((await cdp.send('Profiler.stop')).profile));
      await cdp.detach();

      const s0 = Date.now();
      await tree.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForFunction(
        (n) => Boolean((globalThis as unknown as { document: Dom }).document.querySelector(`[data-testid="report-tree"] [aria-rowindex="${n}"]`)),
        before + N + 1,
      );
      await frame(page);
      scroll.push(Date.now() - s0);
      domRows = await tree.locator('[data-testid="tree-row"]').count();

      await tree.evaluate((el) => (el.scrollTop = 0));
      await tree.focus();
      await page.keyboard.press('Home');
      await frame(page);
      const e0 = Date.now();
      await page.keyboard.press('End');
      await page.waitForFunction(
        (n) => {
          const grid = (globalThis as unknown as { document: Dom }).document.querySelector('[data-testid="report-tree"]');
          const id = grid?.getAttribute('aria-activedescendant');
          return Boolean(id && (globalThis as unknown as { document: Dom }).document.getElementById(id)?.getAttribute('aria-rowindex') === String(n));
        },
        before + N + 1,
      );
      await frame(page);
      end.push(Date.now() - e0);

      const query = {
        from: (await tree.getAttribute('data-from'))!,
        to: (await tree.getAttribute('data-to'))!,
        groupBy: ['source', 'medium', 'campaign', 'content', 'term'] as Dimension[],
        filters: { dimensions: { source: ['bench'], medium: ['cpc'], campaign: ['long_tail'], content: [null] } },
      };
      const q0 = performance.now();
      const r = await h.call('reports:query', query);
      engine.push(performance.now() - q0);
      if (r.rows.length !== N) throw new Error(`the level has ${r.rows.length} rows, not ${N}`);
      // the same call from the page, through the test bridge (Playwright binding, not Electron IPC)
      bridge.push(
        await page.evaluate(async (q) => {
          const api = (globalThis as unknown as { skvoz: { reports: { query(q: unknown): Promise<unknown> } } }).skvoz;
          const t = performance.now();
          await api.reports.query(q);
          return performance.now() - t;
        }, query),
      );
    }
    report('ui-report-10k expand', median(expand), 'ms', { name: `the same reports:query through the test bridge (${median(bridge).toFixed(0)} ms)`, value: median(bridge) });
    report('ui-report-10k expand, renderer script', median(script), 'ms', { name: `${BUDGET_MS} ms response budget`, value: BUDGET_MS });
    report('ui-report-10k engine query', median(engine), 'ms', { name: `the call through the test bridge (${median(bridge).toFixed(0)} ms)`, value: median(bridge) });
    report('ui-report-10k scroll to end', median(scroll), 'ms', { name: `${BUDGET_MS} ms response budget`, value: BUDGET_MS });
    report('ui-report-10k key End', median(end), 'ms', { name: `${BUDGET_MS} ms response budget`, value: BUDGET_MS });
    report('ui-report-10k DOM rows', domRows, 'rows', { name: `${N} data rows`, value: N });
  } finally {
    await h.close();
  }
}

void main();
