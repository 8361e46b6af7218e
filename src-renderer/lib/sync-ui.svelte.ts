// Sync as the user sees it: the latest progress of each source (rows, rate, estimate), the toast
// after a run (what changed, or what went wrong and what to do next) and the offline state.
// Listens to the engine's sync events alongside app-state (which refreshes the data).
import type { AppError, SourceKind, SyncFinished, SyncProgress } from '@shared/contract';
import { skvoz } from './api';
import { app } from './app-state.svelte';
import { SOURCES, nextStep, toastFor, withEstimate, type SourceProgress, type SyncToast } from './sync-messages';

const STATUS_POLL_MS = 30_000;

export { entityName, formatEta, nextStep, type SourceProgress, type SyncToast } from './sync-messages';

class SyncUi {
  /** latest progress per source of the current run */
  bySource = $state.raw<Partial<Record<SourceKind, SourceProgress>>>({});
  toasts = $state.raw<SyncToast[]>([]);
  /** the last run failed for lack of network */
  networkFailed = $state(false);
  private seq = 0;
  private runId: string | null = null;
  private listening = 0;
  private offs: (() => void)[] = [];

  /** the schedule found no network, or the last run (or a source's last error) was a network failure */
  offline = $derived(
    app.sync?.schedule.state === 'offline' ||
      this.networkFailed ||
      (!(app.sync?.running ?? false) && SOURCES.some((k) => app.sync?.sources[k].lastError?.code === 'network')),
  );

  onProgress(p: SyncProgress): void {
    if (p.runId !== this.runId) {
      this.runId = p.runId;
      this.bySource = {};
    }
    this.bySource = { ...this.bySource, [p.source]: withEstimate(p) };
  }

  onFinished(f: SyncFinished): void {
    this.bySource = {};
    this.runId = null;
    this.networkFailed = !f.ok && f.error?.code === 'network';
    this.push(toastFor(f, ++this.seq));
  }

  /** A failure of `sync:start` itself (nothing configured, already running…). */
  onStartFailed(error: AppError): void {
    this.networkFailed = error.code === 'network';
    const next = nextStep(error.code);
    // a refusal's own message already says what to do (e.g. «добавьте вебхук…»): the button is enough
    const hint = error.code === 'invalid_input' || error.code === 'conflict' ? null : next.hint;
    this.push({ id: ++this.seq, kind: 'error', title: error.message, lines: [], hint, action: next.action, code: error.code });
  }

  /** «Синхронизировать»: starts a run; a refusal becomes a toast with the next step. */
  async start(): Promise<void> {
    await app.startSync();
    if (app.syncError) {
      this.onStartFailed(app.syncError);
      app.dismissSyncMessage();
    }
  }

  push(toast: SyncToast): void {
    this.toasts = [...this.toasts.slice(-2), toast];
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((x) => x.id !== id);
  }

  reset(): void {
    this.bySource = {};
    this.toasts = [];
    this.networkFailed = false;
    this.runId = null;
  }

  /** Subscribes once however many components ask; returns the unsubscribe function. */
  listen(): () => void {
    if (this.listening++ === 0) {
      try {
        const api = skvoz();
        this.offs = [
          api.on('sync:progress', (p) => this.onProgress(p)),
          api.on('sync:finished', (f) => this.onFinished(f)),
          api.on('workspaces:changed', () => this.reset()),
        ];
        // the schedule goes offline (and back) without an event: look at it now and then
        const timer = setInterval(() => void app.refreshSyncStatus(), STATUS_POLL_MS);
        this.offs.push(() => clearInterval(timer));
      } catch {
        this.offs = [];
      }
    }
    return () => {
      if (--this.listening === 0) {
        this.offs.forEach((off) => off());
        this.offs = [];
      }
    };
  }
}

export const syncUi = new SyncUi();
