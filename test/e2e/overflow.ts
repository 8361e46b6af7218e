// The overflow check of the renderer tier: a number on screen is never clipped. Walks every
// numeric cell and every column header of every table on the page (the report tree and the model
// comparison, the dashboard table, deal rows, data health, visits, the cost preview and imports —
// anything drawn as <table> or role=grid/treegrid), plus the KPI values, and reports each one whose
// text is wider than its cell (clipped by overflow, cut by an ellipsis, or running into the next
// cell). Text columns (names of sources, campaigns, deals) may be shortened with an ellipsis; a
// number or a header may not.
import type { Page } from 'playwright-core';

export interface Clipped {
  /** what the cell is: the table's test id / label and the column */
  where: string;
  text: string;
  /** content width vs the cell's width, px */
  content: number;
  cell: number;
}

// Runs in the page (a string, so this file needs no DOM types).
const CHECK = String.raw`(() => {
  const out = [];
  const isNumeric = (text) => /\d/.test(text) && !/[A-Za-zА-Яа-яЁё]{3,}/.test(text.replace(/п\. ?п\.|pp|млн|тыс\.|руб/g, ''));
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const tableName = (el) => {
    const t = el.closest('[data-testid]');
    return t ? t.getAttribute('data-testid') : el.closest('table, [role=grid], [role=treegrid]')?.getAttribute('aria-label') ?? 'table';
  };
  const hidden = (el) => el.closest('.visually-hidden, [hidden], [aria-hidden=true]') !== null;
  const contentRect = (el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const rects = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!n.textContent.trim() || hidden(n.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      rects.push(...[...range.getClientRects()].filter((r) => r.width > 0));
    }
    if (!rects.length) return null;
    return { left: Math.min(...rects.map((r) => r.left)), right: Math.max(...rects.map((r) => r.right)) };
  };
  const check = (cell, header) => {
    if (!visible(cell)) return;
    if (hidden(cell)) return;
    const text = (cell.innerText || cell.textContent || '').replace(/\s+/g, ' ').trim();
    if (!text) return;
    if (!header && !isNumeric(text) && !cell.matches('[data-metric], .num, [data-numeric]')) return;
    const box = cell.getBoundingClientRect();
    const cs = getComputedStyle(cell);
    const left = box.left + parseFloat(cs.borderLeftWidth);
    const right = box.right - parseFloat(cs.borderRightWidth);
    // the text itself (every line of it), and every box inside that clips
    const c = contentRect(cell);
    let clipped = c !== null && (c.left < left - 0.5 || c.right > right + 0.5);
    let content = c ? c.right - c.left : 0;
    for (const el of [cell, ...cell.querySelectorAll('*')]) {
      if (!visible(el) || hidden(el)) continue;
      const s = getComputedStyle(el);
      const clips = s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
      if (clips && el.scrollWidth > el.clientWidth + 1) {
        clipped = true;
        content = Math.max(content, el.scrollWidth);
      }
    }
    if (clipped) out.push({ where: tableName(cell) + ' / ' + (header ? 'header ' : '') + (cell.getAttribute('data-metric') || cell.getAttribute('data-col') || cell.cellIndex || ''), text, content: Math.round(content), cell: Math.round(right - left) });
  };
  for (const cell of document.querySelectorAll('td, [role=gridcell]')) {
    if (cell.closest('[data-overflow-check=off]')) continue;
    check(cell, false);
  }
  for (const cell of document.querySelectorAll('th, [role=columnheader]')) {
    if (cell.closest('[data-overflow-check=off]')) continue;
    check(cell, true);
  }
  for (const cell of document.querySelectorAll('[data-testid=kpi-value], [data-testid=kpi-delta], [data-testid=kpi-previous]')) check(cell, false);
  // dates, times and amounts typed into the app's own fields must show whole
  for (const input of document.querySelectorAll('input[inputmode=numeric], input[inputmode=decimal]')) {
    if (!visible(input) || !input.value) continue;
    if (input.scrollWidth > input.clientWidth + 1) out.push({ where: 'input ' + (input.getAttribute('data-testid') || input.getAttribute('aria-label') || ''), text: input.value, content: input.scrollWidth, cell: input.clientWidth });
  }
  return out;
})()`;

/** Every clipped number or header on the page now (an empty list when everything fits). */
export async function findClipped(page: Page): Promise<Clipped[]> {
  return (await page.evaluate(CHECK)) as Clipped[];
}

/** Fails with the list of clipped cells. */
export async function expectNothingClipped(page: Page, screen: string): Promise<void> {
  const clipped = await findClipped(page);
  if (clipped.length > 0) {
    const lines = clipped.slice(0, 20).map((c) => `  ${c.where}: «${c.text}» ${c.content}px in ${c.cell}px`);
    throw new Error(`${screen}: ${clipped.length} clipped cell(s)\n${lines.join('\n')}`);
  }
}
