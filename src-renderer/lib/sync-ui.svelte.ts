// Sync as the user sees it: the latest progress of each source (rows, rate, estimate), the toast
// after a run (what changed, or what went wrong and what to do next) and the offline state.
// Listens to the engine's sync events alongside app-state (which refreshes the data).
import type { AppError, SourceKind, SyncFinished, SyncProgress } from '@shared/contract';
import { skvoz } from './api';
import { app } from './app-state.svelte';
import { t, type MessageKey } from './i18n';
import { formatNumber } from './format';

export interface SourceProgress extends SyncProgress {
  /** 0…1 when the total is known */
  fraction: number | null;
  /** seconds left at the current rate, when both are known */
  etaSec: number | null;
}

export interface SyncToast {
  id: number;
  kind: 'ok' | 'error' | 'cancelled';
  title: string;
  lines: string[];
  /** the next step for a failure */
  hint: string | null;
  action: 'settings' | 'retry' | null;
  code: AppError['code'] | null;
}

const SOURCES: SourceKind[] = ['bitrix24', 'calltouch'];
const STATUS_POLL_MS = 30_000;

export function withEstimate(p: SyncProgress): SourceProgress {
  const fraction = p.total && p.total > 0 ? Math.min(1, p.done / p.total) : null;
  const etaSec = p.total !== null && p.ratePerSec > 0 ? Math.max(0, Math.round((p.total - p.done) / p.ratePerSec)) : null;
  return { ...p, fraction, etaSec };
}

/** «≈ 2 мин 5 с» / «≈ 40 с» */
export function formatEta(sec: number | null): string | null {
  if (sec === null) return null;
  if (sec < 60) return t('syncui.etaSec', { s: sec });
  const m = Math.floor(sec / 60);
  const s = sec % 60;
  return s === 0 ? t('syncui.etaMin', { m }) : t('syncui.etaMinSec', { m, s });
}

const ENTITIES = ['dictionaries', 'leads', 'deals', 'contacts', 'calls', 'requests', 'costRows'] as const;

/** «лиды», «звонки»… (an entity the UI does not know is shown as the engine named it) */
export function entityName(entity: string): string {
  const base = entity.split(':')[0] ?? entity;
  return (ENTITIES as readonly string[]).includes(base) ? t(`syncui.entity.${base}` as MessageKey) : entity;
}

/** The next step for a failed sync, by error code. */
export function nextStep(code: AppError['code']): { hint: string; action: 'settings' | 'retry' | null } {
  switch (code) {
    case 'auth_failed':
      return { hint: t('syncui.next.auth'), action: 'settings' };
    case 'network':
      return { hint: t('syncui.next.network'), action: 'retry' };
    case 'rate_limited':
      return { hint: t('syncui.next.rate'), action: 'retry' };
    case 'invalid_input':
      return { hint: t('syncui.next.config'), action: 'settings' };
    case 'cancelled':
      return { hint: t('syncui.next.cancelled'), action: 'retry' };
    default:
      return { hint: t('syncui.next.other'), action: 'retry' };
  }
}

export function toastFor(f: SyncFinished, id: number): SyncToast {
  const lines = SOURCES.filter((s) => f.rows[s] !== undefined).map((s) =>
    t('syncui.rows', { source: t(`sync.source.${s}`), rows: formatNumber(f.rows[s] ?? 0, 0) }),
  );
  if (f.ok) {
    const total = SOURCES.reduce((n, s) => n + (f.rows[s] ?? 0), 0);
    return {
      id,
      kind: 'ok',
      title: total === 0 ? t('syncui.doneNothing') : t('syncui.done'),
      lines,
      hint: null,
      action: null,
      code: null,
    };
  }
  const code = f.error?.code ?? 'internal';
  const next = nextStep(code);
  return {
    id,
    kind: code === 'cancelled' ? 'cancelled' : 'error',
    title: code === 'cancelled' ? t('syncui.cancelled') : (f.error?.message ?? t('syncui.failed')),
    lines,
    hint: next.hint,
    action: next.action,
    code,
  };
}

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
