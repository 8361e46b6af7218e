// The engine: every engine-side contract method, over one open workspace at a time.
// Plain Node — runs in the shell's worker thread, in the CLI and in tests.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EngineChannel, EventChannel } from '@shared/channels';
import {
  SettingsSchema,
  inputSchemas,
  type EventPayloads,
  type Output,
  type Parsed,
  type Result,
  type WorkspaceSummary,
  type DemoSize,
  type SourceKind,
  type SourceTestInput,
  type SourceTestResult,
} from '@shared/contract';
import { SkvozError, fromZod, notFound, toAppError } from './errors';
import { Workspace, WorkspaceRegistry, readMeta } from './workspace';
import { workspaceHandlers } from './workspace-handlers';
import type { SecretProvider } from './secrets';
import { SyncManager, type SourceOverrides, type SourceSync } from './sync/orchestrator';
import { defaultSources, defaultTesters } from './sync/sources';
import { runReport } from './reports/query';
import { runModels, runSeries } from './reports/series';
import { explain, listDeals } from './reports/drill';
import { touchDetails } from './reports/touch-details';
import { reportOptions } from './reports/options';
import { createDemoWorkspace } from './demo/workspace';
import { createLogger } from './log';
import { deleteCostBatch, importCosts, listApiCostSources, listCostBatches } from './costs/store';
import { costCoverage } from './costs/coverage';
import { VisitService } from './visits/service';
import { deleteView, listViews, saveView } from './views/store';
import { Background } from './background';
import { SyncJob, VisitsJob } from './jobs';
import { dimensionValues, healthRecords, healthSummary } from './health';
import { ExportManager } from './export/manager';
import { ScheduledExportsJob, deleteSchedule, listSchedules, saveSchedule } from './export/schedules';
import type { PdfRenderer } from './export/write';
import { onAttributionProgress } from './attribution/state';
import { isCorrupt } from './db/busy';
import { StorageProblem } from './safety/identity';
import { StorageService } from './safety/service';
import type { SafetyTiming } from './safety/jobs';
import { channelValues } from './channels/values';
import { readChannelRules, writeChannelRules } from './channels/file';

export type Emit = <E extends EventChannel>(event: E, payload: EventPayloads[E]) => void;

export type EngineHandlers = {
  [C in EngineChannel]: (input: Parsed<C>) => Promise<Output<C>> | Output<C>;
};

export interface EngineOptions {
  /** Folder holding many workspaces (the app). */
  root?: string;
  /** One workspace folder opened directly (the CLI); created when missing only by `demo`. */
  workspaceDir?: string;
  secrets: SecretProvider;
  emit?: Emit;
  runtime?: 'electron' | 'node';
  version?: string;
  now?: () => number;
  sources?: SourceSync[];
  overrides?: SourceOverrides;
  /** connection tests per source (the connectors provide them) */
  testers?: Partial<Record<SourceKind, SourceTester>>;
  /** PDF exports from the engine (the CLI's Chromium); in the app the shell prints (export:pdf) */
  pdf?: PdfRenderer;
  /** the CLI's reading commands: a workspace without write permission is read, not refused */
  readOnly?: boolean;
  /** a scheduled sync that found the database locked by another process is retried after this long (default 30 s) */
  busyRetryMs?: number;
  /** integrity checks and daily backups (tests shorten the start delay) */
  safety?: SafetyTiming;
}

export type SourceTester = (ctx: { ws: Workspace; secrets: SecretProvider; overrides: SourceOverrides; input: SourceTestInput }) => Promise<SourceTestResult>;

export const DEMO_NAME = 'Демо-данные';

export class Engine {
  private ws: Workspace | null = null;
  private readonly registry: WorkspaceRegistry | null;
  private readonly emit: Emit;
  readonly sync: SyncManager;
  /** timers of the open workspace; on only in the app (`startBackground`) */
  readonly background = new Background();
  private readonly syncJob: SyncJob;
  private readonly busyRetryMs: number;
  private readonly log = createLogger('engine');
  /** export jobs (export:run) and the scheduled exports of the open workspace */
  readonly exports: ExportManager;
  readonly scheduledExports: ScheduledExportsJob;
  /** integrity checks, backups and restore (storage:*) */
  readonly storage: StorageService;

