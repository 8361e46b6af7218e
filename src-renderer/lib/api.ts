// Typed access to `window.skvoz` and helpers that turn engine Results into UI state.
import type { AppError, Result, SkvozApi } from '@shared/contract';
import { t } from './i18n';

export function skvoz(): SkvozApi {
  const api = (window as Partial<Window>).skvoz;
  if (!api) throw new Error('no bridge');
  return api;
}

/** Runs a call and never throws: a rejected promise or a missing bridge becomes an `internal` error. */
export async function safeCall<T>(fn: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    const r = await fn();
    if (r && typeof r === 'object' && 'ok' in r) return r;
    return { ok: false, error: { code: 'internal', message: t('error.badReply') } };
  } catch (err) {
    const noBridge = err instanceof Error && err.message === 'no bridge';
    return { ok: false, error: { code: 'internal', message: noBridge ? t('error.noBridge') : t('error.unexpected') } };
  }
}

/** Field messages of an error for one form field (zod paths joined with '.'). */
export function fieldError(error: AppError | null | undefined, field: string): string | null {
  return error?.fields?.[field] ?? null;
}
