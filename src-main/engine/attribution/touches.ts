// Touches of one conversion: the canonical order and the lookback window (REPORTS.md "Touches").
// Pure functions; the caller decides which touches belong to a conversion and whether each is direct.

import type { TouchKind } from '@shared/channel-rules';

export { TOUCH_KINDS, type TouchKind } from '@shared/channel-rules';

export interface Touch {
  id: number;
  /** epoch ms */
  at: number;
  kind: TouchKind;
  /** by the workspace's channel rules (unset where no rules were applied) */
  channel?: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  /** enrichment dimensions (issue 19): unset where the builder had none */
  city?: string | null;
  device?: string | null;
  landing?: string | null;
  /** decided by the caller from the workspace's direct rules */
  direct: boolean;
  /** the dims' number in the InputLoader that built the touch (TouchDims.dimsKey) */
  dimsKey?: number;
}

/** Touches up to 10 minutes after the conversion still count (integration lag). */
export const DEFAULT_TOLERANCE_MS = 10 * 60_000;

const KIND_RANK: Readonly<Record<TouchKind, number>> = {
  call: 0,
  request: 1,
  visit: 2,
  crm_utm: 3,
  crm_source: 4,
};

/** Time, then kind (call, request, visit, crm_utm, crm_source), then id. */
export function compareTouches(a: Touch, b: Touch): number {
  // NaN times sort first so the comparator stays consistent
  const ta = Number.isNaN(a.at) ? -Infinity : a.at;
  const tb = Number.isNaN(b.at) ? -Infinity : b.at;
  if (ta !== tb) return ta < tb ? -1 : 1;
  const k = KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (k !== 0) return k;
  return a.id - b.id;
}

/** A new array in the canonical order; the input is not mutated (Array.prototype.sort is stable). */
export function orderTouches<T extends Touch>(touches: readonly T[]): T[] {
  return [...touches].sort(compareTouches);
}

/** Why a touch of the conversion got no weight. */
export type ExclusionReason =
  /** earlier than conversion time − lookback */
  | 'outside_window'
  /** later than conversion time + tolerance (causality: a later touch never gets credit) */
  | 'after_conversion';

export interface ExcludedTouch<T extends Touch = Touch> {
  touch: T;
  reason: ExclusionReason;
}

export interface Eligibility<T extends Touch = Touch> {
  /** inside [conversionAt − lookback, conversionAt + tolerance], deduplicated, in canonical order */
  touches: T[];
  /** deduplicated as well, in canonical order */
  excluded: ExcludedTouch<T>[];
  /** how many inputs were dropped as repeats of an earlier (kind, id) */
  duplicates: number;
}

/**
 * Splits a conversion's touches into the ones that count and the ones that don't (with the reason),
 * so that a conversion can later explain its attribution. A touch reached twice (same kind and id,
 * e.g. through the lead and through a contact) counts once; the first copy in canonical order is kept.
 * `lookbackMs` may be Infinity. A touch with a non-finite time is reported as `outside_window`.
 */
export function eligibleTouches<T extends Touch>(
  touches: readonly T[],
  conversionAt: number,
  lookbackMs: number,
  toleranceMs: number = DEFAULT_TOLERANCE_MS,
): Eligibility<T> {
  if (!(lookbackMs >= 0)) throw new RangeError(`lookbackMs must be ≥ 0, got ${lookbackMs}`);
  if (!(toleranceMs >= 0)) throw new RangeError(`toleranceMs must be ≥ 0, got ${toleranceMs}`);
  const from = conversionAt - lookbackMs;
  const to = conversionAt + toleranceMs;
  const seen = new Set<string>();
  const kept: T[] = [];
  const excluded: ExcludedTouch<T>[] = [];
  let duplicates = 0;
  for (const t of orderTouches(touches)) {
    const key = `${t.kind}:${t.id}`;
    if (seen.has(key)) {
      duplicates++;
      continue;
    }
    seen.add(key);
    if (t.at >= from && t.at <= to) kept.push(t);
    else excluded.push({ touch: t, reason: t.at > to ? 'after_conversion' : 'outside_window' });
  }
  return { touches: kept, excluded, duplicates };
}
