import { describe, expect, it } from 'vitest';
import {
  MARKOV_MAX_STATES,
  absorptionProbability,
  buildMarkovChain,
  markovCredits,
  removalEffects,
  transitionMatrix,
  type MarkovPath,
  type NullPath,
} from '../../src-main/engine/attribution/markov';
import { SingularMatrixError, luFactor, luSolveTransposed, solveLinear } from '../../src-main/engine/attribution/linalg';
import { int, pick, rng, shuffle } from './random';

const total = (m: Map<string, { conversions: number; value: number }>, k: 'conversions' | 'value'): number => {
  let s = 0;
  for (const c of m.values()) s += c[k];
  return s;
};
const relClose = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/*
 * Hand-computed three-channel example.
 *
 * Paths (each once):
 *   converting:  A → B (value 100),  B (value 50),  A → C (value 30)
 *   non-conv.:   A,  C
 * Transitions (counts):
 *   START → A 3 (A B, A C, A),  START → B 1,  START → C 1           total 5
 *   A → B 1,  A → C 1,  A → NULL 1                                   total 3
 *   B → CONV 2                                                        total 2
 *   C → CONV 1,  C → NULL 1                                           total 2
 * Transition matrix (columns A, B, C, CONV, NULL):
 *   START  3/5  1/5  1/5   0    0
 *   A       0   1/3  1/3   0   1/3
 *   B       0    0    0    1    0
 *   C       0    0    0   1/2  1/2
 * Absorption in CONV: x_B = 1, x_C = 1/2, x_A = 1/3·1 + 1/3·1/2 = 1/2,
 *   P(conv) = 3/5·1/2 + 1/5·1 + 1/5·1/2 = 0.3 + 0.2 + 0.1 = 0.6
 * Remove A (START→A → NULL):           P₋A = 1/5·1 + 1/5·1/2            = 0.3
 * Remove B (START→B, A→B → NULL):       x_A = 1/3·1/2 = 1/6,  P₋B = 3/5·1/6 + 1/5·1/2 = 0.2
 * Remove C (START→C, A→C → NULL):       x_A = 1/3,            P₋C = 3/5·1/3 + 1/5·1   = 0.4
 * RE: A = 1 − 0.3/0.6 = 1/2,  B = 1 − 0.2/0.6 = 2/3,  C = 1 − 0.4/0.6 = 1/3;  ΣRE = 3/2
 * Shares RE/ΣRE: A 1/3, B 4/9, C 2/9
 * Credits: C_total = 3   → A 1,   B 4/3, C 2/3
 *          V_total = 180 → A 60,  B 80,  C 40
 */
const HAND_PATHS: MarkovPath[] = [
  { states: ['A', 'B'], conversions: 1, value: 100 },
  { states: ['B'], conversions: 1, value: 50 },
  { states: ['A', 'C'], conversions: 1, value: 30 },
];
const HAND_NULLS: NullPath[] = [['A'], ['C']];

