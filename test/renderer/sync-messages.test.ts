import { describe, expect, it } from 'vitest';
import { entityName, formatEta, nextStep, toastFor, withEstimate } from '../../src-renderer/lib/sync-messages';

const p = (done: number, total: number | null, ratePerSec: number) => ({ runId: 'r', source: 'calltouch' as const, entity: 'calls', done, total, ratePerSec, requests: 3 });

describe('sync messages', () => {
  it('estimates the share done and the time left from the rate', () => {
    expect(withEstimate(p(250, 1000, 50))).toMatchObject({ fraction: 0.25, etaSec: 15 });
    expect(withEstimate(p(1200, 1000, 50))).toMatchObject({ fraction: 1, etaSec: 0 });
    // no total: no share, no estimate; no rate yet: no estimate
    expect(withEstimate(p(300, null, 50))).toMatchObject({ fraction: null, etaSec: null });
    expect(withEstimate(p(0, 1000, 0))).toMatchObject({ fraction: 0, etaSec: null });
  });

  it('writes the estimate in Russian', () => {
    expect(formatEta(null)).toBeNull();
    expect(formatEta(40)).toBe('≈ 40 с');
    expect(formatEta(120)).toBe('≈ 2 мин');
    expect(formatEta(125)).toBe('≈ 2 мин 5 с');
  });

  it('names the entities, and keeps an unknown one as the engine named it', () => {
    expect(entityName('leads')).toBe('лиды');
    expect(entityName('calls')).toBe('звонки');
    expect(entityName('deals:history')).toBe('сделки');
    expect(entityName('stage_history')).toBe('stage_history');
  });

  it('says what changed after a run, and what to do after a failure', () => {
    const ok = toastFor({ runId: 'r', ok: true, error: null, rows: { bitrix24: 1234, calltouch: 0 } }, 1);
    expect(ok).toMatchObject({ kind: 'ok', title: 'Синхронизация завершена', hint: null, action: null });
    expect(ok.lines).toEqual(['Bitrix24: новых и изменённых записей — 1\u00a0234', 'Calltouch: новых и изменённых записей — 0']);
    expect(toastFor({ runId: 'r', ok: true, error: null, rows: { calltouch: 0 } }, 2).title).toBe('Синхронизация завершена: новых данных нет');

    const auth = toastFor({ runId: 'r', ok: false, error: { code: 'auth_failed', message: 'Вебхук не принят.' }, rows: {} }, 3);
    expect(auth).toMatchObject({ kind: 'error', title: 'Вебхук не принят.', action: 'settings', code: 'auth_failed' });
    expect(auth.hint).toContain('«Настройках»');
    const cancelled = toastFor({ runId: 'r', ok: false, error: { code: 'cancelled', message: 'Синхронизация отменена.' }, rows: { bitrix24: 10 } }, 4);
    expect(cancelled).toMatchObject({ kind: 'cancelled', title: 'Синхронизация отменена', action: 'retry' });
    expect(nextStep('network')).toMatchObject({ action: 'retry' });
    expect(nextStep('network').hint).toContain('интернет');
    expect(nextStep('rate_limited').hint).toContain('несколько минут');
    // a locked database is retried by the app itself: no button to press
    expect(nextStep('busy')).toMatchObject({ action: null });
    expect(nextStep('busy').hint).toContain('повторит синхронизацию сам');
  });
});
