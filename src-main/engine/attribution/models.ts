// Classic (rule-based) attribution models as pure functions (REPORTS.md "Models",
// reference/attribution.md §3). Each model takes one conversion's eligible touches in canonical
// order and returns weights aligned with them: every weight ≥ 0 and Σ = 1 (the last weight absorbs
// the floating-point rounding of the others). The data-driven `markov` model is in ./markov.
import type { Model } from '@shared/metrics';
import type { Touch } from './touches';

export type { Touch, TouchKind, ExclusionReason, ExcludedTouch, Eligibility } from './touches';
export { TOUCH_KINDS, DEFAULT_TOLERANCE_MS, compareTouches, orderTouches, eligibleTouches } from './touches';

export type ClassicModel = Exclude<Model, 'markov'>;

/** `ordered` must be in canonical order (orderTouches / eligibleTouches). */
export type WeightFn = (ordered: readonly Touch[], conversionAt: number) => number[];

/** Google's time-decay half-life. */
export const TIME_DECAY_HALF_LIFE_MS = 7 * 86_400_000;

/** Position-based shares: first, last; the middle touches split the rest. */
export const POSITION_FIRST_SHARE = 0.4;
export const POSITION_LAST_SHARE = 0.4;

/** All weight on touch `k` of `n`. */
function oneHot(n: number, k: number): number[] {
  const w = new Array<number>(n).fill(0);
  w[k] = 1;
  return w;
}

/**
 * Sets the last weight to 1 − Σ(others), so that Σ = 1 up to one rounding of the final addition.
 * For every model here the last weight is at least as large as any other, so the correction is
 * relatively tiny; it is clamped at 0 to keep weights non-negative whatever the input.
 */
function closeToOne(w: number[]): number[] {
  const n = w.length;
  if (n === 0) return w;
  let rest = 0;
  for (let i = 0; i < n - 1; i++) rest += w[i]!;
  w[n - 1] = Math.max(0, 1 - rest);
  return w;
}

/** Last interaction: wₙ = 1. */
export function lastWeights(ordered: readonly Touch[]): number[] {
  const n = ordered.length;
  return n === 0 ? [] : oneHot(n, n - 1);
}

/** Last non-direct: the last touch that is not direct; when every touch is direct, the last one. */
export function lastNonDirectWeights(ordered: readonly Touch[]): number[] {
  const n = ordered.length;
  if (n === 0) return [];
  let k = n - 1;
  for (let i = n - 1; i >= 0; i--) {
    if (!ordered[i]!.direct) {
      k = i;
      break;
    }
  }
  return oneHot(n, k);
}

/** First interaction: w₁ = 1. */
export function firstWeights(ordered: readonly Touch[]): number[] {
  const n = ordered.length;
  return n === 0 ? [] : oneHot(n, 0);
}

/** Linear: wᵢ = 1/n. */
export function linearWeights(ordered: readonly Touch[]): number[] {
  const n = ordered.length;
  return closeToOne(new Array<number>(n).fill(1 / n));
}

/** Position-based 40/20/40: n = 1 → [1]; n = 2 → [0.5, 0.5]; n ≥ 3 → 0.4, 0.2/(n−2) …, 0.4. */
export function positionWeights(ordered: readonly Touch[]): number[] {
  const n = ordered.length;
  if (n === 0) return [];
  if (n === 1) return [1];
  if (n === 2) return [0.5, 0.5];
  const middle = (1 - POSITION_FIRST_SHARE - POSITION_LAST_SHARE) / (n - 2);
  const w = new Array<number>(n).fill(middle);
  w[0] = POSITION_FIRST_SHARE;
  w[n - 1] = POSITION_LAST_SHARE;
  return closeToOne(w);
}

/**
 * Clock-based time decay (Google): rᵢ = 2^(−Δᵢ/H), Δᵢ = T − τᵢ clamped to ≥ 0 (a touch inside the
 * tolerance after T counts as if it were at T), wᵢ = rᵢ / Σr. Computed relative to the smallest Δ,
 * so that very old paths do not underflow to 0/0.
 */
export function timeDecayWeights(
  ordered: readonly Touch[],
  conversionAt: number,
  halfLifeMs: number = TIME_DECAY_HALF_LIFE_MS,
): number[] {
  const n = ordered.length;
  if (n === 0) return [];
  if (!(halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${halfLifeMs}`);
  const delta = ordered.map((t) => Math.max(0, conversionAt - t.at));
  let minDelta = Infinity;
  for (const d of delta) if (d < minDelta) minDelta = d;
  const r = delta.map((d) => 2 ** (-(d - minDelta) / halfLifeMs));
  let sum = 0;
  for (const x of r) sum += x;
  if (!(sum > 0 && Number.isFinite(sum))) {
    // only non-finite touch times get here; fall back to linear rather than return NaN
    return linearWeights(ordered);
  }
  return closeToOne(r.map((x) => x / sum));
}

const WEIGHT_FNS: Readonly<Record<ClassicModel, WeightFn>> = {
  last_non_direct: lastNonDirectWeights,
  last: lastWeights,
  first: firstWeights,
  linear: linearWeights,
  position: positionWeights,
  time_decay: (ordered, conversionAt) => timeDecayWeights(ordered, conversionAt),
};

/** Every rule-based model, in the order of MODELS in @shared/metrics. */
export const CLASSIC_MODELS: readonly ClassicModel[] = [
  'last_non_direct',
  'last',
  'first',
  'linear',
  'position',
  'time_decay',
];

export function isClassicModel(model: Model): model is ClassicModel {
  return model !== 'markov';
}

/**
 * Weights of one conversion's touches under `model`, aligned with `ordered`.
 * An empty path has no weights ([]): the caller puts that conversion on the unattributed row.
 */
export function weightsFor(model: ClassicModel, ordered: readonly Touch[], conversionAt: number): number[] {
  const fn = WEIGHT_FNS[model];
  if (!fn) throw new RangeError(`not a rule-based attribution model: ${String(model)}`);
  return fn(ordered, conversionAt);
}
