import { describe, expect, it } from 'vitest';
import { SyncScheduler, type ScheduleClock } from '../../src-main/engine/sync/schedule';
import { captureLogger } from './helpers';

const MIN = 60_000;

/** timers on a virtual clock; advance() fires them in order and lets async work settle between */
class VirtualTimers implements ScheduleClock {
  t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers.delete(h as number);
  };
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  }
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await this.settle();
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
    }
    this.t = end;
    await this.settle();
  }
}

function setup(over: { interval?: () => number; online?: () => boolean; runMs?: number; lastSyncAt?: () => number | null; busy?: () => boolean } = {}) {
  const clock = new VirtualTimers();
  const starts: number[] = [];
  let running = 0;
  let maxRunning = 0;
  const s = new SyncScheduler({
    intervalMinutes: over.interval ?? (() => 15),
    online: over.online ?? (() => true),
    busy: over.busy,
    lastSyncAt: over.lastSyncAt,
    clock,
    log: captureLogger('schedule'),
    run: async () => {
      starts.push(clock.t);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, over.runMs ?? MIN));
      running--;
    },
  });
  return { clock, s, starts, max: () => maxRunning };
}

describe('sync schedule', () => {
  it('runs at once when never synced, then every interval after each run ends', async () => {
    const { clock, s, starts } = setup();
    s.start();
    await clock.advance(50 * MIN);
    // each run takes a minute: 0, 16, 32, 48
    expect(starts).toEqual([0, 16 * MIN, 32 * MIN, 48 * MIN]);
    expect(s.state).toBe('waiting');
    expect(s.nextAt).toBe(64 * MIN);
  });

  it('waits for the interval after the last success before its first run', async () => {
    const { clock, s, starts } = setup({ lastSyncAt: () => -5 * MIN });
    s.start();
    await clock.advance(11 * MIN);
    expect(starts).toEqual([10 * MIN]);
  });

  it('pauses while offline, probing every minute, and catches up as soon as the network is back', async () => {
    let online = false;
    const { clock, s, starts } = setup({ online: () => online, lastSyncAt: () => 0 });
    s.start();
    await clock.advance(30 * MIN);
    expect(starts).toEqual([]);
    expect(s.state).toBe('offline');
    online = true;
    await clock.advance(MIN);
    expect(starts).toEqual([31 * MIN]);
    // poke() (e.g. the OS says online) skips the wait for the next probe
    online = false;
    await clock.advance(20 * MIN);
    expect(s.state).toBe('offline');
    online = true;
    const before = starts.length;
    s.poke();
    await clock.settle();
    expect(starts.length).toBe(before + 1);
  });

  it('never overlaps: a run longer than the interval delays the next one, a manual sync makes it wait', async () => {
    const long = setup({ runMs: 40 * MIN });
    long.s.start();
    await long.clock.advance(120 * MIN);
    expect(long.max()).toBe(1);
    expect(long.starts).toEqual([0, 55 * MIN, 110 * MIN]);
    // poke during a run does not start another
    long.s.poke();
    await long.clock.settle();
    expect(long.max()).toBe(1);

    let manual = true;
    let lastSync: number | null = null;
    const m = setup({ busy: () => manual, lastSyncAt: () => lastSync });
    m.s.start();
    await m.clock.advance(5 * MIN);
    expect(m.starts).toEqual([]); // a manual sync is running
    manual = false;
    lastSync = 5 * MIN; // …and has just succeeded
    await m.clock.advance(30 * MIN);
    expect(m.starts).toEqual([20 * MIN]);
  });

  it('is off at interval 0, follows a changed interval, stops, and retries a failed run only after the interval', async () => {
    let interval = 0;
    const { clock, s, starts } = setup({ interval: () => interval });
    s.start();
    await clock.advance(60 * MIN);
    expect(s.state).toBe('off');
    expect(starts).toEqual([]);
    interval = 5;
    s.poke();
    await clock.advance(11 * MIN);
    expect(starts).toEqual([60 * MIN, 66 * MIN]);
    s.stop();
    await clock.advance(60 * MIN);
    expect(starts.length).toBe(2);
    expect(s.state).toBe('stopped');

    const failing = new VirtualTimers();
    const attempts: number[] = [];
    const f = new SyncScheduler({
      intervalMinutes: () => 15,
      online: () => true,
      clock: failing,
      log: captureLogger('schedule'),
      run: async () => {
        attempts.push(failing.t);
        throw new Error('Calltouch недоступен');
      },
    });
    f.start();
    await failing.advance(31 * MIN);
    expect(attempts).toEqual([0, 15 * MIN, 30 * MIN]);
    f.stop();
  });
});
