// The print view's charts: axis labels never overlap (the last day of the period included).
import { describe, expect, it } from 'vitest';
import { axisLabelIndices, compactRu, labelWidth, svgLines } from '../../src-main/engine/export/svg';

describe('print view axis labels', () => {
  it('prints every k-th label and the last one, never two closer than a label is wide', () => {
    for (const n of [2, 7, 12, 31, 52, 53, 92, 365]) {
      const spacing = (520 - 62 - 18) / (n - 1);
      const width = labelWidth('22.11');
      const shown = axisLabelIndices(n, spacing, width);
      expect(shown[0]).toBe(0);
      expect(shown.at(-1)).toBe(n - 1);
      for (let i = 1; i < shown.length; i++) expect((shown[i]! - shown[i - 1]!) * spacing, `n=${n}`).toBeGreaterThanOrEqual(width);
    }
  });

  it('draws the labels it chose (a year by weeks: 52 points), and compact money on the axis', () => {
    const labels = Array.from({ length: 52 }, (_, i) => `${String((i % 28) + 1).padStart(2, '0')}.10`);
    const svg = svgLines(labels, [{ name: 'Выручка', color: '#000', values: labels.map((_, i) => i * 1_000_000) }], compactRu);
    const xs = [...svg.matchAll(/<text x="([\d.]+)" y="194"[^>]*>(\d\d\.10)</g)].map((m) => Number(m[1]));
    expect(xs.length).toBeGreaterThan(3);
    for (let i = 1; i < xs.length; i++) expect(xs[i]! - xs[i - 1]!).toBeGreaterThanOrEqual(labelWidth('31.10'));
    expect(svg).toContain(`>${labels.at(-1)}<`);
    expect(compactRu(30_000_000)).toBe('30 млн');
  });
});
