// Sync messages as pure functions (unit-tested): progress with rate and estimate, the toast
// after a run and the next step for each failure.
import type { AppError, SourceKind, SyncFinished, SyncProgress } from '@shared/contract';
import { t, type MessageKey } from './i18n';
import { formatNumber } from './format';

export const SOURCES: SourceKind[] = ['bitrix24', 'calltouch'];

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
    case 'busy':
      return { hint: t('syncui.next.busy'), action: null };
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
