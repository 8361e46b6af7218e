import { describe, expect, it } from 'vitest';
import type { DealListItem, ReportRow } from '@shared/contract';
import { emptyBaseMetrics, withRatios, type BaseMetrics, type Dimension } from '@shared/metrics';
import {
  UNATTRIBUTED_KEY,
  dealSortFor,
  dealsRow,
  flatten,
  keyOfRow,
  nextTreeSort,
  pathFilters,
  pathOfKey,
  sortSiblings,
  treeKey,
  type Children,
  type FlatRow,
} from '../../src-renderer/lib/tree';

type Dims = Partial<Record<Dimension, string | null>>;
const r = (dims: Dims, m: Partial<BaseMetrics> = {}, unattributed = false): ReportRow =>
  ({ ...dims, unattributed, ...withRatios({ ...emptyBaseMetrics(), ...m }) }) as ReportRow;
const deal = (id: number): DealListItem => ({
  kind: 'deal',
  id,
  title: `Сделка ${id}`,
  createdAt: '2026-11-01T10:00:00.000Z',
  wonAt: null,
  stage: null,
  pipeline: null,
  responsible: null,
  revenue: 0,
  weight: 1,
});
const levels: Dimension[] = ['source', 'medium'];
const byLeads = (rows: readonly ReportRow[]) => sortSiblings(rows, { key: 'leads', dir: 'desc' }, (x, k) => x[k as 'leads']);

describe('tree keys and queries', () => {
  it('keys a node by its path and reads the path back', () => {
    expect(keyOfRow(r({ source: 'yandex', medium: null }), levels, 1)).toBe('["yandex",null]');
    expect(keyOfRow(r({ source: 'yandex', medium: 'cpc' }), levels, 0)).toBe('["yandex"]');
    expect(keyOfRow(r({}, {}, true), levels, 0)).toBe(UNATTRIBUTED_KEY);
    expect(pathOfKey('["yandex",null]')).toEqual(['yandex', null]);
    expect(pathOfKey(UNATTRIBUTED_KEY)).toBeNull();
  });

  it('narrows the dimension filters to the parent path, keeping the other filters', () => {
    const base = { pipelines: [3], dimensions: { term: ['окна'], source: ['yandex', 'google'] } };
    expect(pathFilters(base, levels, ['yandex', null])).toEqual({
      pipelines: [3],
      dimensions: { term: ['окна'], source: ['yandex'], medium: [null] },
    });
    expect(pathFilters(base, levels, [])).toBe(base);
    expect(base.dimensions.source).toEqual(['yandex', 'google']);
  });

  it('turns a node into the row key of reports:deals', () => {
    expect(dealsRow(levels, ['vk', 'cpc'])).toEqual({ dims: { source: 'vk', medium: 'cpc' }, unattributed: false });
    expect(dealsRow(levels, null)).toEqual({ dims: {}, unattributed: true });
  });
});

