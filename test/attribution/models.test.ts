import { describe, expect, it } from 'vitest';
import { MODELS } from '@shared/metrics';
import {
  CLASSIC_MODELS,
  eligibleTouches,
  firstWeights,
  isClassicModel,
  lastNonDirectWeights,
  lastWeights,
  linearWeights,
  orderTouches,
  positionWeights,
  timeDecayWeights,
  weightsFor,
  type Touch,
} from '../../src-main/engine/attribution/models';
import { DAY, T0, int, randomTouches, rng, shuffle, touch } from './random';

const MIN = 60_000;
const T = T0;
const sum = (w: readonly number[]): number => w.reduce((a, b) => a + b, 0);
const key = (t: Touch): string => `${t.at}|${t.kind}|${t.id}`;

function expectWeights(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 12));
  expect(Math.abs(sum(actual) - 1)).toBeLessThan(1e-12);
}

describe('model names', () => {
  it('CLASSIC_MODELS are exactly MODELS without markov, in the same order', () => {
    expect([...CLASSIC_MODELS]).toEqual(MODELS.filter((m) => m !== 'markov'));
    expect(MODELS.filter(isClassicModel)).toEqual([...CLASSIC_MODELS]);
  });

  it('an empty path has no weights', () => {
    for (const m of CLASSIC_MODELS) expect(weightsFor(m, [], T)).toEqual([]);
  });
});

describe('properties over random touch lists (seeded)', () => {
  const r = rng(20240615);
  const lists = Array.from({ length: 500 }, () => randomTouches(r));

  it('every model: weights aligned, ≥ 0, Σ = 1 within 1e-9', () => {
    for (const list of lists) {
      const ordered = orderTouches(list);
      for (const m of CLASSIC_MODELS) {
        const w = weightsFor(m, ordered, T);
        expect(w).toHaveLength(ordered.length);
        for (const x of w) expect(x).toBeGreaterThanOrEqual(0);
        expect(Math.abs(sum(w) - 1)).toBeLessThan(1e-9);
      }
    }
  });

  it('every model on the eligible touches: Σ = 1 within 1e-9', () => {
    for (const list of lists) {
      const { touches } = eligibleTouches(list, T, 90 * DAY);
      if (touches.length === 0) continue;
      for (const m of CLASSIC_MODELS) expect(Math.abs(sum(weightsFor(m, touches, T)) - 1)).toBeLessThan(1e-9);
    }
  });

  it('one touch → [1] for every model', () => {
    for (const list of lists) {
      const one = [list[0]!];
      for (const m of CLASSIC_MODELS) expect(weightsFor(m, one, T)).toEqual([1]);
    }
  });

  it('position-based is unchanged when the middle touches are permuted', () => {
    const rp = rng(7);
    for (const list of lists) {
      const ordered = orderTouches(list);
      const middle = shuffle(rp, ordered.slice(1, -1));
      const permuted = ordered.length >= 2 ? [ordered[0]!, ...middle, ordered[ordered.length - 1]!] : ordered;
      expect(positionWeights(permuted)).toEqual(positionWeights(ordered));
    }
  });

  it('time decay with all touches at the same time = linear', () => {
    const rt = rng(11);
    for (const list of lists) {
      // sometimes inside the +10 min tolerance (Δ clamped to 0), usually before T
      const at = rt() < 0.2 ? T + int(rt, 0, 10 * MIN) : T - int(rt, 0, 120) * DAY;
      const same = orderTouches(list.map((t) => ({ ...t, at })));
      const td = timeDecayWeights(same, T);
      const lin = linearWeights(same);
      td.forEach((w, i) => expect(w).toBeCloseTo(lin[i]!, 12));
    }
  });

  it('no touch after T + 10 min (or before T − lookback) survives eligibleTouches', () => {
    for (const list of lists) {
      const { touches, excluded, duplicates } = eligibleTouches(list, T, 90 * DAY);
      for (const t of touches) {
        expect(t.at).toBeLessThanOrEqual(T + 10 * MIN);
        expect(t.at).toBeGreaterThanOrEqual(T - 90 * DAY);
      }
      for (const { touch: t, reason } of excluded) {
        expect(reason).toBe(t.at > T + 10 * MIN ? 'after_conversion' : 'outside_window');
      }
      const keys = new Set([...touches, ...excluded.map((e) => e.touch)].map((t) => `${t.kind}:${t.id}`));
      expect(keys.size).toBe(touches.length + excluded.length); // deduplicated
      expect(touches.length + excluded.length + duplicates).toBe(list.length);
      expect(touches.map(key)).toEqual(orderTouches(touches).map(key));
    }
  });

  it('last_non_direct picks the last non-direct touch whenever one exists', () => {
    for (const list of lists) {
      const ordered = orderTouches(list);
      const w = lastNonDirectWeights(ordered);
      const k = w.indexOf(1);
      const lastNd = ordered.map((t) => t.direct).lastIndexOf(false);
      if (lastNd >= 0) {
        expect(ordered[k]!.direct).toBe(false);
        expect(k).toBe(lastNd);
      } else {
        expect(k).toBe(ordered.length - 1);
      }
    }
  });

  it('orderTouches: sorted, does not mutate, independent of input order', () => {
    const rs = rng(3);
    for (const list of lists) {
      const before = list.map(key);
      const ordered = orderTouches(list);
      expect(list.map(key)).toEqual(before);
      for (let i = 1; i < ordered.length; i++) {
        const a = ordered[i - 1]!;
        const b = ordered[i]!;
        expect(a.at <= b.at).toBe(true);
      }
      const shuffled = shuffle(rs, list);
      expect(orderTouches(shuffled).map(key)).toEqual(ordered.map(key));
    }
  });
});

