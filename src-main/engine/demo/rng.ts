// Deterministic randomness for the demo world: mulberry32 streams keyed by (seed, tag, a, b).
// Every record draws from its own keyed stream, so any entity can be regenerated on its own
// (leads, deals and calls of the same client agree without holding the world in memory), and
// the same seed always gives byte-identical output. Never Math.random here.

/** murmur3 finaliser: a well-mixed 32-bit hash of a 32-bit value. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a few integers (each taken as two 32-bit halves, so ids up to 2^53 are fine). */
export function mix(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    h = fmix(h ^ lo) + 0x7f4a7c15;
    h = fmix(h ^ hi);
  }
  return h >>> 0;
}

/** Stream tags: one per kind of decision, so adding a draw to one kind never shifts another. */
export const TAG = {
  schedule: 1,
  leadDay: 2,
  lead: 3,
  leadText: 4,
  repeatDay: 5,
  repeat: 6,
  anonDay: 7,
  anon: 8,
  person: 9,
  callDetail: 10,
  requestDetail: 11,
  cost: 12,
  dealText: 13,
  contactText: 14,
  ids: 15,
} as const;

export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** uniform in [a, b) */
  range(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** index drawn with probability proportional to weights[i] */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let u = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] ?? 0;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** standard normal (Box–Muller, two draws) */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** exponential with the given mean */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** x rounded up with probability equal to its fraction (unbiased for small daily rates) */
  round(x: number): number {
    if (!(x > 0)) return 0;
    const f = Math.floor(x);
    return f + (this.next() < x - f ? 1 : 0);
  }

  /** log-normal around `median` with shape sigma */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

export function rngFor(seed: number, tag: number, a = 0, b = 0): Rng {
  return new Rng(mix(seed, tag, a, b));
}
