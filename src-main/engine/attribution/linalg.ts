// Dense LU factorisation with partial pivoting (Gaussian elimination) for the Markov model.
// Matrices are row-major Float64Arrays of size m×m. O(m³) to factorise, O(m²) per solve.

export interface LuFactors {
  readonly m: number;
  /** L (unit lower, below the diagonal) and U (upper, with the diagonal) packed row-major */
  readonly lu: Float64Array;
  /** row i of the factorised matrix is row perm[i] of the original */
  readonly perm: Int32Array;
}

export class SingularMatrixError extends Error {
  constructor(column: number) {
    super(`matrix is singular (no usable pivot in column ${column})`);
    this.name = 'SingularMatrixError';
  }
}

/** Factorises PA = LU. Does not modify `a`. Throws SingularMatrixError on a (numerically) zero pivot. */
export function luFactor(a: Float64Array, m: number): LuFactors {
  if (a.length !== m * m) throw new RangeError(`expected ${m * m} entries, got ${a.length}`);
  const lu = Float64Array.from(a);
  const perm = new Int32Array(m);
  let scale = 0;
  for (let i = 0; i < m; i++) perm[i] = i;
  for (let i = 0; i < lu.length; i++) scale = Math.max(scale, Math.abs(lu[i]!));
  const tiny = scale * 1e-13;

  for (let k = 0; k < m; k++) {
    let p = k;
    let best = Math.abs(lu[k * m + k]!);
    for (let i = k + 1; i < m; i++) {
      const v = Math.abs(lu[i * m + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > tiny)) throw new SingularMatrixError(k);
    if (p !== k) {
      for (let j = 0; j < m; j++) {
        const t = lu[k * m + j]!;
        lu[k * m + j] = lu[p * m + j]!;
        lu[p * m + j] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
    }
    const pivot = lu[k * m + k]!;
    for (let i = k + 1; i < m; i++) {
      const l = lu[i * m + k]! / pivot;
      lu[i * m + k] = l;
      if (l === 0) continue;
      const ri = i * m;
      const rk = k * m;
      for (let j = k + 1; j < m; j++) lu[ri + j] = lu[ri + j]! - l * lu[rk + j]!;
    }
  }
  return { m, lu, perm };
}

/** Solves A x = b. */
export function luSolve(f: LuFactors, b: ArrayLike<number>): Float64Array {
  const { m, lu, perm } = f;
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = b[perm[i]!]!;
  // L y = P b (unit diagonal); leading zeros of P b stay zero (cheap unit-vector solves)
  let lo = 0;
  while (lo < m && x[lo] === 0) lo++;
  for (let i = lo + 1; i < m; i++) {
    let s = x[i]!;
    for (let j = lo; j < i; j++) s -= lu[i * m + j]! * x[j]!;
    x[i] = s;
  }
  // U x = y
  for (let i = m - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < m; j++) s -= lu[i * m + j]! * x[j]!;
    x[i] = s / lu[i * m + i]!;
  }
  return x;
}

/** Solves Aᵀ y = b (Aᵀ = Uᵀ Lᵀ P). */
export function luSolveTransposed(f: LuFactors, b: ArrayLike<number>): Float64Array {
  const { m, lu, perm } = f;
  const u = Float64Array.from({ length: m }, (_, i) => b[i]!);
  // Uᵀ u = b (lower triangular)
  for (let i = 0; i < m; i++) {
    let s = u[i]!;
    for (let j = 0; j < i; j++) s -= lu[j * m + i]! * u[j]!;
    u[i] = s / lu[i * m + i]!;
  }
  // Lᵀ v = u (upper triangular, unit diagonal)
  for (let i = m - 1; i >= 0; i--) {
    let s = u[i]!;
    for (let j = i + 1; j < m; j++) s -= lu[j * m + i]! * u[j]!;
    u[i] = s;
  }
  // P y = v
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) y[perm[i]!] = u[i]!;
  return y;
}

/** Gaussian elimination with partial pivoting: A x = b. */
export function solveLinear(a: Float64Array, m: number, b: ArrayLike<number>): Float64Array {
  return luSolve(luFactor(a, m), b);
}