describe('Markov removal effect — hand-computed three-channel example', () => {
  const chain = buildMarkovChain(HAND_PATHS, HAND_NULLS);

  it('transition matrix', () => {
    const tm = transitionMatrix(chain);
    expect(tm.from).toEqual(['(start)', 'A', 'B', 'C']);
    expect(tm.to).toEqual(['A', 'B', 'C', '(conversion)', '(null)']);
    const expected = [
      [3 / 5, 1 / 5, 1 / 5, 0, 0],
      [0, 1 / 3, 1 / 3, 0, 1 / 3],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 1 / 2, 1 / 2],
    ];
    tm.p.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 14)));
  });

  it('P(conv) and P₋c by redirect-and-resolve', () => {
    expect(absorptionProbability(chain)).toBeCloseTo(0.6, 14);
    expect(absorptionProbability(chain, 'A')).toBeCloseTo(0.3, 14);
    expect(absorptionProbability(chain, 'B')).toBeCloseTo(0.2, 14);
    expect(absorptionProbability(chain, 'C')).toBeCloseTo(0.4, 14);
    expect(absorptionProbability(chain, 'nope')).toBeCloseTo(0.6, 14);
  });

  it('removal effects and normalised credits', () => {
    const res = markovCredits(HAND_PATHS, HAND_NULLS);
    expect(res.method).toBe('removal_effect');
    expect(res.pConversion).toBeCloseTo(0.6, 14);
    expect(res.totalConversions).toBe(3);
    expect(res.totalValue).toBe(180);
    expect([...res.credits.keys()]).toEqual(['A', 'B', 'C']);
    const want = { A: [1 / 2, 1, 60], B: [2 / 3, 4 / 3, 80], C: [1 / 3, 2 / 3, 40] } as const;
    for (const [s, [re, conv, value]] of Object.entries(want)) {
      const c = res.credits.get(s)!;
      expect(c.removalEffect).toBeCloseTo(re, 12);
      expect(c.conversions).toBeCloseTo(conv, 12);
      expect(c.value).toBeCloseTo(value, 10);
    }
    expect(total(res.credits, 'conversions')).toBeCloseTo(3, 12);
    expect(total(res.credits, 'value')).toBeCloseTo(180, 10);
  });

  it('aggregated input (counts, weights) equals the same paths listed one by one', () => {
    const doubled = markovCredits(
      HAND_PATHS.map((p) => ({ ...p, conversions: 2, value: 2 * p.value })),
      [{ states: ['A'], count: 2 }, { states: ['C'], count: 2 }],
    );
    const listed = markovCredits([...HAND_PATHS, ...HAND_PATHS], [...HAND_NULLS, ...HAND_NULLS]);
    for (const [s, c] of listed.credits) {
      const d = doubled.credits.get(s)!;
      expect(d.conversions).toBeCloseTo(c.conversions, 12);
      expect(d.value).toBeCloseTo(c.value, 10);
      expect(d.removalEffect).toBeCloseTo(c.removalEffect, 12);
    }
  });
});