describe('flatten', () => {
  const roots = [r({ source: 'b' }, { leads: 2 }), r({}, { leads: 50 }, true), r({ source: 'a' }, { leads: 5 })];

  it('lists the top level sorted, the unattributed row last, nothing expanded', () => {
    const rows = flatten({ levels, roots, children: new Map(), expanded: new Set(), sort: byLeads, deals: true });
    expect(rows.map((x) => x.key)).toEqual(['["a"]', '["b"]', UNATTRIBUTED_KEY]);
    expect(rows.every((x) => x.type === 'group' && x.expandable && !x.expanded)).toBe(true);
    const first = rows[0] as Extract<FlatRow<ReportRow>, { type: 'group' }>;
    expect([first.posinset, first.setsize, first.dim]).toEqual([1, 3, 'source']);
  });

  it('puts children under their expanded parent: loading, groups, deals with «more», errors, empty', () => {
    const children = new Map<string, Children<ReportRow>>([
      ['["a"]', { status: 'groups', rows: [r({ source: 'a', medium: 'x' }, { leads: 1 }), r({ source: 'a', medium: 'y' }, { leads: 4 })] }],
      ['["a","y"]', { status: 'deals', items: [deal(7), deal(8)], total: 3, more: true, loadingMore: false }],
      [UNATTRIBUTED_KEY, { status: 'error', message: 'Сбой' }],
    ]);
    const expanded = new Set(['["a"]', '["a","y"]', '["b"]', UNATTRIBUTED_KEY, '["a","x"]']);
    const rows = flatten({ levels, roots, children, expanded, sort: byLeads, deals: true });
    expect(rows.map((x) => `${x.type}:${x.key}`)).toEqual([
      'group:["a"]',
      'group:["a","y"]',
      'deals-head:["a","y"]/head',
      'deal:["a","y"]/deal:7',
      'deal:["a","y"]/deal:8',
      'more:["a","y"]/more',
      'group:["a","x"]',
      'loading:["a","x"]/loading',
      'group:["b"]',
      'loading:["b"]/loading',
      'group:' + UNATTRIBUTED_KEY,
      'error:' + UNATTRIBUTED_KEY + '/error',
    ]);
    expect(rows.map((x) => x.depth)).toEqual([0, 1, 2, 2, 2, 2, 1, 2, 0, 1, 0, 1]);
    const more = rows[5] as Extract<FlatRow<ReportRow>, { type: 'more' }>;
    expect([more.shown, more.total, more.parent]).toEqual([2, 3, '["a","y"]']);
  });

  it('offers «more» on a list read only as far as its page (not counted), and not on the end of a list', () => {
    const children = new Map<string, Children<ReportRow>>([
      ['["a"]', { status: 'deals', items: [deal(7), deal(8)], total: null, more: true, loadingMore: false }],
      ['["b"]', { status: 'deals', items: [deal(9)], total: 1, more: false, loadingMore: false }],
    ]);
    const rows = flatten({ levels: ['source'], roots, children, expanded: new Set(['["a"]', '["b"]']), sort: byLeads, deals: true });
    const more = rows.filter((x) => x.type === 'more') as Extract<FlatRow<ReportRow>, { type: 'more' }>[];
    expect(more.map((x) => [x.parent, x.shown, x.total])).toEqual([['["a"]', 2, null]]);
    // an unknown size is -1 for assistive technology
    const deals = rows.filter((x) => x.type === 'deal') as Extract<FlatRow<ReportRow>, { type: 'deal' }>[];
    expect(deals.map((x) => x.setsize)).toEqual([-1, -1, 1]);
  });

  it('makes the last level a leaf when there are no deals (model comparison)', () => {
    const children = new Map<string, Children<ReportRow>>([['["a"]', { status: 'groups', rows: [r({ source: 'a', medium: 'x' })] }]]);
    const rows = flatten({ levels, roots, children, expanded: new Set(['["a"]', '["a","x"]']), sort: byLeads, deals: false });
    const leaf = rows.find((x) => x.key === '["a","x"]') as Extract<FlatRow<ReportRow>, { type: 'group' }>;
    expect([leaf.expandable, leaf.expanded]).toEqual([false, false]);
    const un = rows.find((x) => x.key === UNATTRIBUTED_KEY) as Extract<FlatRow<ReportRow>, { type: 'group' }>;
    expect(un.expandable).toBe(false);
    expect(rows).toHaveLength(4);
  });

  it('says so when a level or a deal list is empty', () => {
    const children = new Map<string, Children<ReportRow>>([
      ['["a"]', { status: 'groups', rows: [] }],
      ['["b"]', { status: 'deals', items: [], total: 0, more: false, loadingMore: false }],
    ]);
    const rows = flatten({ levels: ['source'], roots, children, expanded: new Set(['["a"]', '["b"]']), sort: byLeads, deals: true });
    expect(rows.filter((x) => x.type === 'empty').map((x) => x.key)).toEqual(['["a"]/empty', '["b"]/empty']);
  });

  it('flattens 10 000 rows with unique keys', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => r({ source: 's', medium: `m${i}` }, { leads: i % 97 }));
    const children = new Map<string, Children<ReportRow>>([['["s"]', { status: 'groups', rows: many }]]);
    const rows = flatten({ levels, roots: [r({ source: 's' })], children, expanded: new Set(['["s"]']), sort: byLeads, deals: true });
    expect(rows).toHaveLength(10_001);
    expect(new Set(rows.map((x) => x.key)).size).toBe(10_001);
  });
});