  constructor(private readonly opts: EngineOptions) {
    this.registry = opts.root ? new WorkspaceRegistry(opts.root) : null;
    this.busyRetryMs = opts.busyRetryMs ?? 30_000;
    this.emit = opts.emit ?? (() => {});
    this.sync = new SyncManager(
      opts.sources ?? defaultSources(),
      opts.secrets,
      {
        progress: (p) => this.emit('sync:progress', p),
        finished: (f) => {
          if (f.error?.code === 'busy') this.syncJob.retrySoon(this.busyRetryMs);
          this.ws?.noteData();
          this.emit('sync:finished', f);
        },
      },
      opts.now,
      opts.overrides,
      () => (this.syncJob.retries ? this.busyRetryMs : null),
    );
    if (opts.workspaceDir && Workspace.exists(opts.workspaceDir)) this.ws = this.watched(Workspace.open(opts.workspaceDir, { readOnly: opts.readOnly }));
    this.syncJob = new SyncJob(this.sync);
    this.background.add(this.syncJob);
    this.background.add(new VisitsJob(() => this.visits(), () => this.now()));
    this.exports = new ExportManager({ workspace: () => this.workspace, emit: (e, p) => this.emit(e, p), now: () => this.now(), pdf: opts.pdf });
    this.scheduledExports = new ScheduledExportsJob(() => this.now(), opts.pdf);
    this.background.add(this.scheduledExports);
    this.storage = new StorageService(
      {
        registry: this.registry,
        current: () => this.ws,
        now: () => this.now(),
        closeCurrent: () => this.closeCurrent(),
        reopen: (dir) => this.reopen(dir),
      },
      opts.safety,
    );
    this.background.add(this.storage.integrity);
    this.background.add(this.storage.backups);
  }

  /** The app: run the sync schedule and the visits sender for the open workspace (and later ones). */
  startBackground(): void {
    this.background.enable(this.ws);
  }

  /**
   * App start: reopen the last workspace, or create and open the demo when there is none. A last
   * workspace whose database is missing or damaged is not replaced: the app starts with none
   * open (null) and «Настройки» offers its backups.
   */
  async init(demoSize: DemoSize = 'medium'): Promise<WorkspaceSummary | null> {
    const reg = this.requireRegistry();
    const last = reg.lastOpened() ?? reg.metas()[0]?.id ?? null;
    if (!last) return this.createWorkspace({ name: DEMO_NAME, demo: demoSize });
    try {
      return await this.openById(last);
    } catch (err) {
      if (!(err instanceof StorageProblem)) throw err;
      this.log.error('the last workspace cannot be opened', err.message);
      return null;
    }
  }

  /** The workspace's full attribution recomputes report progress as `attribution:progress`. */
  private watched(ws: Workspace): Workspace {
    onAttributionProgress(ws.db, (p) => this.emit('attribution:progress', p));
    return ws;
  }

  get workspace(): Workspace {
    if (!this.ws) throw notFound('Рабочее пространство не открыто.');
    return this.ws;
  }

