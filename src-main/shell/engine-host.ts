// Starts the engine in a worker thread and talks to it: forwards calls, relays events, answers
// secret requests. A crashed worker never leaves a call hanging: in-flight calls resolve with
// `internal`, calls made meanwhile wait for the restarted worker (or time out), and after too many
// crashes in a minute the host gives up and reports a fatal state.
// Plain Node (no electron import), so tests run the real worker through tsx.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { EngineChannel } from '@shared/channels';
import type { AppError, Output, Result, SecretKey, WorkspaceSummary } from '@shared/contract';
import { createLogger, writeLogLine } from '../engine/log';
import { isFromWorker, type EngineWorkerData, type EventMessage, type FromWorker, type ToWorker, type WorkerFatal } from '../engine/worker-protocol';

/** What the host needs of a Worker (a real one, or a wrapper in tests). */
export interface WorkerLike {
  postMessage(msg: ToWorker): void;
  on(event: 'message', listener: (msg: unknown) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type HostState = 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';

export interface HostStateInfo {
  state: HostState;
  /** set in `failed` */
  error?: AppError;
  /** `db_from_future` / `init_failed` when the engine refused to start; `crash_loop` otherwise */
  reason?: WorkerFatal['reason'] | 'crash_loop';
  summary?: WorkspaceSummary;
}

export interface EngineHostOptions {
  workerPath: string | URL;
  /** e.g. loader flags; the worker otherwise inherits none */
  execArgv?: string[];
  workerData: EngineWorkerData;
  secrets: { get(key: SecretKey, workspaceId: string | null): Promise<string | null> };
  /** Prints the engine's self-contained HTML to PDF (Electron's printToPDF in the app). */
  print?: (html: string) => Promise<Uint8Array>;
  onEvent?: (event: EventMessage) => void;
  onState?: (info: HostStateInfo) => void;
  /** Restart delay after the n-th crash in the window (n ≥ 1). Default 250 ms · 2^(n−1), ≤ 5 s. */
  backoffMs?: (crashes: number) => number;
  /** Give up after this many crashes within `crashWindowMs` (default 3 in 60 s). */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** How long a call waits for a (re)starting engine (default 60 s: the first demo takes a while). */
  queueTimeoutMs?: number;
  closeTimeoutMs?: number;
  now?: () => number;
  createWorker?: (path: string | URL, options: WorkerOptions) => WorkerLike;
}

const MSG_CRASHED = 'Движок Skvoz неожиданно остановился и перезапускается. Повторите действие через несколько секунд.';
const MSG_QUEUE_TIMEOUT = 'Движок Skvoz не успел запуститься. Повторите действие; если ошибка повторится — перезапустите приложение.';
const MSG_CRASH_LOOP = 'Движок Skvoz несколько раз подряд аварийно остановился и больше не перезапускается. Перезапустите приложение; если ошибка повторится — пришлите разработчикам журнал из папки logs.';
const MSG_CLOSED = 'Приложение закрывается.';

const internal = (message: string): Result<never> => ({ ok: false, error: { code: 'internal', message } });

interface Queued {
  channel: EngineChannel;
  input: unknown;
  resolve: (r: Result<unknown>) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class EngineHost {
  private readonly log = createLogger('shell/engine-host');
  private worker: WorkerLike | null = null;
  private generation = 0;
  private stateInfo: HostStateInfo = { state: 'starting' };
  private nextId = 0;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private queue: Queued[] = [];
  private crashes: number[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private workspaceId: string | null = null;
  private startWaiters: ((info: HostStateInfo) => void)[] = [];
  private closeWaiter: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: EngineHostOptions) {
    this.now = opts.now ?? Date.now;
  }

  get state(): HostStateInfo {
    return this.stateInfo;
  }

  /** The workspace the engine has open (tracked from `ready` and `workspaces:changed`). */
  get currentWorkspaceId(): string | null {
    return this.workspaceId;
  }

  /** Starts the worker; resolves once it is ready or has failed for good. */
  start(): Promise<HostStateInfo> {
    if (!this.worker && this.stateInfo.state === 'starting' && this.generation === 0) this.spawn();
    if (this.stateInfo.state === 'ready' || this.stateInfo.state === 'failed' || this.stateInfo.state === 'closed') {
      return Promise.resolve(this.stateInfo);
    }
    return new Promise((resolve) => this.startWaiters.push(resolve));
  }

  /** Forwards a (validated) call. Always resolves with a Result envelope, never rejects. */
  call<C extends EngineChannel>(channel: C, input: unknown): Promise<Result<Output<C>>> {
    return new Promise<Result<unknown>>((resolve) => {
      const s = this.stateInfo.state;
      if (s === 'closed') return resolve(internal(MSG_CLOSED));
      if (s === 'failed') return resolve({ ok: false, error: this.stateInfo.error ?? { code: 'internal', message: MSG_CRASH_LOOP } });
      if (s === 'ready' && this.worker) return this.send(this.worker, channel, input, resolve);
      const timer = setTimeout(() => {
        this.queue = this.queue.filter((q) => q !== item);
        resolve(internal(MSG_QUEUE_TIMEOUT));
      }, this.opts.queueTimeoutMs ?? 60_000);
      const item: Queued = { channel, input, resolve, timer };
      this.queue.push(item);
    }) as Promise<Result<Output<C>>>;
  }

  /** Asks the engine to close its workspace cleanly, then stops the worker. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  // ---------- internals ----------

  private async doClose(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const w = this.worker;
    this.setState({ state: 'closed' });
    this.failAll(MSG_CLOSED);
    if (!w) return;
    const closed = new Promise<void>((resolve) => (this.closeWaiter = resolve));
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.opts.closeTimeoutMs ?? 5_000).unref());
    try {
      w.postMessage({ type: 'close' });
      await Promise.race([closed, timeout]);
    } catch (err) {
      this.log.warn('close message failed', err);
    }
    this.worker = null;
    await w.terminate().catch(() => 0);
  }

  private spawn(): void {
    const gen = ++this.generation;
    const options: WorkerOptions = {
      workerData: this.opts.workerData,
      execArgv: this.opts.execArgv ?? [],
      name: 'skvoz-engine',
    };
    let w: WorkerLike;
    try {
      w = this.opts.createWorker ? this.opts.createWorker(this.opts.workerPath, options) : new Worker(this.opts.workerPath, options);
    } catch (err) {
      this.log.error('worker could not be started', err);
      queueMicrotask(() => this.onExit(gen, -1));
      return;
    }
    this.worker = w;
    w.on('message', (msg: unknown) => {
      if (gen === this.generation) this.onMessage(w, msg);
    });
    w.on('error', (err: Error) => this.log.error('engine worker error', err));
    w.on('exit', (code: number) => this.onExit(gen, code));
  }

  private send(w: WorkerLike, channel: EngineChannel, input: unknown, resolve: (r: Result<unknown>) => void): void {
    const id = ++this.nextId;
    this.pending.set(id, resolve);
    try {
      w.postMessage({ type: 'call', id, channel, input });
    } catch (err) {
      this.pending.delete(id);
      this.log.error('call could not be sent', channel, err);
      resolve(internal('Внутренняя ошибка: запрос не удалось передать движку.'));
    }
  }

  private onMessage(w: WorkerLike, msg: unknown): void {
    if (!isFromWorker(msg)) {
      this.log.warn('unknown message from the engine worker ignored');
      return;
    }
    const m: FromWorker = msg;
    switch (m.type) {
      case 'ready':
        this.workspaceId = m.summary?.id ?? null;
        this.setState(m.summary ? { state: 'ready', summary: m.summary } : { state: 'ready' });
        this.flushQueue(w);
        break;
      case 'fatal':
        this.log.error('engine refused to start', m.fatal.reason, m.fatal.error.message);
        this.fail(m.fatal.error, m.fatal.reason);
        void w.terminate();
        break;
      case 'result': {
        const resolve = this.pending.get(m.id);
        this.pending.delete(m.id);
        resolve?.(m.result);
        break;
      }
      case 'event':
        if (m.name === 'workspaces:changed') this.workspaceId = m.payload?.id ?? null;
        try {
          this.opts.onEvent?.(m);
        } catch (err) {
          this.log.error('event listener failed', m.name, err);
        }
        break;
      case 'secret:get':
        void this.answerSecret(w, m.id, m.key, m.workspaceId);
        break;
      case 'print':
        void this.answerPrint(w, m.id, m.html);
        break;
      case 'log':
        writeLogLine(String(m.line));
        break;
      case 'closed':
        this.closeWaiter?.();
        break;
    }
  }

  private async answerSecret(w: WorkerLike, id: number, key: SecretKey, workspaceId: string | null): Promise<void> {
    let value: string | null = null;
    try {
      value = await this.opts.secrets.get(key, workspaceId);
    } catch (err) {
      this.log.error('secret lookup failed', key.kind, err);
    }
    try {
      w.postMessage({ type: 'secret:value', id, value });
    } catch {
      // the worker is gone; its request died with it
    }
  }

  private async answerPrint(w: WorkerLike, id: number, html: string): Promise<void> {
    let pdf: Uint8Array | null = null;
    let error: string | null = null;
    try {
      if (!this.opts.print) throw new Error('no printer');
      pdf = await this.opts.print(html);
    } catch (err) {
      this.log.error('print failed', err);
      error = 'Не удалось напечатать PDF встроенным браузером. Попробуйте XLSX или повторите позже.';
    }
    try {
      w.postMessage({ type: 'printed', id, pdf, error });
    } catch {
      // the worker is gone; its request died with it
    }
  }

  private onExit(gen: number, code: number): void {
    if (gen !== this.generation) return;
    this.worker = null;
    const s = this.stateInfo.state;
    if (s === 'closed') {
      this.closeWaiter?.();
      return;
    }
    if (s === 'failed') return;
    this.log.error('engine worker exited unexpectedly, code', code);
    this.failPending(MSG_CRASHED);
    const t = this.now();
    const window = this.opts.crashWindowMs ?? 60_000;
    this.crashes = [...this.crashes.filter((c) => t - c < window), t];
    if (this.crashes.length >= (this.opts.maxCrashes ?? 3)) {
      this.fail({ code: 'internal', message: MSG_CRASH_LOOP }, 'crash_loop');
      return;
    }
    const n = this.crashes.length;
    const delay = this.opts.backoffMs ? this.opts.backoffMs(n) : Math.min(250 * 2 ** (n - 1), 5_000);
    this.setState({ state: 'restarting' });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stateInfo.state === 'restarting') this.spawn();
    }, delay);
  }

  private fail(error: AppError, reason: HostStateInfo['reason']): void {
    this.setState({ state: 'failed', error, reason });
    this.failPending(error.message);
    for (const q of this.queue.splice(0)) {
      clearTimeout(q.timer);
      q.resolve({ ok: false, error });
    }
  }

  private failPending(message: string): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve(internal(message));
  }

  private failAll(message: string): void {
    this.failPending(message);
    for (const q of this.queue.splice(0)) {
      clearTimeout(q.timer);
      q.resolve(internal(message));
    }
  }

  private flushQueue(w: WorkerLike): void {
    for (const q of this.queue.splice(0)) {
      clearTimeout(q.timer);
      this.send(w, q.channel, q.input, q.resolve);
    }
  }

  private setState(info: HostStateInfo): void {
    this.stateInfo = info;
    if (info.state === 'ready' || info.state === 'failed' || info.state === 'closed') {
      for (const resolve of this.startWaiters.splice(0)) resolve(info);
    }
    try {
      this.opts.onState?.(info);
    } catch (err) {
      this.log.error('state listener failed', err);
    }
  }
}
