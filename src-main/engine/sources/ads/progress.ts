// Progress of an ad-costs run: days done over days to pull, summed over the platform's accounts.
import type { SourceSyncContext } from '../../sync/orchestrator';

export class DaysProgress {
  private readonly parts = new Map<string, { done: number; total: number }>();
  private readonly started = performance.now();
  constructor(
    private readonly ctx: SourceSyncContext,
    private readonly requests: () => number,
  ) {}

  report(account: string, done: number, total: number): void {
    this.parts.set(account, { done, total });
    let d = 0;
    let t = 0;
    for (const p of this.parts.values()) {
      d += p.done;
      t += p.total;
    }
    const secs = Math.max(0.001, (performance.now() - this.started) / 1000);
    this.ctx.progress({ entity: 'costs', done: d, total: t, ratePerSec: d / secs, requests: this.requests() });
  }
}
