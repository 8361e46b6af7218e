// Data-driven attribution: order-1 Markov chain removal effect (Anderl et al. 2014;
// reference/attribution.md §3.8; REPORTS.md "Models").
//
// States are opaque keys chosen by the caller (the report's dimension tuple at its grouping).
// Every path becomes START → c₁ → … → cₙ → CONV (converting) or → NULL (non-converting), weighted
// by its conversion count (converting) or its count (non-converting, default 1); p(a→b) =
// count(a→b) / count(a→·). Probabilities are exact, from the absorbing chain: with A = I − Q
// (Q = transient→transient block, START and the channel states transient) and r = R[:, CONV],
// A x = r gives x_s = P(absorbed in CONV | at s), P(conv) = x_START. A is factorised once by
// Gaussian elimination with partial pivoting (./linalg); no explicit inverse, no simulation.
//
// Removal of c redirects every transition into c to NULL. By the strong Markov property
//   P(conv) = P₋c(conv) + f(START→c) · x_c,   f(START→c) = N[START,c] / N[c,c],  N = A⁻¹,
// so RE(c) = 1 − P₋c/P = N[START,c] · x_c / (N[c,c] · P). Row START of N is one transposed solve,
// N[c,c] one solve per state: O(m³) in all instead of one factorisation per removed state
// (O(m⁴)). It is computed directly rather than as 1 − ratio, so it has no cancellation and is ≥ 0.
// `absorptionProbability(chain, c)` does the literal redirect-and-resolve; tests check both agree.
//
// Decisions:
// - Self-loops (the same state twice in a row) are kept as c→c transitions, as they come. For an
//   order-1 chain this cannot change any result: conditioned on leaving c, the exit probabilities
//   are the same with or without the loop, and removal of c removes the loop with c. So collapsing
//   consecutive repeats would give identical P, RE and credits (a test checks it).
// - Converting paths with no states (a conversion without touches) are left out of the chain and
//   of the totals and reported in `withoutStates`: they belong on the unattributed row.
// - Empty non-converting paths are ignored (START → NULL scales P and every P₋c alike: no effect).
// - Credits: conversions_c = C·RE(c)/ΣRE, value_c = V·RE(c)/ΣRE (one removal effect per state,
//   computed from the conversion-weighted chain; the value is not given a chain of its own).
// - ΣRE = 0 happens only when P(conv) = 0, i.e. no converting path has a positive conversion
//   count (whenever P > 0 some state's removal lowers it). Then the credits fall back to the
//   linear model over the converting paths: each path's conversions and value split equally
//   among its touches. `method` says which rule produced the credits.
// - Dense matrices: memory 8·m² bytes and time O(m³) for m = states + 1: well under a second
//   for a few hundred states, about 2 s at 1000 (aggregating 1M paths adds ~0.3 s). Above
//   `maxStates` (default 1000) markovCredits throws a RangeError so the caller can ask for a
//   coarser grouping instead of freezing the app.
import { luFactor, luSolve, luSolveTransposed, solveLinear } from './linalg';

export interface MarkovPath {
  /** state keys in touch order */
  states: readonly string[];
  /** conversions on this path (≥ 0; fractional weights allowed) — the path's weight in the chain */
  conversions: number;
  /** conversion value (any finite number) */
  value: number;
}

/** A non-converting path: its states, or its states with how many times it occurred. */
export type NullPath = readonly string[] | { readonly states: readonly string[]; readonly count: number };

/**
 * Transitions of non-converting paths counted on their own (from null = START, to null = NULL):
 * the same chain as the paths they come from, for paths that are only known as transitions.
 */
export interface NullTransition {
  readonly from: string | null;
  readonly to: string | null;
  readonly count: number;
}

export interface MarkovCredit {
  conversions: number;
  value: number;
  /** RE(c) = 1 − P₋c(conv)/P(conv), in [0, 1] */
  removalEffect: number;
}

