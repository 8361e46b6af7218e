// Application-wide state: the open workspace, its settings, the sync state and the period.
// Screens read it; only this module talks to the workspace/settings/sync channels at boot
// and on engine events.
import type {
  AppError,
  Settings,
  SyncFinished,
  SyncProgress,
  SyncStatus,
  WorkspaceSummary,
} from '@shared/contract';
import { safeCall, skvoz } from './api';
import { getLang, setLang, type Lang } from './i18n';
import { DEFAULT_PRESET, anchorDate, presetRange, todayIn, type Period, type Preset } from '@shared/periods';

export type PeriodChoice = { preset: Preset } | { preset: 'custom'; from: string; to: string };

class AppState {
  booted = $state(false);
  bootError = $state.raw<AppError | null>(null);
  workspaces = $state.raw<WorkspaceSummary[]>([]);
  current = $state.raw<WorkspaceSummary | null>(null);
  settings = $state.raw<Settings | null>(null);
  lang = $state<Lang>(getLang());
  /** Bumped whenever data may have changed (sync finished, workspace switched). */
  dataVersion = $state(0);

  sync = $state.raw<SyncStatus | null>(null);
  progress = $state.raw<SyncProgress | null>(null);
  syncError = $state.raw<AppError | null>(null);
  syncDone = $state(false);

  periodChoice = $state.raw<PeriodChoice>({ preset: DEFAULT_PRESET });

  /** The day presets end on: last date with data, else today in the workspace's zone. */
  anchor = $derived(anchorDate(this.current?.dataTo, todayIn(this.settings?.timeZone)));

  period: Period = $derived.by(() => {
    const c = this.periodChoice;
    if (c.preset === 'custom') return { from: c.from, to: c.to };
    return presetRange(c.preset, { anchor: this.anchor, dataFrom: this.current?.dataFrom ?? null });
  });

  async boot(): Promise<void> {
    this.bootError = null;
    const cur = await safeCall(() => skvoz().workspaces.current());
    if (!cur.ok) {
      this.bootError = cur.error;
      this.booted = true;
      return;
    }
    await this.applyWorkspace(cur.value);
    this.booted = true;
  }

  /** The engine says (or a call returned) which workspace is open now. */
  async applyWorkspace(ws: WorkspaceSummary | null): Promise<void> {
    const changed = ws?.id !== this.current?.id;
    this.current = ws;
    if (changed) {
      this.progress = null;
      this.syncError = null;
      this.syncDone = false;
    }
    const [list, settings, status] = await Promise.all([
      safeCall(() => skvoz().workspaces.list()),
      ws ? safeCall(() => skvoz().settings.get()) : Promise.resolve(null),
      ws ? safeCall(() => skvoz().sync.status()) : Promise.resolve(null),
    ]);
    if (list.ok) this.workspaces = list.value;
    this.settings = settings?.ok ? settings.value : null;
    if (settings?.ok) this.setLanguage(settings.value.language);
    this.sync = status?.ok ? status.value : null;
    this.dataVersion++;
  }

  async refreshList(): Promise<void> {
    const list = await safeCall(() => skvoz().workspaces.list());
    if (list.ok) this.workspaces = list.value;
  }

  async open(id: string): Promise<AppError | null> {
    const r = await safeCall(() => skvoz().workspaces.open({ id }));
    if (!r.ok) return r.error;
    await this.applyWorkspace(r.value);
    return null;
  }

  setLanguage(lang: Lang): void {
    setLang(lang);
    this.lang = lang;
    document.documentElement.lang = lang;
  }

  applySettings(s: Settings): void {
    this.settings = s;
    this.setLanguage(s.language);
    this.dataVersion++;
  }

  async startSync(): Promise<void> {
    this.syncError = null;
    this.syncDone = false;
    const r = await safeCall(() => skvoz().sync.start());
    if (!r.ok) {
      this.syncError = r.error;
      return;
    }
    await this.refreshSyncStatus();
  }

  async cancelSync(): Promise<void> {
    await safeCall(() => skvoz().sync.cancel());
  }

  async refreshSyncStatus(): Promise<void> {
    if (!this.current) return;
    const r = await safeCall(() => skvoz().sync.status());
    if (r.ok) this.sync = r.value;
  }

  onProgress(p: SyncProgress): void {
    this.progress = p;
    if (this.sync && !this.sync.running) this.sync = { ...this.sync, running: true, runId: p.runId };
  }

  async onFinished(f: SyncFinished): Promise<void> {
    this.progress = null;
    this.syncError = f.ok ? null : f.error;
    this.syncDone = f.ok;
    const cur = await safeCall(() => skvoz().workspaces.current());
    if (cur.ok) this.current = cur.value;
    await this.refreshSyncStatus();
    this.dataVersion++;
  }

  dismissSyncMessage(): void {
    this.syncError = null;
    this.syncDone = false;
  }

  /** Subscribes to engine events; returns the unsubscribe function (call from an effect). */
  listen(): () => void {
    const api = skvoz();
    const offs = [
      api.on('sync:progress', (p) => this.onProgress(p)),
      api.on('sync:finished', (f) => void this.onFinished(f)),
      api.on('workspaces:changed', (ws) => void this.applyWorkspace(ws)),
    ];
    return () => offs.forEach((off) => off());
  }
}

export const app = new AppState();
