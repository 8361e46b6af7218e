// Application-wide state: the open workspace, its settings, the sync state and the period.
// Screens read it; only this module talks to the workspace/settings/sync channels at boot
// and on engine events.
import type {
  AppError,
  Settings,
  SyncFinished,
  SyncProgress,
  SyncStatus,
  VisitCounts,
  WorkspaceSummary,
} from '@shared/contract';
import { safeCall, skvoz } from './api';
import { getLang, setLang, type Lang } from './i18n';
import { anchorDate, compareFor, comparePeriod, todayIn, type Anchor, type Period, type Preset } from '@shared/periods';
import { reportDimensions, type Basis, type Dimension, type Model } from '@shared/metrics';
import type { Compare, ReportFilters } from '@shared/reports-schema';
import { ViewSpecSchema, comparedModels, viewRange, type ViewPeriod, type ViewSpec } from '@shared/views-schema';
import { recallSpec, rememberSpec } from './remember';

export type PeriodChoice = { preset: Preset } | { preset: 'custom'; from: string; to: string };

/**
 * The default report setup: last 30 days anchored to data, no comparison, the workspace's model;
 * the report tree opens channel → source → medium → campaign → deals.
 */
export function defaultSpec(): ViewSpec {
  return ViewSpecSchema.parse({ groupBy: ['channel', 'source', 'medium', 'campaign'] });
}

