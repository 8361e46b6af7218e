// Saved views live in workspace.json next to the settings: few, small, and they travel with the
// workspace folder. Names are unique per workspace (case-insensitive) so `skvoz export --view`
// and the sidebar can find one by name.
import { randomUUID } from 'node:crypto';
import type { SavedView, ViewSpec } from '@shared/contract';
import type { Workspace } from '../workspace';
import { SkvozError, notFound } from '../errors';

const key = (name: string) => name.trim().toLocaleLowerCase('ru');

export function listViews(ws: Workspace): SavedView[] {
  return ws.meta.views;
}

export function saveView(ws: Workspace, input: { id?: string; name: string; spec: ViewSpec }, now: number): SavedView {
  const views = ws.meta.views;
  const clash = views.find((v) => key(v.name) === key(input.name) && v.id !== input.id);
  if (clash) {
    throw new SkvozError('conflict', `Отчёт «${clash.name}» уже есть — выберите другое название.`, { name: 'Такое название уже есть' });
  }
  const at = new Date(now).toISOString();
  let saved: SavedView;
  if (input.id) {
    const old = views.find((v) => v.id === input.id);
    if (!old) throw notFound('Сохранённый отчёт не найден — возможно, его удалили.');
    saved = { ...old, name: input.name, spec: input.spec, updatedAt: at };
    ws.updateMeta({ views: views.map((v) => (v.id === saved.id ? saved : v)) });
  } else {
    saved = { id: randomUUID(), name: input.name, spec: input.spec, createdAt: at, updatedAt: at };
    ws.updateMeta({ views: [...views, saved] });
  }
  return saved;
}

export function deleteView(ws: Workspace, id: string): void {
  if (!ws.meta.views.some((v) => v.id === id)) throw notFound('Сохранённый отчёт не найден — возможно, его удалили.');
  ws.updateMeta({ views: ws.meta.views.filter((v) => v.id !== id) });
}

/** A view by name (case-insensitive), for the CLI and scheduled exports. */
export function findView(ws: Workspace, name: string): SavedView {
  const v = ws.meta.views.find((x) => key(x.name) === key(name));
  if (!v) {
    const known = ws.meta.views.map((x) => `«${x.name}»`).join(', ');
    throw notFound(`Сохранённого отчёта «${name}» нет.${known ? ` Есть: ${known}.` : ''}`);
  }
  return v;
}