describe('Markov edge cases', () => {
  it('a single channel gets RE = 1 and all the credit', () => {
    const res = markovCredits(
      [
        { states: ['A'], conversions: 2, value: 70 },
        { states: ['A', 'A'], conversions: 1, value: 30 },
      ],
      [['A'], ['A', 'A', 'A']],
    );
    const a = res.credits.get('A')!;
    expect(a.removalEffect).toBe(1);
    expect(a.conversions).toBe(3);
    expect(a.value).toBe(100);
    expect(res.pConversion).toBeCloseTo(0.6, 14); // START→A 5; A: →A 3, →CONV 3, →NULL 2 ⇒ 3/5
  });

  it('a state seen only in non-converting paths is listed with RE = 0 and no credit', () => {
    // B never leads to a conversion (B → NULL always), so removing it changes nothing.
    // (A null path B → A would give B a removal effect: B leads to A, which converts.)
    const res = markovCredits([{ states: ['A'], conversions: 1, value: 10 }], [['B'], ['A', 'B']]);
    expect(res.pConversion).toBeCloseTo(1 / 3, 14); // START→A 2/3, A→CONV 1/2
    expect(res.credits.get('B')).toEqual({ conversions: 0, value: 0, removalEffect: 0 });
    expect(res.credits.get('A')!.conversions).toBe(1);
    expect(res.credits.get('A')!.value).toBe(10);
  });

  it('self-loops are kept in the chain but give the same credits as collapsed repeats', () => {
    const loops: MarkovPath[] = [
      { states: ['A', 'A', 'B'], conversions: 1, value: 10 },
      { states: ['B', 'B', 'B', 'C'], conversions: 2, value: 40 },
      { states: ['C', 'A', 'A'], conversions: 1, value: 5 },
    ];
    const loopNulls: NullPath[] = [['A', 'A'], ['C', 'C', 'B']];
    const collapse = (s: readonly string[]): string[] => s.filter((x, i) => i === 0 || s[i - 1] !== x);
    const tm = transitionMatrix(buildMarkovChain(loops, loopNulls));
    expect(tm.p[1]![0]).toBeGreaterThan(0); // A → A present
    const a = markovCredits(loops, loopNulls);
    const b = markovCredits(
      loops.map((p) => ({ ...p, states: collapse(p.states) })),
      loopNulls.map((p) => collapse(p as readonly string[])),
    );
    expect(a.pConversion).toBeCloseTo(b.pConversion, 12);
    for (const [s, c] of a.credits) {
      expect(c.removalEffect).toBeCloseTo(b.credits.get(s)!.removalEffect, 12);
      expect(c.conversions).toBeCloseTo(b.credits.get(s)!.conversions, 12);
    }
  });

  it('P = 0 (no conversions): RE all 0, credits fall back to the linear share of each path', () => {
    const res = markovCredits(
      [
        { states: ['A', 'B'], conversions: 0, value: 100 },
        { states: ['B'], conversions: 0, value: 20 },
      ],
      [['A'], ['C']],
    );
    expect(res.pConversion).toBe(0);
    expect(res.method).toBe('linear_fallback');
    expect(res.credits.get('A')).toEqual({ conversions: 0, value: 50, removalEffect: 0 });
    expect(res.credits.get('B')).toEqual({ conversions: 0, value: 70, removalEffect: 0 });
    expect(res.credits.get('C')).toEqual({ conversions: 0, value: 0, removalEffect: 0 });
  });

  it('no paths at all', () => {
    const res = markovCredits([], []);
    expect(res.credits.size).toBe(0);
    expect(res.pConversion).toBe(0);
    expect(res.totalConversions).toBe(0);
  });

  it('converting paths without states are kept out of the chain and reported', () => {
    const res = markovCredits([...HAND_PATHS, { states: [], conversions: 4, value: 400 }], [...HAND_NULLS, []]);
    expect(res.withoutStates).toEqual({ conversions: 4, value: 400 });
    expect(res.totalConversions).toBe(3);
    expect(res.pConversion).toBeCloseTo(0.6, 14);
    expect(res.credits.get('B')!.conversions).toBeCloseTo(4 / 3, 12);
  });

  it('rejects invalid weights and too many states', () => {
    expect(() => markovCredits([{ states: ['A'], conversions: -1, value: 0 }])).toThrow(RangeError);
    expect(() => markovCredits([{ states: ['A'], conversions: Number.NaN, value: 0 }])).toThrow(RangeError);
    expect(() => markovCredits([{ states: ['A'], conversions: 1, value: Infinity }])).toThrow(RangeError);
    expect(() => markovCredits([], [{ states: ['A'], count: -2 }])).toThrow(RangeError);
    const many = Array.from({ length: MARKOV_MAX_STATES + 1 }, (_, i) => ({ states: [`s${i}`], conversions: 1, value: 1 }));
    expect(() => markovCredits(many)).toThrow(/more than 1000/);
    expect(markovCredits(many.slice(0, 5), [], { maxStates: 5 }).credits.size).toBe(5);
  });
});

/** P(conv) by value iteration on the transition matrix: an independent check of the linear solve. */
function iterateP(tm: ReturnType<typeof transitionMatrix>, removed = -1): number {
  const n = tm.from.length - 1;
  let x = new Array<number>(n + 1).fill(0);
  for (let it = 0; it < 100_000; it++) {
    const next = tm.p.map((row) => {
      let v = row[n]!; // → CONV
      for (let j = 0; j < n; j++) if (j !== removed) v += row[j]! * x[j + 1]!;
      return v;
    });
    const diff = Math.max(...next.map((v, i) => Math.abs(v - x[i]!)));
    x = next;
    if (diff < 1e-15) break;
  }
  return x[0]!;
}

function randomCase(r: () => number): { paths: MarkovPath[]; nulls: NullPath[] } {
  const channels = 'abcdefgh'.slice(0, int(r, 1, 8)).split('');
  const path = (): string[] => Array.from({ length: int(r, 1, 6) }, () => pick(r, channels));
  const paths = Array.from({ length: int(r, 1, 30) }, () => ({
    states: path(),
    conversions: r() < 0.2 ? r() * 3 : int(r, 1, 3),
    value: Math.round(r() * 10_000) / 100,
  }));
  const nulls: NullPath[] = Array.from({ length: int(r, 0, 30) }, () => (r() < 0.5 ? path() : { states: path(), count: int(r, 0, 4) }));
  return { paths, nulls };
}