/** The period/model/basis/filters part of a report query, shared by reports:query|series|models|deals. */
export interface ReportBase {
  from: string;
  to: string;
  model?: Model;
  basis: Basis;
  filters: ReportFilters;
  compare?: Compare;
}

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
  /** offline visits per outbox state (the navigation badge), live from `visits:changed` */
  visitCounts = $state.raw<VisitCounts | null>(null);
  progress = $state.raw<SyncProgress | null>(null);
  /** a full attribution recompute in the engine (rules changed), live from `attribution:progress` */
  recompute = $state.raw<{ done: number; total: number } | null>(null);
  syncError = $state.raw<AppError | null>(null);
  syncDone = $state(false);

  // ---- report setup (period bar): one ViewSpec shared by the dashboard and the reports screen ----
  #spec = $state.raw<ViewSpec>(defaultSpec());

  /** The chosen period, comparison, model, basis, filters, grouping, columns and mode (remembered per workspace). */
  get spec(): ViewSpec {
    return this.#spec;
  }

  set spec(spec: ViewSpec) {
    this.#spec = spec;
    if (this.current) rememberSpec(this.current.id, spec);
  }

  /** Today in the workspace's reporting zone. */
  today = $derived(todayIn(this.settings?.timeZone));

  /** The day presets end on: last date with data (or today, when the bar says so). */
  anchor = $derived(
    anchorDate(this.current?.dataTo, this.today, this.spec.period.kind === 'preset' ? this.spec.period.anchor : 'data'),
  );

  /** The concrete dates of the chosen period. */
  period: Period = $derived(
    viewRange(this.spec.period, {
      today: this.today,
      dataFrom: this.current?.dataFrom ?? null,
      dataTo: this.current?.dataTo ?? null,
    }),
  );

  /** The comparison as the engine gets it: `previous` of a calendar preset steps back by its unit. */
  compare: Compare | undefined = $derived(compareFor(this.spec.compare, this.spec.period));

  /** The comparison period's dates, null when no comparison is chosen. */
  comparison: Period | null = $derived(this.compare ? comparePeriod(this.period.from, this.period.to, this.compare) : null);

  /** The workspace's reporting time zone: every date and time on screen is shown in it. */
  timeZone: string = $derived(this.settings?.timeZone ?? 'Europe/Moscow');

  /** The models of the model comparison: the chosen ones, or the workspace's model with first and linear. */
  comparedModels: Model[] = $derived(comparedModels(this.spec.models, this.settings?.defaultModel ?? 'last_non_direct'));

  /** The model reports use: the chosen one, else the workspace default. */
  model: Model | null = $derived(this.spec.model ?? this.settings?.defaultModel ?? null);

  /** Period, model, basis, filters and comparison as a query base (spread into reports:* inputs). */
  reportSetup: ReportBase = $derived({
    from: this.period.from,
    to: this.period.to,
    model: this.spec.model ?? undefined,
    basis: this.spec.basis,
    filters: this.spec.filters,
    compare: this.compare,
  });

  /** A copy of the current setup as a ViewSpec (for `views:save`). */
  currentSpec(): ViewSpec {
    return structuredClone($state.snapshot(this.spec)) as ViewSpec;
  }

  /** Opens a saved view (or any spec): replaces the whole setup. */
  applyView(spec: ViewSpec): void {
    this.spec = ViewSpecSchema.parse(spec);
  }

  /**
   * Levels and dimension filters the workspace does not report on (city / device / landing with
   * their switch off) leave the setup, so no report asks for what the engine would refuse.
   */
  private fitSpec(s: Settings): void {
    const dims: readonly Dimension[] = reportDimensions(s.normalisation.touchDetails);
    const groupBy = this.#spec.groupBy.filter((d) => dims.includes(d));
    const f = this.#spec.filters.dimensions ?? {};
    const kept = Object.fromEntries(Object.entries(f).filter(([d]) => dims.includes(d as Dimension)));
    if (groupBy.length === this.#spec.groupBy.length && Object.keys(kept).length === Object.keys(f).length) return;
    this.patchSpec({ groupBy: groupBy.length ? groupBy : defaultSpec().groupBy, filters: { ...this.#spec.filters, dimensions: kept } });
  }

  /** Changes part of the setup. */
  patchSpec(patch: Partial<ViewSpec>): void {
    this.spec = { ...this.spec, ...patch };
  }

  setPeriod(period: ViewPeriod): void {
    this.patchSpec({ period });
  }

  setAnchor(anchor: Anchor): void {
    const p = this.spec.period;
    if (p.kind === 'preset') this.setPeriod({ ...p, anchor });
  }

  setCompare(compare: Compare | null): void {
    this.patchSpec({ compare });
  }

  setModel(model: Model | null): void {
    this.patchSpec({ model });
  }

  setBasis(basis: Basis): void {
    this.patchSpec({ basis });
  }

  setFilters(filters: ReportFilters): void {
    this.patchSpec({ filters });
  }

  /** Compatibility: the period as a preset or a custom range. */
  get periodChoice(): PeriodChoice {
    const p = this.spec.period;
    return p.kind === 'preset' ? { preset: p.preset } : { preset: 'custom', from: p.from, to: p.to };
  }

  set periodChoice(c: PeriodChoice) {
    const anchor: Anchor = this.spec.period.kind === 'preset' ? this.spec.period.anchor : 'data';
    this.setPeriod(c.preset === 'custom' ? { kind: 'custom', from: c.from, to: c.to } : { kind: 'preset', preset: c.preset, anchor });
  }

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
      // the setup last used in this workspace; else the current one without the previous
      // workspace's pipeline / responsible / site ids
      this.#spec = (ws && recallSpec(ws.id)) ?? { ...this.#spec, filters: {} };
    }
    const [list, settings, status] = await Promise.all([
      safeCall(() => skvoz().workspaces.list()),
      ws ? safeCall(() => skvoz().settings.get()) : Promise.resolve(null),
      ws ? safeCall(() => skvoz().sync.status()) : Promise.resolve(null),
    ]);
    if (list.ok) this.workspaces = list.value;
    this.settings = settings?.ok ? settings.value : null;
    if (settings?.ok) {
      this.setLanguage(settings.value.language);
      this.fitSpec(settings.value);
    }
    this.sync = status?.ok ? status.value : null;
    void this.refreshVisitCounts();
    this.dataVersion++;
  }

  async refreshVisitCounts(): Promise<void> {
    if (!this.current) {
      this.visitCounts = null;
      return;
    }
    const r = await safeCall(() => skvoz().visits.list({ limit: 1 }));
    this.visitCounts = r.ok ? r.value.counts : null;
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
    this.fitSpec(s);
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
      api.on('visits:changed', (c) => (this.visitCounts = c)),
      api.on('attribution:progress', (p) => (this.recompute = p.finished ? null : { done: p.done, total: p.total })),
    ];
    return () => offs.forEach((off) => off());
  }
}

export const app = new AppState();
