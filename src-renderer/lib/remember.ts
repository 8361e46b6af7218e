// The report setup (period, comparison, model, basis, filters, grouping, columns) outlives a
// restart: kept per workspace in the renderer's localStorage — UI state, not workspace data, so it
// never travels with a workspace folder. A stored setup that no longer parses is ignored.
import { ViewSpecSchema, type ViewSpec } from '@shared/views-schema';

const key = (workspaceId: string) => `skvoz.setup.${workspaceId}`;

export function recallSpec(workspaceId: string): ViewSpec | null {
  try {
    const raw = localStorage.getItem(key(workspaceId));
    if (!raw) return null;
    const parsed = ViewSpecSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // storage disabled or corrupt: start from the default setup
  }
}

export function rememberSpec(workspaceId: string, spec: ViewSpec): void {
  try {
    localStorage.setItem(key(workspaceId), JSON.stringify(spec));
  } catch {
    // storage full or disabled: the setup simply is not remembered
  }
}
