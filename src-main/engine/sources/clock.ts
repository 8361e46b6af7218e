// Time for the connectors: a clock with an abortable sleep, injectable so tests run the rate and
// retry policies on virtual time. Shared by the Bitrix24 and Calltouch clients.
import { SkvozError } from '../errors';

export interface Clock {
  now(): number;
  /** resolves after ms; rejects with a `cancelled` SkvozError when signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function cancelledError(): SkvozError {
  return new SkvozError('cancelled', 'Синхронизация отменена.');
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(cancelledError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const realClock: Clock = { now: () => Date.now(), sleep };
