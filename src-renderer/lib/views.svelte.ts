// Saved views of the open workspace (views:list|save|delete): the sidebar lists them, the report
// screen saves the current setup, opening one applies it to app.spec and shows «Отчёты».
import type { AppError, SavedView, ViewSpec } from '@shared/contract';
import { safeCall, skvoz } from './api';
import { app } from './app-state.svelte';
import { router } from './router.svelte';

/** Same setup (key order and defaults aside)? Used to tell «изменён» after opening a view. */
export function sameSpec(a: ViewSpec, b: ViewSpec): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, x === undefined ? '' : canonical(x)] as const)
      .filter(([, x]) => x !== '' && x !== '[]' && x !== '{}')
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${x}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

class Views {
  list = $state.raw<SavedView[]>([]);
  error = $state.raw<AppError | null>(null);
  loaded = $state(false);
  /** The view opened last (null after the workspace changes). */
  openedId = $state<string | null>(null);
  private workspace: string | null = null;

  opened = $derived(this.list.find((v) => v.id === this.openedId) ?? null);

  /** Reloads when the workspace changed (call from an effect that reads app.current). */
  async sync(workspaceId: string | null): Promise<void> {
    if (workspaceId !== this.workspace) {
      this.workspace = workspaceId;
      this.openedId = null;
      this.list = [];
      this.loaded = false;
    }
    if (!workspaceId) return;
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const ws = this.workspace;
    const r = await safeCall(() => skvoz().views.list());
    if (ws !== this.workspace) return;
    this.loaded = true;
    if (r.ok) {
      this.list = [...r.value].sort((a, b) => a.name.localeCompare(b.name, 'ru'));
      this.error = null;
    } else this.error = r.error;
  }

  /** Saves the current setup as a new view, or over `id`. */
  async save(name: string, spec: ViewSpec, id?: string): Promise<{ ok: true; view: SavedView } | { ok: false; error: AppError }> {
    const r = await safeCall(() => skvoz().views.save({ id, name, spec }));
    if (!r.ok) return r;
    this.openedId = r.value.id;
    await this.refresh();
    return { ok: true, view: r.value };
  }

  async rename(view: SavedView, name: string): Promise<AppError | null> {
    const r = await safeCall(() => skvoz().views.save({ id: view.id, name, spec: view.spec }));
    if (!r.ok) return r.error;
    await this.refresh();
    return null;
  }

  async remove(view: SavedView): Promise<AppError | null> {
    const r = await safeCall(() => skvoz().views.delete({ id: view.id }));
    if (!r.ok) return r.error;
    if (this.openedId === view.id) this.openedId = null;
    await this.refresh();
    return null;
  }

  /** Applies a view to the whole app and shows it on «Отчёты». */
  open(view: SavedView): void {
    app.applyView(view.spec);
    this.openedId = view.id;
    router.go('reports');
  }

  /** The opened view differs from what is on screen now. */
  get modified(): boolean {
    const v = this.opened;
    return v !== null && !sameSpec(v.spec, app.spec);
  }
}

export const views = new Views();
