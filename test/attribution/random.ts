// Seeded pseudo-random generators for the attribution property tests (deterministic across runs).
import type { Touch, TouchKind } from '../../src-main/engine/attribution/models';
import { TOUCH_KINDS } from '../../src-main/engine/attribution/models';
import { rng } from '../rng';
export { rng };


export const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Fisher–Yates on a copy. */
export function shuffle<T>(r: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(r, 0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const DAY = 86_400_000;
export const T0 = Date.UTC(2024, 5, 15, 12, 0, 0);

export function touch(id: number, at: number, kind: TouchKind = 'call', direct = false, source: string | null = 'yandex'): Touch {
  return { id, at, kind, source, medium: direct ? null : 'cpc', campaign: null, content: null, term: null, direct };
}

/**
 * A random touch list of length 1..maxLen around conversion time T0: times within
 * [T0 − 120 d, T0 + 20 min], often colliding (to exercise tie-breaking), random kinds and flags.
 */
export function randomTouches(r: () => number, maxLen = 20): Touch[] {
  const n = int(r, 1, maxLen);
  const out: Touch[] = [];
  for (let i = 0; i < n; i++) {
    const at = r() < 0.2 && out.length > 0 ? pick(r, out).at : T0 - Math.floor(r() * 120 * DAY) + (r() < 0.1 ? int(r, 0, 20 * 60_000) : 0);
    const direct = r() < 0.4;
    out.push(touch(int(r, 1, 1000), at, pick(r, TOUCH_KINDS), direct, direct ? null : pick(r, ['yandex', 'google', 'vk'])));
  }
  return out;
}
