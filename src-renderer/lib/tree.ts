// The report tree's pure logic: node keys and paths, the query of a node's children (the grouping
// prefix + the parent path as dimension filters), flattening the expanded tree into the rows a
// virtual table draws, and the treegrid keyboard. Tested in Node (test/renderer/tree.test.ts).
import type { DealListItem, ReportFilters } from '@shared/reports-schema';
import type { Dimension } from '@shared/metrics';

/** Any row the tree can hold: dimension values and the unattributed flag. */
export type TreeSource = Partial<Record<Dimension, string | null>> & { unattributed: boolean };

export const UNATTRIBUTED_KEY = '\u0000unattributed';

/** A node's path: its dimension values along the levels (null = not set). */
export type Path = (string | null)[];

export function nodeKey(path: Path): string {
  return JSON.stringify(path);
}

export function keyOfRow(row: TreeSource, levels: readonly Dimension[], depth: number): string {
  if (row.unattributed) return UNATTRIBUTED_KEY;
  return nodeKey(levels.slice(0, depth + 1).map((d) => row[d] ?? null));
}

/** The path back from a key (null for the unattributed row). */
export function pathOfKey(key: string): Path | null {
  if (key === UNATTRIBUTED_KEY) return null;
  return JSON.parse(key) as Path;
}

/** The parent path as dimension filters, narrowing the user's own dimension filters. */
export function pathFilters(base: ReportFilters, levels: readonly Dimension[], path: Path): ReportFilters {
  if (path.length === 0) return base;
  const dimensions = { ...(base.dimensions ?? {}) };
  path.forEach((v, i) => {
    const d = levels[i];
    if (d) dimensions[d] = [v];
  });
  return { ...base, dimensions };
}

/** The row key of `reports:deals` for a node. */
export function dealsRow(levels: readonly Dimension[], path: Path | null): { dims: Partial<Record<Dimension, string | null>>; unattributed: boolean } {
  if (path === null) return { dims: {}, unattributed: true };
  const dims: Partial<Record<Dimension, string | null>> = {};
  path.forEach((v, i) => {
    const d = levels[i];
    if (d) dims[d] = v;
  });
  return { dims, unattributed: false };
}

/** The children of one expanded node as loaded so far. */
export type Children<R> =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'groups'; rows: R[]; compare?: Map<string, R> }
  /** total: null while the list has not been read to its end (newest first reads a page at a time) */
  | { status: 'deals'; items: DealListItem[]; total: number | null; more: boolean; loadingMore: boolean; error?: string };

export type FlatRow<R> =
  | {
      type: 'group';
      key: string;
      parent: string | null;
      depth: number;
      row: R;
      compare: R | null;
      /** the dimension shown in this row's label */
      dim: Dimension;
      expandable: boolean;
      expanded: boolean;
      posinset: number;
      setsize: number;
    }
  | { type: 'deal'; key: string; parent: string; depth: number; deal: DealListItem; posinset: number; setsize: number }
  /** the column captions of a deal list (its rows have their own columns, not the metrics') */
  | { type: 'deals-head'; key: string; parent: string; depth: number }
  | { type: 'loading' | 'empty'; key: string; parent: string; depth: number }
  | { type: 'error'; key: string; parent: string; depth: number; message: string }
  | { type: 'more'; key: string; parent: string; depth: number; shown: number; total: number | null; loading: boolean };

export interface FlattenOptions<R> {
  levels: readonly Dimension[];
  roots: readonly R[];
  rootCompare?: Map<string, R>;
  children: ReadonlyMap<string, Children<R>>;
  expanded: ReadonlySet<string>;
  /** sorts one set of siblings (the unattributed row stays last) */
  sort: (rows: readonly R[]) => R[];
  /** false: the last level is a leaf (model comparison); true: it opens its deals */
  deals: boolean;
}

/** The visible rows in order: each expanded node followed by its children. O(visible rows). */
export function flatten<R extends TreeSource>(o: FlattenOptions<R>): FlatRow<R>[] {
  const out: FlatRow<R>[] = [];
  const last = o.levels.length - 1;
  const walk = (rows: readonly R[], compare: Map<string, R> | undefined, depth: number, parent: string | null) => {
    const sorted = o.sort(rows);
    sorted.forEach((row, i) => {
      const key = keyOfRow(row, o.levels, depth);
      const expandable = row.unattributed ? o.deals : depth < last || o.deals;
      const expanded = expandable && o.expanded.has(key);
      out.push({
        type: 'group',
        key,
        parent,
        depth,
        row,
        compare: compare?.get(key) ?? null,
        dim: o.levels[depth]!,
        expandable,
        expanded,
        posinset: i + 1,
        setsize: sorted.length,
      });
      if (!expanded) return;
      const c = o.children.get(key);
      const d = depth + 1;
      if (!c || c.status === 'loading') out.push({ type: 'loading', key: `${key}/loading`, parent: key, depth: d });
      else if (c.status === 'error') out.push({ type: 'error', key: `${key}/error`, parent: key, depth: d, message: c.message });
      else if (c.status === 'groups') {
        if (c.rows.length === 0) out.push({ type: 'empty', key: `${key}/empty`, parent: key, depth: d });
        else walk(c.rows, c.compare, d, key);
      } else {
        if (c.items.length === 0 && !c.error) out.push({ type: 'empty', key: `${key}/empty`, parent: key, depth: d });
        if (c.items.length > 0) out.push({ type: 'deals-head', key: `${key}/head`, parent: key, depth: d });
        c.items.forEach((deal, j) =>
          out.push({ type: 'deal', key: `${key}/deal:${deal.id}`, parent: key, depth: d, deal, posinset: j + 1, setsize: c.total ?? -1 }),
        );
        if (c.error) out.push({ type: 'error', key: `${key}/error`, parent: key, depth: d, message: c.error });
        else if (c.more) {
          out.push({ type: 'more', key: `${key}/more`, parent: key, depth: d, shown: c.items.length, total: c.total, loading: c.loadingMore });
        }
      }
    });
  };
  walk(o.roots, o.rootCompare, 0, null);
  return out;
}

