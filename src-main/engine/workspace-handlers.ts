// The workspaces:list / rename / delete channels of the app (many workspaces under one root).
import type { WorkspaceSummary } from '@shared/contract';
import { SkvozError, notFound } from './errors';
import { patchMeta, type Workspace, type WorkspaceMeta, type WorkspaceRegistry } from './workspace';
import type { Emit, EngineHandlers } from './engine';

export interface WorkspacesHost {
  registry(): WorkspaceRegistry | null;
  current(): Workspace | null;
  requireRegistry(): WorkspaceRegistry;
  emit: Emit;
  /** why a workspace that is not open cannot be opened (null: it can) */
  problemOf(id: string, dir: string): string | null;
  closeCurrent(): Promise<void>;
}

/** A workspace that is not open, from its workspace.json alone. */
function closedSummary(m: WorkspaceMeta, problem: string | null): WorkspaceSummary {
  return { id: m.id, name: m.name, isDemo: m.isDemo, createdAt: m.createdAt, lastSyncAt: null, dataFrom: null, dataTo: null, problem };
}

export function workspaceHandlers(h: WorkspacesHost): Pick<EngineHandlers, 'workspaces:list' | 'workspaces:rename' | 'workspaces:delete'> {
  return {
    'workspaces:list': () => {
      const cur = h.current();
      const reg = h.registry();
      if (!reg) return cur ? [cur.summary()] : [];
      return reg.metas().map((m) => (cur?.meta.id === m.id ? cur.summary() : closedSummary(m, h.problemOf(m.id, reg.dirOf(m.id)))));
    },
    'workspaces:rename': (input) => {
      const reg = h.requireRegistry();
      const cur = h.current();
      if (cur?.meta.id === input.id) {
        cur.updateMeta({ name: input.name });
        const s = cur.summary();
        h.emit('workspaces:changed', s);
        return s;
      }
      // a workspace that is not open keeps its name in workspace.json alone: no need to open its database
      const dir = reg.dirOf(input.id);
      if (!reg.ids().includes(input.id)) throw notFound('Рабочее пространство не найдено.');
      return closedSummary(patchMeta(dir, { name: input.name }), h.problemOf(input.id, dir));
    },
    'workspaces:delete': async (input) => {
      const reg = h.requireRegistry();
      const meta = reg.metas().find((m) => m.id === input.id);
      if (!meta) throw notFound('Рабочее пространство не найдено.');
      if (input.confirmName.trim() !== meta.name) {
        throw new SkvozError('invalid_input', 'Для удаления введите точное название рабочего пространства.', {
          confirmName: 'Название не совпадает',
        });
      }
      if (h.current()?.meta.id === input.id) {
        await h.closeCurrent();
        reg.setLastOpened(null);
        h.emit('workspaces:changed', null);
      }
      reg.remove(input.id);
      return { deleted: input.id };
    },
  };
}