describe('hand-computed scenarios', () => {
  const nd1 = touch(1, T - 10 * DAY, 'call', false, 'google');
  const nd2 = touch(2, T - 5 * DAY, 'request', false, 'yandex');
  const dir = touch(3, T - DAY, 'call', true, null);
  const path = [nd1, nd2, dir];

  it('last → the last touch', () => {
    expectWeights(lastWeights(path), [0, 0, 1]);
    expectWeights(weightsFor('last', path, T), [0, 0, 1]);
  });

  it('last_non_direct → the last non-direct touch; all direct → the last touch', () => {
    expectWeights(weightsFor('last_non_direct', path, T), [0, 1, 0]);
    const allDirect = [touch(1, T - 2 * DAY, 'call', true, null), touch(2, T - DAY, 'visit', true, null)];
    expectWeights(weightsFor('last_non_direct', allDirect, T), [0, 1]);
  });

  it('first → the first touch', () => {
    expectWeights(firstWeights(path), [1, 0, 0]);
    expectWeights(weightsFor('first', path, T), [1, 0, 0]);
  });

  it('linear → 1/n each', () => {
    expectWeights(weightsFor('linear', path, T), [1 / 3, 1 / 3, 1 / 3]);
    expectWeights(weightsFor('linear', [...path, touch(4, T, 'crm_utm')], T), [0.25, 0.25, 0.25, 0.25]);
    // 1/3 + 1/3 + 1/3 is exactly 1 in doubles only because the last weight absorbs the rounding
    expect(sum(linearWeights(path))).toBe(1);
  });

  it('position → 40/20/40; n = 2 → 50/50', () => {
    expectWeights(weightsFor('position', [nd1, nd2], T), [0.5, 0.5]);
    expectWeights(weightsFor('position', path, T), [0.4, 0.2, 0.4]);
    const five = [1, 2, 3, 4, 5].map((i) => touch(i, T - (10 - i) * DAY));
    expectWeights(weightsFor('position', five, T), [0.4, 0.2 / 3, 0.2 / 3, 0.2 / 3, 0.4]);
  });

  it('time_decay: T−14 d, T−7 d, T → 1/7, 2/7, 4/7 (r = 1/4, 1/2, 1; Σr = 7/4)', () => {
    const three = [touch(1, T - 14 * DAY), touch(2, T - 7 * DAY), touch(3, T)];
    expectWeights(weightsFor('time_decay', three, T), [1 / 7, 2 / 7, 4 / 7]);
  });

  it('time_decay: a touch in the +10 min tolerance counts as Δ = 0 (T−7 d, T+5 min → 1/3, 2/3)', () => {
    expectWeights(timeDecayWeights([touch(1, T - 7 * DAY), touch(2, T + 5 * MIN)], T), [1 / 3, 2 / 3]);
  });

  it('time_decay: very old paths do not underflow (Δ = 30 y and 30 y − 7 d → 1/3, 2/3)', () => {
    const old = T - 30 * 365 * DAY;
    expectWeights(timeDecayWeights([touch(1, old - 7 * DAY), touch(2, old)], T), [1 / 3, 2 / 3]);
  });

  it('time_decay with a custom half-life (1 d): T−1 d, T → 1/3, 2/3', () => {
    expectWeights(timeDecayWeights([touch(1, T - DAY), touch(2, T)], T, DAY), [1 / 3, 2 / 3]);
  });

  it('ordering: time first, ties by kind call < request < visit < crm_utm < crm_source, then id', () => {
    const at = T - DAY;
    const input = [
      touch(1, at, 'crm_source'),
      touch(5, at, 'visit'),
      touch(9, at, 'call'),
      touch(2, at, 'request'),
      touch(4, at, 'crm_utm'),
      touch(3, at, 'call'),
      touch(100, at - 1, 'crm_source'),
    ];
    const frozen = Object.freeze([...input]);
    expect(orderTouches(frozen).map((t) => `${t.kind}:${t.id}`)).toEqual([
      'crm_source:100',
      'call:3',
      'call:9',
      'request:2',
      'visit:5',
      'crm_utm:4',
      'crm_source:1',
    ]);
  });

  it('lookback window: boundaries inclusive, reasons, a touch reached twice counts once', () => {
    const L = 90 * DAY;
    const touches = [
      touch(1, T - L - 1, 'call'), // one ms too early
      touch(2, T - L, 'call'), // exactly at the window start
      touch(3, T - DAY, 'request'),
      touch(3, T - DAY, 'request'), // the same request through a contact
      touch(3, T - DAY, 'call'), // another kind with the same id is another touch
      touch(4, T + 10 * MIN, 'crm_utm'), // integration lag: still counts
      touch(5, T + 10 * MIN + 1, 'call'), // after the conversion
      touch(6, T - 400 * DAY, 'visit'),
    ];
    const e = eligibleTouches(touches, T, L);
    expect(e.touches.map((t) => `${t.kind}:${t.id}`)).toEqual(['call:2', 'call:3', 'request:3', 'crm_utm:4']);
    expect(e.excluded.map((x) => `${x.touch.kind}:${x.touch.id}:${x.reason}`)).toEqual([
      'visit:6:outside_window',
      'call:1:outside_window',
      'call:5:after_conversion',
    ]);
    expect(e.duplicates).toBe(1);
    // a custom tolerance of 0: nothing after T
    expect(eligibleTouches(touches, T, L, 0).touches.map((t) => t.id)).toEqual([2, 3, 3]);
    // unlimited lookback
    expect(eligibleTouches(touches, T, Infinity).touches).toHaveLength(6);
  });

  it('eligibleTouches rejects a negative window', () => {
    expect(() => eligibleTouches([], T, -1)).toThrow(RangeError);
    expect(() => eligibleTouches([], T, DAY, -1)).toThrow(RangeError);
  });
});