/** Compare rows by node key, for the comparison values of one level. */
export function indexRows<R extends TreeSource>(rows: readonly R[] | undefined, levels: readonly Dimension[], depth: number): Map<string, R> | undefined {
  if (!rows) return undefined;
  return new Map(rows.map((r) => [keyOfRow(r, levels, depth), r]));
}

export type TreeAction =
  | { type: 'move'; index: number }
  | { type: 'expand'; key: string }
  | { type: 'collapse'; key: string }
  | { type: 'activate'; index: number }
  | null;

/**
 * What a key does in the treegrid (WAI-ARIA treegrid, row focus): ↑/↓ move, → expands or goes to
 * the first child, ← collapses or goes to the parent, Home/End, PageUp/PageDown by `page` rows,
 * Enter/Space activate (toggle a group, open a deal, load more).
 */
export function treeKey<R>(key: string, rows: readonly FlatRow<R>[], index: number, page: number): TreeAction {
  const n = rows.length;
  if (n === 0) return null;
  const i = Math.min(Math.max(index, 0), n - 1);
  const row = rows[i]!;
  // a deal list's caption row is not a stop: moves pass over it (the other way at an edge)
  const move = (to: number, dir: 1 | -1): TreeAction => {
    let j = Math.min(Math.max(to, 0), n - 1);
    while (rows[j]?.type === 'deals-head' && j + dir >= 0 && j + dir < n) j += dir;
    if (rows[j]?.type === 'deals-head') j -= dir;
    return { type: 'move', index: Math.min(Math.max(j, 0), n - 1) };
  };
  switch (key) {
    case 'ArrowDown':
      return move(i + 1, 1);
    case 'ArrowUp':
      return move(i - 1, -1);
    case 'Home':
      return move(0, 1);
    case 'End':
      return move(n - 1, -1);
    case 'PageDown':
      return move(i + Math.max(page, 1), 1);
    case 'PageUp':
      return move(i - Math.max(page, 1), -1);
    case 'ArrowRight':
      if (row.type === 'group' && row.expandable && !row.expanded) return { type: 'expand', key: row.key };
      if (row.type === 'group' && row.expanded && i + 1 < n) return move(i + 1, 1);
      return null;
    case 'ArrowLeft': {
      if (row.type === 'group' && row.expanded) return { type: 'collapse', key: row.key };
      const parent = row.parent;
      if (parent === null) return null;
      const p = rows.findIndex((r) => r.key === parent);
      return p >= 0 ? { type: 'move', index: p } : null;
    }
    case 'Enter':
    case ' ':
      return { type: 'activate', index: i };
    default:
      return null;
  }
}

export interface TreeSort {
  /** 'name' (the label column) or a metric column key */
  key: string;
  dir: 'asc' | 'desc';
}

export const DEFAULT_TREE_SORT: TreeSort = { key: 'leads', dir: 'desc' };

/** Sorted copy of one set of siblings: the unattributed row last, empty values last in both directions. */
export function sortSiblings<R extends TreeSource>(rows: readonly R[], sort: TreeSort, valueOf: (row: R, key: string) => number | string | null): R[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const decorated = rows.map((row, i) => ({ row, i, v: row.unattributed ? null : valueOf(row, sort.key) }));
  decorated.sort((x, y) => {
    if (x.row.unattributed !== y.row.unattributed) return x.row.unattributed ? 1 : -1;
    if (x.v === y.v) return x.i - y.i;
    if (x.v === null) return 1;
    if (y.v === null) return -1;
    const c = typeof x.v === 'number' && typeof y.v === 'number' ? x.v - y.v : String(x.v).localeCompare(String(y.v), 'ru');
    return sign * c || x.i - y.i;
  });
  return decorated.map((d) => d.row);
}

/** A click on a column header: the same column flips, a new one starts descending (numbers) or ascending (names). */
export function nextTreeSort(cur: TreeSort, key: string): TreeSort {
  if (cur.key === key) return { key, dir: cur.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'name' ? 'asc' : 'desc' };
}

/** The engine's order of a deal list closest to the table's sort column. */
export function dealSortFor(sort: TreeSort): 'created' | 'won' | 'revenue' | 'weight' {
  const metric = sort.key.split('.').pop();
  if (metric === 'revenue' || metric === 'avgCheck') return 'revenue';
  if (metric === 'wonDeals') return 'won';
  if (metric === 'deals') return 'weight';
  return 'created';
}

// Copy-on-write updates for the store's `$state.raw` maps and sets (a new object = one update).
export function emptyMap<K, V>(): ReadonlyMap<K, V> {
  return new Map<K, V>();
}

export function emptySet<K>(): ReadonlySet<K> {
  return new Set<K>();
}

export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  const next = new Map(map);
  next.set(key, value);
  return next;
}

export function withKey<K>(set: ReadonlySet<K>, key: K): ReadonlySet<K> {
  return new Set([...set, key]);
}

export function withoutKey<K>(set: ReadonlySet<K>, key: K): ReadonlySet<K> {
  const next = new Set(set);
  next.delete(key);
  return next;
}
