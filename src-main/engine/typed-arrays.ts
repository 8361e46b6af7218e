// Growable typed arrays: the engine's compact columns (identity links, bulk inputs, Markov path
// counts, drill-down hits) double their room when full.

/** A copy of `a` with twice the room (at least 16). */
export function doubled<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(Math.max(16, a.length * 2));
  b.set(a);
  return b;
}
