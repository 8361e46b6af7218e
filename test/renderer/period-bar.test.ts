import { describe, expect, it } from 'vitest';
import { COMPARE_CHOICES, activeFilterCount, compareChoice, compareOf, withFilter } from '../../src-renderer/lib/period-bar';

describe('period bar helpers', () => {
  it('maps every comparison choice to a Compare and back', () => {
    const period = { from: '2026-11-01', to: '2026-11-14' };
    for (const c of COMPARE_CHOICES) expect(compareChoice(compareOf(c, period))).toBe(c);
    expect(compareOf('weekdays4', period)).toEqual({ kind: 'weekdays', weeks: 4 });
    // a custom comparison starts as the previous period, editable
    expect(compareOf('custom', period)).toEqual({ kind: 'custom', from: '2026-10-18', to: '2026-10-31' });
    expect(compareOf('custom', period, { from: '2025-11-01', to: '2025-11-14' })).toEqual({ kind: 'custom', from: '2025-11-01', to: '2025-11-14' });
  });

  it('counts and edits filters, dropping empty lists', () => {
    let f = withFilter({}, 'pipelines', [3]);
    f = withFilter(f, 'source', ['yandex', null]);
    f = withFilter(f, 'medium', ['cpc']);
    expect(f).toEqual({ pipelines: [3], dimensions: { source: ['yandex', null], medium: ['cpc'] } });
    expect(activeFilterCount(f)).toBe(3);
    f = withFilter(withFilter(f, 'source', []), 'medium', []);
    expect(f).toEqual({ pipelines: [3] });
    expect(activeFilterCount(withFilter(f, 'pipelines', []))).toBe(0);
  });
});