describe('Markov properties over random path sets (seeded)', () => {
  const r = rng(42);
  const cases = Array.from({ length: 300 }, () => randomCase(r));

  it('credits sum to the conversion and value totals; RE in [0, 1]', () => {
    for (const { paths, nulls } of cases) {
      const res = markovCredits(paths, nulls);
      const C = paths.reduce((s, p) => s + p.conversions, 0);
      const V = paths.reduce((s, p) => s + p.value, 0);
      expect(res.method).toBe('removal_effect');
      expect(relClose(res.totalConversions, C)).toBe(true);
      expect(relClose(total(res.credits, 'conversions'), C)).toBe(true);
      expect(relClose(total(res.credits, 'value'), V)).toBe(true);
      for (const c of res.credits.values()) {
        expect(c.removalEffect).toBeGreaterThanOrEqual(0);
        expect(c.removalEffect).toBeLessThanOrEqual(1);
        expect(c.conversions).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('removal effects equal 1 − P₋c/P from redirect-and-resolve; P equals value iteration', () => {
    for (const { paths, nulls } of cases) {
      const chain = buildMarkovChain(paths, nulls);
      const { pConversion: P, removalEffects: re } = removalEffects(chain);
      const tm = transitionMatrix(chain);
      expect(Math.abs(P - iterateP(tm))).toBeLessThan(1e-9);
      expect(Math.abs(P - absorptionProbability(chain))).toBeLessThan(1e-12);
      chain.states.forEach((s, i) => {
        const pMinus = absorptionProbability(chain, s);
        expect(Math.abs(pMinus - iterateP(tm, i))).toBeLessThan(1e-9);
        expect(Math.abs(re[i]! - (1 - pMinus / P))).toBeLessThan(1e-9);
      });
    }
  });

  it('credits do not depend on the order of the paths', () => {
    const rs = rng(5);
    for (const { paths, nulls } of cases.slice(0, 50)) {
      const a = markovCredits(paths, nulls);
      const b = markovCredits(shuffle(rs, paths), shuffle(rs, nulls));
      for (const [s, c] of a.credits) expect(relClose(b.credits.get(s)!.conversions, c.conversions)).toBe(true);
    }
  });

  it('a few hundred states and 300k paths aggregate and solve quickly', () => {
    const rp = rng(9);
    const names = Array.from({ length: 300 }, (_, i) => `yandex|cpc|campaign-${i}`);
    const paths: MarkovPath[] = [];
    const nulls: string[][] = [];
    for (let i = 0; i < 300_000; i++) {
      const st = Array.from({ length: int(rp, 1, 5) }, () => names[Math.floor(rp() ** 2 * names.length)]!);
      if (rp() < 0.3) paths.push({ states: st, conversions: 1, value: 1000 });
      else nulls.push(st);
    }
    const t = performance.now();
    const res = markovCredits(paths, nulls);
    expect(performance.now() - t).toBeLessThan(15_000);
    expect(res.credits.size).toBe(300);
    expect(relClose(total(res.credits, 'conversions'), paths.length)).toBe(true);
    expect(relClose(total(res.credits, 'value'), paths.length * 1000)).toBe(true);
  });
});

describe('linear algebra', () => {
  it('Gaussian elimination pivots past a zero diagonal', () => {
    const x = solveLinear(Float64Array.from([0, 1, 1, 0]), 2, [2, 3]);
    expect([...x]).toEqual([3, 2]);
    const y = solveLinear(Float64Array.from([1e-20, 1, 1, 1]), 2, [1, 2]);
    expect(y[0]).toBeCloseTo(1, 12);
    expect(y[1]).toBeCloseTo(1, 12);
  });

  it('transposed solve', () => {
    // A = [[2, 1, 0], [0, 0, 3], [1, 4, 1]];  Aᵀ y = b with y = [1, 2, 3] ⇒ b = [5, 13, 9]
    const f = luFactor(Float64Array.from([2, 1, 0, 0, 0, 3, 1, 4, 1]), 3);
    const y = luSolveTransposed(f, [5, 13, 9]);
    [1, 2, 3].forEach((v, i) => expect(y[i]).toBeCloseTo(v, 12));
  });

  it('a singular matrix throws', () => {
    expect(() => solveLinear(Float64Array.from([1, 2, 2, 4]), 2, [1, 1])).toThrow(SingularMatrixError);
  });
});