export interface MarkovResult {
  /** every state seen in any path (converting or not), in first-seen order */
  credits: Map<string, MarkovCredit>;
  /** P(conv) from START */
  pConversion: number;
  /** Σ conversions / Σ value over converting paths with at least one state (= Σ of the credits) */
  totalConversions: number;
  totalValue: number;
  method: 'removal_effect' | 'linear_fallback';
  /** converting paths with no states: not credited to any state */
  withoutStates: { conversions: number; value: number };
}

export interface MarkovOptions {
  /** refuse larger models (dense O(m²) memory, O(m³) time); default MARKOV_MAX_STATES */
  maxStates?: number;
}

export const MARKOV_MAX_STATES = 1000;

/** Transient index of START; channel states are 1…n. */
export const START = 0;
const CONV = -1;
const NULL = -2;

/** Display labels for transitionMatrix (positions, not keys, identify them). */
export const START_LABEL = '(start)';
export const CONV_LABEL = '(conversion)';
export const NULL_LABEL = '(null)';

export interface MarkovChain {
  /** channel states in first-seen order; state states[i] has transient index i + 1 */
  readonly states: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** weighted transition counts out of transient i (0 = START): target index ≥ 1, CONV (−1) or NULL (−2) */
  readonly counts: readonly ReadonlyMap<number, number>[];
}

function nullPathParts(p: NullPath): { states: readonly string[]; count: number } {
  return Array.isArray(p) ? { states: p as readonly string[], count: 1 } : (p as { states: readonly string[]; count: number });
}

function checkWeight(what: string, w: number): void {
  if (!(Number.isFinite(w) && w >= 0)) throw new RangeError(`${what} must be a finite number ≥ 0, got ${w}`);
}

/** Aggregates all transitions in one pass over the paths. */
export function buildMarkovChain(paths: readonly MarkovPath[], nullPaths: readonly NullPath[] = [], nullTransitions: readonly NullTransition[] = []): MarkovChain {
  const index = new Map<string, number>();
  const states: string[] = [];
  const counts: Map<number, number>[] = [new Map()];
  const idx = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = states.length + 1;
      index.set(s, i);
      states.push(s);
      counts.push(new Map());
    }
    return i;
  };
  const add = (from: number, to: number, w: number): void => {
    if (w <= 0) return;
    const row = counts[from]!;
    row.set(to, (row.get(to) ?? 0) + w);
  };
  const walk = (path: readonly string[], end: number, w: number): void => {
    if (path.length === 0) return;
    let prev = START;
    for (const s of path) {
      const i = idx(s);
      add(prev, i, w);
      prev = i;
    }
    add(prev, end, w);
  };
  for (const p of paths) {
    checkWeight('conversions', p.conversions);
    walk(p.states, CONV, p.conversions);
  }
  for (const np of nullPaths) {
    const { states: s, count } = nullPathParts(np);
    checkWeight('null path count', count);
    walk(s, NULL, count);
  }
  for (const t of nullTransitions) {
    checkWeight('null transition count', t.count);
    const from = t.from === null ? START : idx(t.from);
    add(from, t.to === null ? NULL : idx(t.to), t.count);
  }
  return { states, index, counts };
}

/**
 * Builds A = I − Q and r = R[:, CONV] for the chain, with transitions into `removed` (a transient
 * index, or −3 for none) sent to NULL. A state with no outgoing transitions is absorbed in NULL.
 */
function system(chain: MarkovChain, removed: number): { a: Float64Array; r: Float64Array; m: number } {
  const m = chain.states.length + 1;
  const a = new Float64Array(m * m);
  const r = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    a[i * m + i] = 1;
    const row = chain.counts[i]!;
    let total = 0;
    for (const w of row.values()) total += w;
    if (total === 0) continue;
    for (const [to, w] of row) {
      const p = w / total;
      if (to === CONV) r[i] = r[i]! + p;
      else if (to !== NULL && to !== removed) a[i * m + to] = a[i * m + to]! - p;
    }
  }
  return { a, r, m };
}

const clamp01 = (x: number): number => (x > 1 ? 1 : x > 0 ? x : 0);

/**
 * P(conv) from START, solving (I − Q) x = R[:, CONV] directly; with `removed`, every transition
 * into that state goes to NULL first (P₋c). An unknown `removed` state changes nothing.
 */
