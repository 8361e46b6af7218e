// A long deal list in «Отчёты» against a real engine with the MEDIUM demo workspace (issue 17): the
// tree asks for the deals newest first a page (500) at a time; the engine reads only as far as the
// page needs and does not count the rest («Показано 500, в списке есть ещё» under the list);
// scrolling to that row loads the next page, and the deals on screen are the engine's pages in
// order. At 1366×768, in Russian.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { DealsResult, WorkspaceSummary } from '@shared/contract';
import { anchorDate, presetRange, todayIn } from '@shared/periods';
import { startDemo, type Harness } from './harness';
import { screenshot } from './screen';
import { setLevels, settleTree } from './tree';

const NOW = Date.parse('2026-11-21T09:00:00Z');
let h: Harness;
let page: Page;
let ws: WorkspaceSummary;

beforeAll(async () => {
  ({ h, ws, page } = await startDemo('medium', NOW, { viewport: { width: 1366, height: 768 } }));
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe('a long deal list, a page at a time', () => {
  it('lists the first page without counting the rest, loads the next page on scrolling, in the engine order', async () => {
    await h.open(page, 'reports');
    await setLevels(page, ['source']);
    await page.getByTestId('period-preset').selectOption('all');
    const settings = await h.call('settings:get');
    const p = presetRange('all', { anchor: anchorDate(ws.dataTo, todayIn(settings.timeZone, Date.now())), dataFrom: ws.dataFrom });
    const tree = page.getByTestId('report-tree');
    await page.locator(`[data-testid="report-tree"][data-from="${p.from}"]`).waitFor();
    await settleTree(page);
    const top = await h.call('reports:query', { ...p, groupBy: ['source'] });
    const big = [...top.rows].filter((r) => !r.unattributed).sort((a, b) => b.deals - a.deals)[0]!;
    const row = { dims: { source: big.source ?? null } };
    const first: DealsResult = await h.call('reports:deals', { ...p, row, limit: 500 });
    const second: DealsResult = await h.call('reports:deals', { ...p, row, offset: 500, limit: 500 });
    // the engine read only the first page: no count, more to come
    expect([first.items.length, first.total, first.more]).toEqual([500, null, true]);
    expect(second.items.length).toBeGreaterThan(0);

    await tree.locator(`[data-key='${JSON.stringify([big.source ?? null])}']`).click();
    await settleTree(page);
    // the source rows, the deal list's caption row, 500 deals and the «more» row
    expect(Number(await tree.getAttribute('data-rows'))).toBe(top.rows.length + 1 + 500 + 1);
    const shown = () => tree.locator('[data-testid="tree-row"][data-type="deal"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-deal-id'))));
    expect(await shown()).toEqual(first.items.slice(0, (await shown()).length).map((d) => d.id));

    // to the end of the list: the «more» row comes into view and loads the next page
    // scrolled down a screen at a time, as a marketer would: the «more» row comes into view and
    // loads the next page (and the next, while it is in view)
    const rows = () => tree.getAttribute('data-rows').then(Number);
    const more = tree.getByTestId('tree-more');
    for (let i = 0; i < 100 && (await rows()) === top.rows.length + 502 && (await more.count()) === 0; i++) {
      await tree.evaluate((el) => {
        const e = el as unknown as { scrollTop: number; clientHeight: number };
        e.scrollTop += e.clientHeight;
      });
      await page.waitForTimeout(50);
    }
    await expect.poll(rows).toBeGreaterThanOrEqual(top.rows.length + 1 + 500 + second.items.length);
    await settleTree(page);
    // what is on screen now is a stretch of the engine's list, pages joined in order
    const loaded = (await rows()) - top.rows.length - 1 - ((await more.count()) > 0 || second.more ? 1 : 0);
    const pages: number[] = [];
    for (let offset = 0; offset < loaded; offset += 500) pages.push(...(await h.call('reports:deals', { ...p, row, offset, limit: 500 })).items.map((d) => d.id));
    const ids = await shown();
    expect(ids.length).toBeGreaterThan(5);
    const at = pages.indexOf(ids[0]!);
    expect(at).toBeGreaterThan(400);
    expect(pages.slice(at, at + ids.length)).toEqual(ids);
    await screenshot(page, 'reports-deals-more-light');
    expect(h.problems).toEqual([]);
  });
});
