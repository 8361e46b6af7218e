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
  const every = Math.max(1, Math.ceil(n / 8));
  labels.forEach((lab, i) => {
    if (i % every === 0 || i === n - 1) parts.push(`<text x="${x(i)}" y="${H - 6}" text-anchor="middle" font-size="8" fill="#6b7280">${esc(lab)}</text>`);
  });
  for (const l of lines) {
    const d = l.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.6" stroke-linejoin="round"/>`);
  }
  lines.forEach((l, i) => {
    const lx = L + i * 110;
    parts.push(`<rect x="${lx}" y="3" width="10" height="6" fill="${l.color}"/><text x="${lx + 14}" y="9" font-size="8.5" fill="#111827">${esc(l.name)}</text>`);
  });
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
