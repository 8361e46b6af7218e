// Tiny benchmark helpers: run an operation several times, keep the median, print a figure as
//   name: value unit (ratio R vs BOUND)
// where BOUND is a baseline measured in the same run on the same machine (DESIGN.md §8).

export interface Measurement {
  name: string;
  /** wall time of each measured run, ms */
  runs: number[];
  median: number;
  best: number;
  /** what the operation returned on its last run (e.g. a row count) */
  result: unknown;
}

export interface MeasureOptions {
  runs?: number;
  warmup?: number;
  /** called before each run, untimed (fresh database, …) */
  setup?: () => void | Promise<void>;
  /** called after each run, untimed */
  teardown?: () => void | Promise<void>;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export async function measure(name: string, op: () => unknown, opts: MeasureOptions = {}): Promise<Measurement> {
  const runs: number[] = [];
  let result: unknown;
  const total = (opts.warmup ?? 0) + (opts.runs ?? 3);
  for (let i = 0; i < total; i++) {
    await opts.setup?.();
    const t = performance.now();
    result = await op();
    const ms = performance.now() - t;
    await opts.teardown?.();
    if (i >= (opts.warmup ?? 0)) runs.push(ms);
  }
  return { name, runs, median: median(runs), best: Math.min(...runs), result };
}

/** Runs the operations interleaved (a, b, a, b, …) so machine noise hits them alike. */
export async function measureInterleaved(
  ops: { name: string; op: () => unknown; setup?: () => void | Promise<void>; teardown?: () => void | Promise<void> }[],
  runs = 3,
): Promise<Measurement[]> {
  const out = ops.map((o) => ({ name: o.name, runs: [] as number[], median: 0, best: 0, result: undefined as unknown }));
  for (let i = 0; i < runs; i++) {
    for (const [j, o] of ops.entries()) {
      const m = await measure(o.name, o.op, { runs: 1, setup: o.setup, teardown: o.teardown });
      const acc = out[j];
      if (!acc) continue;
      acc.runs.push(...m.runs);
      acc.result = m.result;
    }
  }
  for (const m of out) {
    m.median = median(m.runs);
    m.best = Math.min(...m.runs);
  }
  return out;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toString();
  return n.toPrecision(3);
}

/** Prints (and returns) one result line: `name: value unit (ratio R vs BOUND)`. */
export function report(name: string, value: number, unit: string, bound: { name: string; value: number }): string {
  const ratio = bound.value === 0 ? Number.NaN : value / bound.value;
  const line = `${name}: ${fmt(value)} ${unit} (ratio ${ratio.toFixed(3)} vs ${bound.name})`;
  console.log(line);
  return line;
}
