import { describe, expect, it } from 'vitest';
import { emptyBaseMetrics, withRatios } from '@shared/metrics';
import { buildKpis, kpiDelta } from '../../src-renderer/lib/kpi';

const totals = (m: Partial<ReturnType<typeof emptyBaseMetrics>>) => withRatios({ ...emptyBaseMetrics(), ...m });

describe('KPI deltas', () => {
  it('gives the absolute and relative change; more leads is good news', () => {
    expect(kpiDelta('leads', 120, 100)).toEqual({ abs: 20, pct: 0.2, trend: 'up', tone: 'good' });
    expect(kpiDelta('revenue', 50, 100)).toEqual({ abs: -50, pct: -0.5, trend: 'down', tone: 'bad' });
  });

  it('reads cost and CPL the other way round: a rise is bad, a fall is good', () => {
    expect(kpiDelta('cost', 1200, 1000).tone).toBe('bad');
    expect(kpiDelta('cpl', 80, 100).tone).toBe('good');
    expect(kpiDelta('romi', 1.5, 1.2).tone).toBe('good');
  });

  it('has no percentage against zero, and ROMI changes in points, not percent', () => {
    expect(kpiDelta('deals', 5, 0)).toEqual({ abs: 5, pct: null, trend: 'up', tone: 'good' });
    const romi = kpiDelta('romi', 1.5, 1.2);
    expect(romi.abs).toBeCloseTo(0.3, 12);
    expect(romi.pct).toBeNull();
  });

  it('is flat and neutral without change, empty when a side is missing', () => {
    expect(kpiDelta('leads', 7, 7)).toEqual({ abs: 0, pct: 0, trend: 'flat', tone: 'neutral' });
    expect(kpiDelta('cpl', null, 100)).toEqual({ abs: null, pct: null, trend: null, tone: 'neutral' });
    expect(kpiDelta('cpl', 100, null).trend).toBeNull();
  });

  it('builds the seven cards in order, with deltas only when a comparison is given', () => {
    const cur = totals({ leads: 10, deals: 4, wonDeals: 2, revenue: 3000, cost: 1000 });
    const prev = totals({ leads: 8, deals: 4, wonDeals: 1, revenue: 1000, cost: 1000 });
    const plain = buildKpis(cur);
    expect(plain.map((k) => k.metric)).toEqual(['leads', 'deals', 'wonDeals', 'revenue', 'cost', 'cpl', 'romi']);
    expect(plain.every((k) => k.delta === null)).toBe(true);
    const withCompare = buildKpis(cur, prev);
    const cpl = withCompare.find((k) => k.metric === 'cpl')!;
    expect(cpl.value).toBe(100);
    expect(cpl.previous).toBe(125);
    expect(cpl.delta).toEqual({ abs: -25, pct: -0.2, trend: 'down', tone: 'good' });
    const romi = withCompare.find((k) => k.metric === 'romi')!;
    expect(romi.delta!.abs).toBeCloseTo(2 - 0, 12);
  });
});