  /** Validates the raw input against the contract, runs the handler, wraps the result. */
  async dispatch(channel: EngineChannel, rawInput: unknown): Promise<Result<unknown>> {
    // own keys only: `__proto__`, `constructor`, `toString` are not channels
    if (typeof channel !== 'string' || !Object.hasOwn(this.handlers, channel) || !Object.hasOwn(inputSchemas, channel)) {
      return { ok: false, error: { code: 'not_found', message: `Неизвестная команда движка: ${typeof channel === 'string' ? channel.slice(0, 60) : typeof channel}` } };
    }
    const schema = inputSchemas[channel];
    const parsed = schema.safeParse(rawInput);
    if (!parsed.success) return { ok: false, error: fromZod(parsed.error) };
    try {
      const handler = this.handlers[channel] as (input: unknown) => Promise<unknown> | unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'internal') this.log.error(channel, err);
      // SQLite met damage: stop writing to this file until it is restored or checked sound
      if (isCorrupt(err) && this.ws?.db.open) this.ws.recordCheck([err instanceof Error ? err.message : String(err)], this.now());
      return { ok: false, error };
    }
  }

  /** Closes the open workspace: exports, background jobs and a running sync end first. */
  private async closeCurrent(): Promise<void> {
    if (!this.ws) return;
    await this.exports.close();
    await this.background.close();
    this.sync.cancel();
    await this.sync.settle();
    this.ws.close();
    this.ws = null;
  }

  /** Opens a folder again as the current workspace (after a restore). */
  private async reopen(dir: string): Promise<WorkspaceSummary> {
    if (this.registry) return this.switchTo(this.opened(dir));
    this.ws = this.watched(this.opened(dir));
    return this.ws.summary();
  }

  /** Workspace.open, remembering why it failed (shown in the workspace list). */
  private opened(dir: string): Workspace {
    const id = (() => {
      try {
        return readMeta(dir).id;
      } catch {
        return null;
      }
    })();
    try {
      const ws = Workspace.open(dir);
      if (id) this.storage.noteProblem(id, null);
      return ws;
    } catch (err) {
      if (id && err instanceof StorageProblem) this.storage.noteProblem(id, err.message);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.exports.close();
    await this.background.close();
    this.sync.cancel();
    await this.sync.settle();
    this.ws?.close();
    this.ws = null;
  }

  private visitsOf: { ws: Workspace; service: VisitService } | null = null;

  /** The offline-visits service of the open workspace. */
  visits(): VisitService {
    const ws = this.workspace;
    if (this.visitsOf?.ws !== ws) {
      this.visitsOf = {
        ws,
        service: new VisitService(ws, {
          secrets: this.opts.secrets,
          overrides: this.opts.overrides ?? {},
          now: () => this.now(),
          changed: (counts) => this.emit('visits:changed', counts),
        }),
      };
    }
    return this.visitsOf.service;
  }

  /** Returns `value` after telling the background jobs that `reason` changed. */
  private poked<T>(reason: string, value: T): T {
    this.background.poke(reason);
    return value;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private requireRegistry(): WorkspaceRegistry {
    if (!this.registry) throw new SkvozError('invalid_input', 'Эта команда работает только в приложении (нет папки рабочих пространств).');
    return this.registry;
  }

  private async switchTo(ws: Workspace): Promise<WorkspaceSummary> {
    if (this.ws && this.ws.dir !== ws.dir) await this.closeCurrent();
    const reopened = this.ws === ws;
    this.ws = this.watched(ws);
    if (!reopened) this.background.open(ws);
    this.registry?.setLastOpened(ws.meta.id);
    const summary = ws.summary();
    this.emit('workspaces:changed', summary);
    return summary;
  }

  private async openById(id: string): Promise<WorkspaceSummary> {
    const reg = this.requireRegistry();
    if (this.ws?.meta.id === id) return this.ws.summary();
    const dir = reg.dirOf(id);
    if (!Workspace.exists(dir)) throw notFound('Рабочее пространство не найдено — возможно, его удалили.');
    return this.switchTo(this.opened(dir));
  }

  private async createWorkspace(input: Parsed<'workspaces:create'>): Promise<WorkspaceSummary> {
    const reg = this.requireRegistry();
    const id = randomUUID();
    const dir = join(reg.root, id);
    if (!input.demo) return this.switchTo(Workspace.create(dir, { id, name: input.name }));
    try {
      const { ws } = await createDemoWorkspace(dir, {
        id,
        name: input.name,
        size: input.demo,
        seed: input.seed ?? 1,
        now: this.opts.now?.(),
        onProgress: (p) => this.emit('workspaces:progress', p),
      });
      return await this.switchTo(ws);
    } catch (err) {
      reg.remove(id);
      throw err;
    }
  }

  private readonly handlers: EngineHandlers = {
    'app:info': () => ({
      version: this.opts.version ?? '0.0.0',
      runtime: this.opts.runtime ?? 'node',
      platform: process.platform,
    }),
    ...workspaceHandlers({
      registry: () => this.registry,
      current: () => this.ws,
      requireRegistry: () => this.requireRegistry(),
      emit: (e, p) => this.emit(e, p),
      problemOf: (id, dir) => this.storage.problemOf(id, dir),
      closeCurrent: () => this.closeCurrent(),
    }),
    'workspaces:create': (input) => this.createWorkspace(input),
    'workspaces:open': (input) => this.openById(input.id),
    'workspaces:current': () => this.ws?.summary() ?? null,
    'settings:get': () => this.workspace.settings,
    'settings:update': (patch) => {
      const ws = this.workspace;
      const next = SettingsSchema.parse({ ...ws.settings, ...patch });
      ws.updateMeta({ settings: next });
      this.background.poke('settings');
      return next;
    },
    'sync:start': async (input) => {
      const { runId } = await this.sync.start(this.workspace, { sources: input.sources, full: input.full });
      return { runId };
    },
    'sync:cancel': () => ({ cancelled: this.sync.cancel() }),
    'sync:status': () => ({ ...this.sync.status(this.workspace), schedule: this.syncJob.info() }),
    'sources:test': (input) => {
      const tester = (this.opts.testers ?? defaultTesters())[input.source];
      if (!tester) throw new SkvozError('internal', 'Проверка этого источника ещё не поддерживается.');
      return tester({ ws: this.workspace, secrets: this.opts.secrets, overrides: this.opts.overrides ?? {}, input });
    },
    'reports:query': (q) => runReport(this.workspace, q),
    'reports:series': (q) => runSeries(this.workspace, q),
    'reports:models': (q) => runModels(this.workspace, q),
    'reports:deals': (q) => listDeals(this.workspace, q),
    'reports:explain': (q) => explain(this.workspace, q.kind, q.id),
    'reports:options': (q) => reportOptions(this.workspace, q),
    'reports:landing': (q) => ({ url: touchDetails(this.workspace.db)(q.kind, q.id)?.landing ?? null }),
    'visits:create': (input) => this.poked('visits', this.visits().create(input)),
    'visits:list': (q) => this.visits().list(q),
    'visits:preview': (q) => this.visits().preview(q),
    'visits:update': (q) => this.poked('visits', this.visits().update(q)),
    'visits:cancel': (q) => this.visits().cancel(q.id),
    'visits:retry': (q) => this.poked('visits', this.visits().retry(q.id)),
    'visits:send': () => this.visits().send(),
    'costs:import': (input) =>
      importCosts(this.workspace.db, {
        fileName: input.fileName,
        bytes: Buffer.from(input.contentBase64, 'base64'),
        defaultCurrency: this.workspace.settings.currency,
        skipErrors: input.skipErrors,
        dryRun: input.dryRun,
        now: this.now(),
        mapping: input.mapping,
        settings: this.workspace.settings,
      }),
    'costs:list': () => listCostBatches(this.workspace.db),
    'costs:sources': () => listApiCostSources(this.workspace.db),
    'costs:coverage': (q) => costCoverage(this.workspace, q.from, q.to),
    'costs:delete': (input) => {
      deleteCostBatch(this.workspace.db, input.id);
      return { deleted: input.id };
    },
    'views:list': () => listViews(this.workspace),
    'views:save': (input) => saveView(this.workspace, input, this.now()),
    'views:delete': (input) => {
      deleteView(this.workspace, input.id);
      return { deleted: input.id };
    },
    'health:summary': () => healthSummary(this.workspace, this.now()),
    'health:records': (q) => healthRecords(this.workspace, q),
    'health:values': (q) => dimensionValues(this.workspace.db, q.limit),
    'export:run': (input) => this.exports.run(input),
    'export:cancel': (input) => ({ cancelled: this.exports.cancel(input.jobId) }),
    'export:html': (input) => this.exports.html(input.what),
    'schedules:list': () => listSchedules(this.workspace, this.now()),
    'schedules:save': (input) => this.poked('schedules', saveSchedule(this.workspace, input, this.now())),
    'schedules:delete': (input) => {
      deleteSchedule(this.workspace, input.id);
      return { deleted: input.id };
    },
    'storage:status': (q) => this.storage.status(q.workspaceId),
    'storage:check': () => this.storage.check(),
    'storage:backup': () => this.storage.backup(),
    'storage:restore': (input) => this.storage.restore(input),
    'channels:values': (q) => channelValues(this.workspace, q.limit),
    'channels:export': (input) => writeChannelRules(input.path, this.workspace.settings.channels),
    'channels:import': (input) => readChannelRules(input.text, input.fileName),
  };
}
