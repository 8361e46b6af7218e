import { describe, expect, it } from 'vitest';
import { pageRows, scrollToRow, visibleWindow } from '../../src-renderer/lib/virtual';

describe('virtual window', () => {
  it('renders the rows in view plus the overscan, never past the ends', () => {
    expect(visibleWindow(0, 360, 36, 10_000, 5)).toEqual({ start: 0, end: 16 });
    // scrolled to row 1000 exactly
    expect(visibleWindow(36_000, 360, 36, 10_000, 5)).toEqual({ start: 995, end: 1016 });
    expect(visibleWindow(36 * 9_995, 360, 36, 10_000, 5)).toEqual({ start: 9_990, end: 10_000 });
    expect(visibleWindow(0, 360, 36, 3, 5)).toEqual({ start: 0, end: 3 });
    expect(visibleWindow(0, 360, 36, 0, 5)).toEqual({ start: 0, end: 0 });
  });

  it('keeps the DOM small whatever the size of the list', () => {
    for (const count of [100, 10_000, 1_000_000]) {
      for (const top of [0, 12_345, 36 * count]) {
        const w = visibleWindow(top, 600, 36, count);
        expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(600 / 36) + 1 + 12);
        expect(w.start).toBeGreaterThanOrEqual(0);
        expect(w.end).toBeLessThanOrEqual(count);
        expect(w.end).toBeGreaterThan(w.start);
      }
    }
  });

  it('scrolls just enough to show a row under the sticky header and above the sticky footer', () => {
    // viewport 400, header 40, footer 36, rows 36: the body shows 324 px
    expect(scrollToRow(0, 0, 400, 36, 40, 36)).toBe(0);
    expect(scrollToRow(5, 0, 400, 36, 40, 36)).toBe(0);
    // row 9 ends at 40 + 360 = 400 > 364 visible bottom → scroll by 36
    expect(scrollToRow(9, 0, 400, 36, 40, 36)).toBe(36);
    // going back up to row 2 from far below puts it right under the header
    expect(scrollToRow(2, 1000, 400, 36, 40, 36)).toBe(72);
    expect(pageRows(400, 36, 40, 36)).toBe(9);
    expect(pageRows(50, 36, 40, 36)).toBe(1);
  });
});