describe('sorting', () => {
  it('sorts numbers and names, nulls last both ways, the unattributed row always last, stable', () => {
    const rows = [r({}, { leads: 9 }, true), r({ source: 'б' }, { leads: 2, cost: 0 }), r({ source: 'а' }, { leads: 2, cost: 10 }), r({ source: null }, { leads: 7 })];
    const val = (x: ReportRow, k: string) => (k === 'name' ? (x.source ?? null) : (x[k as 'leads' | 'cpl'] ?? null));
    const names = (s: ReportRow[]) => s.map((x) => (x.unattributed ? 'U' : (x.source ?? '∅')));
    expect(names(sortSiblings(rows, { key: 'leads', dir: 'desc' }, val))).toEqual(['∅', 'б', 'а', 'U']);
    expect(names(sortSiblings(rows, { key: 'leads', dir: 'asc' }, val))).toEqual(['б', 'а', '∅', 'U']);
    expect(names(sortSiblings(rows, { key: 'name', dir: 'asc' }, val))).toEqual(['а', 'б', '∅', 'U']);
    expect(names(sortSiblings(rows, { key: 'name', dir: 'desc' }, val))).toEqual(['б', 'а', '∅', 'U']);
    // cpl: null (no cost) for б and ∅ → last in both directions
    expect(names(sortSiblings(rows, { key: 'cpl', dir: 'desc' }, val))).toEqual(['а', 'б', '∅', 'U']);
  });

  it('flips on the same column; names start ascending, numbers descending; deals follow the nearest order', () => {
    expect(nextTreeSort({ key: 'leads', dir: 'desc' }, 'leads')).toEqual({ key: 'leads', dir: 'asc' });
    expect(nextTreeSort({ key: 'leads', dir: 'desc' }, 'name')).toEqual({ key: 'name', dir: 'asc' });
    expect(nextTreeSort({ key: 'name', dir: 'asc' }, 'revenue')).toEqual({ key: 'revenue', dir: 'desc' });
    expect(dealSortFor({ key: 'revenue', dir: 'desc' })).toBe('revenue');
    expect(dealSortFor({ key: 'linear.wonDeals', dir: 'desc' })).toBe('won');
    expect(dealSortFor({ key: 'deals', dir: 'desc' })).toBe('weight');
    expect(dealSortFor({ key: 'leads', dir: 'desc' })).toBe('created');
  });
});

describe('treegrid keyboard', () => {
  const children = new Map<string, Children<ReportRow>>([['["a"]', { status: 'deals', items: [deal(1)], total: 1, more: false, loadingMore: false }]]);
  const rows = flatten({
    levels: ['source'],
    roots: [r({ source: 'a' }, { leads: 3 }), r({ source: 'b' }, { leads: 1 })],
    children,
    expanded: new Set(['["a"]']),
    sort: byLeads,
    deals: true,
  });
  // rows: ["a"] (expanded), the deal list's caption row, deal 1, ["b"]

  it('moves with arrows, Home/End and pages, clamped, passing over the caption row of a deal list', () => {
    expect(rows.map((x) => x.type)).toEqual(['group', 'deals-head', 'deal', 'group']);
    expect(treeKey('ArrowDown', rows, 0, 10)).toEqual({ type: 'move', index: 2 });
    expect(treeKey('ArrowUp', rows, 2, 10)).toEqual({ type: 'move', index: 0 });
    expect(treeKey('ArrowDown', rows, 3, 10)).toEqual({ type: 'move', index: 3 });
    expect(treeKey('ArrowUp', rows, 0, 10)).toEqual({ type: 'move', index: 0 });
    expect(treeKey('End', rows, 0, 10)).toEqual({ type: 'move', index: 3 });
    expect(treeKey('Home', rows, 3, 10)).toEqual({ type: 'move', index: 0 });
    expect(treeKey('PageDown', rows, 0, 3)).toEqual({ type: 'move', index: 3 });
    expect(treeKey('PageUp', rows, 3, 1)).toEqual({ type: 'move', index: 2 });
    expect(treeKey('PageUp', rows, 3, 2)).toEqual({ type: 'move', index: 0 });
  });

  it('→ expands a closed row or enters an open one; ← collapses or goes to the parent', () => {
    expect(treeKey('ArrowRight', rows, 3, 10)).toEqual({ type: 'expand', key: '["b"]' });
    expect(treeKey('ArrowRight', rows, 0, 10)).toEqual({ type: 'move', index: 2 });
    expect(treeKey('ArrowRight', rows, 2, 10)).toBeNull();
    expect(treeKey('ArrowLeft', rows, 2, 10)).toEqual({ type: 'move', index: 0 });
    expect(treeKey('ArrowLeft', rows, 0, 10)).toEqual({ type: 'collapse', key: '["a"]' });
    expect(treeKey('ArrowLeft', rows, 3, 10)).toBeNull();
  });

  it('Enter and Space activate; other keys do nothing; an empty grid ignores keys', () => {
    expect(treeKey('Enter', rows, 2, 10)).toEqual({ type: 'activate', index: 2 });
    expect(treeKey(' ', rows, 0, 10)).toEqual({ type: 'activate', index: 0 });
    expect(treeKey('a', rows, 0, 10)).toBeNull();
    expect(treeKey('ArrowDown', [], 0, 10)).toBeNull();
  });
});
