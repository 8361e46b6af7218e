// Column widths of the virtual tables sized to their content: a column is as wide as its widest
// text (measured by the browser in a hidden row of sample cells), never a fixed 108 px that
// clips «23 375 236 ₽». Pure helpers here; the measuring is in ReportTree.svelte.

/**
 * The few longest texts of a column — the candidates for its widest one (digits are tabular, so
 * the longest text is the widest up to a narrow sign or two; measuring the top few covers that).
 */
export function widestTexts(texts: Iterable<string>, k = 4): string[] {
  const top: string[] = [];
  const seen = new Set<string>();
  for (const t of texts) {
    if (!t || seen.has(t)) continue;
    seen.add(t);
    if (top.length < k) {
      top.push(t);
      top.sort((a, b) => b.length - a.length);
    } else if (t.length > top[top.length - 1]!.length) {
      top[top.length - 1] = t;
      top.sort((a, b) => b.length - a.length);
    }
  }
  return top;
}

/**
 * Widths that fill at least `min` px: when the columns together are narrower (a deal list wider
 * than two metric columns), each grows in proportion to its width.
 */
export function atLeast(widths: readonly number[], min: number): number[] {
  const sum = widths.reduce((a, w) => a + w, 0);
  if (sum >= min || sum === 0) return [...widths];
  const f = min / sum;
  const out = widths.map((w) => Math.ceil(w * f));
  return out;
}

/** A first guess before the browser has measured: characters × an average digit width + padding. */
export function guessWidth(texts: readonly string[], perChar = 8, padding = 26): number {
  const longest = texts.reduce((n, t) => Math.max(n, t.length), 0);
  return Math.max(56, Math.ceil(longest * perChar + padding));
}
