// Windowing for tables with fixed row height: which rows to put in the DOM for a scroll position,
// and where to scroll so a row is fully visible. Pure; tested in Node (test/renderer/virtual.test.ts).

export interface Window {
  /** first row index in the DOM (inclusive) */
  start: number;
  /** last row index in the DOM (exclusive) */
  end: number;
}

/**
 * The rows to render: those intersecting the viewport of the body plus `overscan` rows on each
 * side. `scrollTop` is measured from the top of the body (the header is above it).
 */
export function visibleWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 6): Window {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(viewport, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(first, count - 1) - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end };
}

/**
 * The scrollTop that shows row `index` whole inside a scroller whose sticky header and footer
 * cover `header` and `footer` pixels; unchanged when the row is already visible.
 */
export function scrollToRow(index: number, scrollTop: number, viewport: number, rowHeight: number, header: number, footer: number): number {
  const rowTop = header + index * rowHeight;
  const rowBottom = rowTop + rowHeight;
  const visibleTop = scrollTop + header;
  const visibleBottom = scrollTop + viewport - footer;
  if (rowTop < visibleTop) return Math.max(0, rowTop - header);
  if (rowBottom > visibleBottom) return rowBottom - viewport + footer;
  return scrollTop;
}

/** How many whole rows fit in the body's visible part (for PageUp / PageDown). */
export function pageRows(viewport: number, rowHeight: number, header: number, footer: number): number {
  return Math.max(1, Math.floor((viewport - header - footer) / rowHeight));
}
