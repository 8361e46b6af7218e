// The report tree's loaded state: the top level, each expanded node's children (the next level
// through `reports:query`/`reports:models` with the parent path as filters, or the deals of the
// last level through `reports:deals`, paged). A change of period/model/filters reloads what is
// open and keeps it open; answers to older setups are dropped.
import type { AppError, DealsQuery, DealsResult, ReportFilters, Result } from '@shared/contract';
import type { Dimension } from '@shared/metrics';
import { untrack } from 'svelte';
import { safeCall } from './api';
import {
  dealsRow,
  emptyMap,
  emptySet,
  indexRows,
  nodeKey,
  pathFilters,
  pathOfKey,
  UNATTRIBUTED_KEY,
  withEntry,
  withKey,
  withoutKey,
  type Children,
  type TreeSource,
} from './tree';

export const DEALS_PAGE = 500;

export interface LevelData<R, M> {
  rows: R[];
  compare?: R[];
  meta: M;
}

export interface TreeLoaders<R, M> {
  /** one level: the grouping prefix with the parent path as dimension filters */
  level(groupBy: Dimension[], filters: ReportFilters): Promise<Result<LevelData<R, M>>>;
  /** the deals of a last-level (or unattributed) node; absent = the last level is a leaf */
  deals?(row: ReturnType<typeof dealsRow>, sort: DealsQuery['sort'], offset: number, limit: number): Promise<Result<DealsResult>>;
}

export class ReportTreeStore<R extends TreeSource, M> {
  meta = $state.raw<M | null>(null);
  roots = $state.raw<R[]>([]);
  rootCompare = $state.raw<Map<string, R> | undefined>(undefined);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  children = $state.raw<ReadonlyMap<string, Children<R>>>(emptyMap());
  expanded = $state.raw<ReadonlySet<string>>(emptySet());

  /** the levels the loaded rows belong to (the screen's may already be newer) */
  levels = $state.raw<Dimension[]>([]);

  private gen = 0;
  private filters: ReportFilters = {};
  private dealSort: DealsQuery['sort'] = 'created';
  private loaders: TreeLoaders<R, M> | null = null;

  /** New setup: reloads the top level and every open node (kept open unless the levels changed). */
  setup(loaders: TreeLoaders<R, M>, levels: Dimension[], filters: ReportFilters, dealSort: DealsQuery['sort']): void {
    // called from effects: what it reads here must not become their dependencies
    untrack(() => this.reset(loaders, levels, filters, dealSort));
  }

  private reset(loaders: TreeLoaders<R, M>, levels: Dimension[], filters: ReportFilters, dealSort: DealsQuery['sort']): void {
    const levelsChanged = levels.join() !== this.levels.join() || Boolean(loaders.deals) !== Boolean(this.loaders?.deals);
    this.loaders = loaders;
    this.levels = levels;
    this.filters = filters;
    this.dealSort = dealSort;
    const gen = ++this.gen;
    if (levelsChanged) {
      this.expanded = emptySet();
      this.meta = null;
      this.roots = [];
      this.rootCompare = undefined;
    }
    this.children = emptyMap();
    this.loading = true;
    void safeCall(() => loaders.level(levels.slice(0, 1), filters)).then((r) => {
      if (gen !== this.gen) return;
      this.loading = false;
      if (!r.ok) {
        this.error = r.error;
        return;
      }
      this.error = null;
      this.meta = r.value.meta;
      this.roots = r.value.rows;
      this.rootCompare = indexRows(r.value.compare, levels, 0);
    });
    for (const key of this.expanded) void this.loadChildren(key, gen);
  }

  retry(): void {
    if (this.loaders) this.setup(this.loaders, this.levels, this.filters, this.dealSort);
  }

  /** Deals are sorted by the engine: a new order reloads every open deal list. */
  setDealSort(sort: DealsQuery['sort']): void {
    if (sort === this.dealSort) return;
    this.dealSort = sort;
    untrack(() => {
      for (const [key, c] of this.children) if (c.status === 'deals') void this.loadChildren(key, this.gen);
    });
  }

  toggle(key: string): void {
    if (this.expanded.has(key)) this.collapse(key);
    else this.expand(key);
  }

  expand(key: string): void {
    if (this.expanded.has(key)) return;
    this.expanded = withKey(this.expanded, key);
    const c = this.children.get(key);
    if (!c || c.status === 'error') void this.loadChildren(key, this.gen);
  }

  collapse(key: string): void {
    if (!this.expanded.has(key)) return;
    this.expanded = withoutKey(this.expanded, key);
  }

  /** The next page of a deal list. */
  async loadMore(key: string): Promise<void> {
    const c = this.children.get(key);
    const loaders = this.loaders;
    if (!c || c.status !== 'deals' || c.loadingMore || !c.more || !loaders?.deals) return;
    const gen = this.gen;
    this.put(key, { ...c, loadingMore: true, error: undefined });
    const path = pathOfKey(key);
    const r = await safeCall(() => loaders.deals!(dealsRow(this.levels, path), this.dealSort, c.items.length, DEALS_PAGE));
    if (gen !== this.gen) return;
    const cur = this.children.get(key);
    if (!cur || cur.status !== 'deals') return;
    if (r.ok) this.put(key, { status: 'deals', items: [...cur.items, ...r.value.items], total: r.value.total, more: r.value.more, loadingMore: false });
    else this.put(key, { ...cur, loadingMore: false, error: r.error.message });
  }

  private put(key: string, c: Children<R>): void {
    this.children = withEntry(this.children, key, c);
  }

  private async loadChildren(key: string, gen: number): Promise<void> {
    const loaders = this.loaders;
    if (!loaders) return;
    const path = pathOfKey(key);
    const depth = path === null ? this.levels.length : path.length;
    if (depth > this.levels.length) return;
    this.put(key, { status: 'loading' });
    if (depth < this.levels.length && path !== null) {
      const levels = this.levels.slice(0, depth + 1);
      const r = await safeCall(() => loaders.level(levels, pathFilters(this.filters, this.levels, path)));
      if (gen !== this.gen) return;
      if (!r.ok) this.put(key, { status: 'error', message: r.error.message });
      // the unattributed row never matches a dimension filter; keep only this node's children
      else this.put(key, { status: 'groups', rows: r.value.rows.filter((x) => !x.unattributed), compare: indexRows(r.value.compare, this.levels, depth) });
      return;
    }
    if (!loaders.deals || (key !== UNATTRIBUTED_KEY && path === null)) return;
    const r = await safeCall(() => loaders.deals!(dealsRow(this.levels, path), this.dealSort, 0, DEALS_PAGE));
    if (gen !== this.gen) return;
    if (!r.ok) this.put(key, { status: 'error', message: r.error.message });
    else this.put(key, { status: 'deals', items: r.value.items, total: r.value.total, more: r.value.more, loadingMore: false });
  }
}

export { nodeKey };
