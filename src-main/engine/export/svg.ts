// Small static SVG charts for the print view (no scripts: the PDF window runs with JS off).
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A "nice" axis maximum and step for 4 grid lines. */
export function niceScale(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.25 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  return { top: step * 4, step };
}

/** About how wide a label is at `fontSize` px (digits and dots of dd.mm labels; generous). */
export function labelWidth(text: string, fontSize = 8): number {
  return text.length * fontSize * 0.62;
}

/**
 * Which of `n` evenly spaced axis labels to print so that none overlaps its neighbour: every k-th
 * from the first, and the last one only when it stands a full step from the previous printed one.
 */
export function axisLabelIndices(n: number, spacing: number, width: number, gap = 6): number[] {
  if (n <= 0) return [];
  const every = Math.max(1, Math.ceil((width + gap) / Math.max(spacing, 1e-9)));
  const out: number[] = [];
  for (let i = 0; i < n; i += every) out.push(i);
  const last = n - 1;
  if (out[out.length - 1] !== last) {
    // the last label (the period's end) matters: it replaces the one before it when both do not fit
    if (last - out[out.length - 1]! < every) out.pop();
    out.push(last);
  }
  return out;
}

/** «1,2 млн», «350 тыс.» for axis ticks (the cells of the table keep the full numbers). */
export function compactRu(v: number): string {
  return new Intl.NumberFormat('ru-RU', { notation: 'compact', maximumFractionDigits: 1 }).format(v).replace(/\u00a0/g, ' ');
}

export interface Line {
  name: string;
  color: string;
  values: number[];
}

export function svgLines(labels: string[], lines: Line[], fmt: (v: number) => string): string {
  const W = 520;
  const H = 200;
  const L = 62;
  const R = 18;
  const T = 18;
  const B = 22;
  const max = Math.max(0, ...lines.flatMap((l) => l.values));
  const { top, step } = niceScale(max);
  const n = labels.length;
  const x = (i: number) => L + (n <= 1 ? 0 : (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / top);
  const parts: string[] = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    parts.push(`<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb" stroke-width="0.6"/>`);
    parts.push(`<text x="${L - 4}" y="${y(v) + 3}" text-anchor="end" font-size="8" fill="#6b7280">${esc(fmt(v))}</text>`);
  }
  const spacing = n <= 1 ? W : (W - L - R) / (n - 1);
  const widest = Math.max(0, ...labels.map((l) => labelWidth(l)));
  for (const i of axisLabelIndices(n, spacing, widest)) {
    parts.push(`<text x="${x(i)}" y="${H - 6}" text-anchor="middle" font-size="8" fill="#6b7280">${esc(labels[i]!)}</text>`);
  }
  for (const l of lines) {
    const d = l.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.6" stroke-linejoin="round"/>`);
  }
  let lx = L;
  for (const l of lines) {
    parts.push(`<rect x="${lx}" y="3" width="10" height="6" fill="${l.color}"/><text x="${lx + 14}" y="9" font-size="8.5" fill="#111827">${esc(l.name)}</text>`);
    lx += 14 + labelWidth(l.name, 8.5) + 16;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img">${parts.join('')}</svg>`;
}

export function svgBars(labels: string[], values: number[], fmt: (v: number) => string): string {
  const W = 1060;
  const rowH = 16;
  const L = 260;
  const R = 80;
  const H = labels.length * rowH + 6;
  const max = Math.max(0, ...values);
  const parts: string[] = [];
  labels.forEach((lab, i) => {
    const yy = 3 + i * rowH;
    const w = max > 0 ? ((W - L - R) * values[i]!) / max : 0;
    const text = lab.length > 48 ? `${lab.slice(0, 47)}…` : lab;
    parts.push(`<text x="${L - 6}" y="${yy + 11}" text-anchor="end" font-size="9" fill="#111827">${esc(text)}</text>`);
    parts.push(`<rect x="${L}" y="${yy + 2}" width="${w.toFixed(1)}" height="${rowH - 5}" rx="1.5" fill="#2563eb"/>`);
    parts.push(`<text x="${L + w + 4}" y="${yy + 11}" font-size="9" fill="#374151">${esc(fmt(values[i]!))}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img">${parts.join('')}</svg>`;
}
