// One engine call's state for a screen: the last value stays visible while a newer call loads,
// an error replaces it, `retry()` repeats the last call. Stale answers are dropped.
import type { AppError, Result } from '@shared/contract';
import { safeCall } from './api';

export class Resource<T> {
  value = $state.raw<T | null>(null);
  error = $state.raw<AppError | null>(null);
  loading = $state(false);
  private seq = 0;
  private last: (() => Promise<Result<T>>) | null = null;

  load(fetcher: () => Promise<Result<T>>): Promise<void> {
    this.last = fetcher;
    const mine = ++this.seq;
    this.loading = true;
    return safeCall(fetcher).then((r) => {
      if (mine !== this.seq) return;
      this.loading = false;
      if (r.ok) {
        this.value = r.value;
        this.error = null;
      } else {
        this.error = r.error;
      }
    });
  }

  retry(): Promise<void> {
    return this.last ? this.load(this.last) : Promise.resolve();
  }

  reset(): void {
    this.seq++;
    this.value = null;
    this.error = null;
    this.loading = false;
  }
}