export function absorptionProbability(chain: MarkovChain, removed?: string): number {
  const rm = removed === undefined ? -3 : (chain.index.get(removed) ?? -3);
  const { a, r, m } = system(chain, rm);
  return clamp01(solveLinear(a, m, r)[START]!);
}

/** Transition probabilities: rows START and the states, columns the states, CONV and NULL. */
export function transitionMatrix(chain: MarkovChain): { from: string[]; to: string[]; p: number[][] } {
  const n = chain.states.length;
  const col = (to: number): number => (to === CONV ? n : to === NULL ? n + 1 : to - 1);
  const p = chain.counts.map((row) => {
    const out = new Array<number>(n + 2).fill(0);
    let total = 0;
    for (const w of row.values()) total += w;
    if (total > 0) for (const [to, w] of row) out[col(to)] = out[col(to)]! + w / total;
    return out;
  });
  return { from: [START_LABEL, ...chain.states], to: [...chain.states, CONV_LABEL, NULL_LABEL], p };
}

/** Removal effect of every state (index i ↔ states[i]) and P(conv). */
export function removalEffects(chain: MarkovChain): { pConversion: number; removalEffects: number[] } {
  const n = chain.states.length;
  const { a, r, m } = system(chain, -3);
  const lu = luFactor(a, m);
  const x = luSolve(lu, r);
  const p = clamp01(x[START]!);
  const re = new Array<number>(n).fill(0);
  if (p === 0) return { pConversion: 0, removalEffects: re };
  const e = new Float64Array(m);
  e[START] = 1;
  const nStart = luSolveTransposed(lu, e); // row START of N = (I − Q)⁻¹
  e[START] = 0;
  for (let c = 1; c < m; c++) {
    const visits = nStart[c]!; // expected visits to c from START
    const xc = x[c]!;
    if (!(visits > 0) || !(xc > 0)) continue;
    e[c] = 1;
    const nCc = luSolve(lu, e)[c]!; // expected visits to c from c (≥ 1)
    e[c] = 0;
    re[c - 1] = clamp01((visits * xc) / (nCc * p));
  }
  return { pConversion: p, removalEffects: re };
}

/** Markov removal-effect credits per state (see the header for every rule). */
export function markovCredits(
  paths: readonly MarkovPath[],
  nullPaths: readonly NullPath[] = [],
  options: MarkovOptions = {},
  nullTransitions: readonly NullTransition[] = [],
): MarkovResult {
  const maxStates = options.maxStates ?? MARKOV_MAX_STATES;
  let totalConversions = 0;
  let totalValue = 0;
  const withoutStates = { conversions: 0, value: 0 };
  for (const p of paths) {
    checkWeight('conversions', p.conversions);
    if (!Number.isFinite(p.value)) throw new RangeError(`value must be finite, got ${p.value}`);
    if (p.states.length === 0) {
      withoutStates.conversions += p.conversions;
      withoutStates.value += p.value;
    } else {
      totalConversions += p.conversions;
      totalValue += p.value;
    }
  }
  const chain = buildMarkovChain(paths, nullPaths, nullTransitions);
  if (chain.states.length > maxStates) {
    throw new RangeError(`Markov model has ${chain.states.length} states, more than ${maxStates}: group by fewer dimensions`);
  }
  const { pConversion, removalEffects: re } = removalEffects(chain);
  let sumRe = 0;
  for (const v of re) sumRe += v;

  const credits = new Map<string, MarkovCredit>();
  chain.states.forEach((s, i) => {
    const share = sumRe > 0 ? re[i]! / sumRe : 0;
    credits.set(s, { conversions: totalConversions * share, value: totalValue * share, removalEffect: re[i]! });
  });
  if (sumRe > 0) return { credits, pConversion, totalConversions, totalValue, method: 'removal_effect', withoutStates };

  for (const p of paths) {
    const k = p.states.length;
    if (k === 0) continue;
    for (const s of p.states) {
      const c = credits.get(s)!;
      c.conversions += p.conversions / k;
      c.value += p.value / k;
    }
  }
  return { credits, pConversion, totalConversions, totalValue, method: 'linear_fallback', withoutStates };
}
