// The engine's worker_threads entry (built to out/main/engine-worker.js). The shell's engine
// host starts it; the protocol lives in ./worker-protocol. Plain Node, never electron.
import { writeFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { Result, SecretKey } from '@shared/contract';
import { Engine } from './engine';
import { DbFromFutureError } from './db/migrate';
import { SkvozError, toAppError } from './errors';
import type { PdfRenderer } from './export/write';
import { addLogSink, createLogger } from './log';
import type { SecretProvider } from './secrets';
import {
  isToWorker,
  type CallMessage,
  type EngineWorkerData,
  type FromWorker,
  type WorkerFatal,
} from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('engine worker: must run inside worker_threads');

function post(msg: FromWorker): void {
  port?.postMessage(msg);
}

// Every log line goes to the host, which writes it to the app's log sinks (file, stderr).
addLogSink((line) => post({ type: 'log', line }));
const log = createLogger('engine-worker');

function readWorkerData(raw: unknown): EngineWorkerData {
  const d = (raw ?? {}) as Partial<EngineWorkerData>;
  if (typeof d.root !== 'string' || d.root === '') throw new Error('engine worker: workerData.root is required');
  return {
    root: d.root,
    version: typeof d.version === 'string' ? d.version : '0.0.0',
    runtime: d.runtime === 'electron' ? 'electron' : 'node',
    demoSize: d.demoSize,
    busyRetryMs: typeof d.busyRetryMs === 'number' && d.busyRetryMs > 0 ? d.busyRetryMs : undefined,
  };
}

const data = readWorkerData(workerData);

// ---------- secrets: asked of the host, one round trip each ----------

let nextSecretId = 0;
const secretWaiters = new Map<number, (value: string | null) => void>();
let engine: Engine | null = null;

function currentWorkspaceId(): string | null {
  try {
    return engine?.workspace.meta.id ?? null;
  } catch {
    return null;
  }
}

const secrets: SecretProvider = {
  get(key: SecretKey): Promise<string | null> {
    const id = ++nextSecretId;
    return new Promise((resolve) => {
      secretWaiters.set(id, resolve);
      post({ type: 'secret:get', id, key, workspaceId: currentWorkspaceId() });
    });
  },
};

// ---------- PDF: printed by the host (Electron's printToPDF), written here ----------

let nextPrintId = 0;
const printWaiters = new Map<number, { resolve: (pdf: Uint8Array) => void; reject: (err: Error) => void }>();

const pdf: PdfRenderer = async (html, path) => {
  const id = ++nextPrintId;
  const bytes = await new Promise<Uint8Array>((resolve, reject) => {
    printWaiters.set(id, { resolve, reject });
    post({ type: 'print', id, html });
  });
  await writeFile(path, bytes);
};

// ---------- start ----------

function fatalOf(err: unknown): WorkerFatal {
  if (err instanceof DbFromFutureError) {
    return { reason: 'db_from_future', error: { code: 'internal', message: err.message } };
  }
  const e = toAppError(err);
  return {
    reason: 'init_failed',
    error: { code: e.code, message: `Не удалось открыть рабочее пространство. ${e.message}` },
  };
}

async function start(): Promise<WorkerFatal | null> {
  try {
    engine = new Engine({
      root: data.root,
      secrets,
      emit: (name, payload) => post({ type: 'event', name, payload } as FromWorker),
      runtime: data.runtime,
      version: data.version,
      pdf,
      busyRetryMs: data.busyRetryMs,
    });
    const summary = await engine.init(data.demoSize);
    engine.startBackground();
    post({ type: 'ready', summary });
    return null;
  } catch (err) {
    // a deterministic failure: reported once as fatal, never retried by the host
    const fatal = fatalOf(err);
    log.error('init failed', err);
    post({ type: 'fatal', fatal });
    return fatal;
  }
}

const started = start();

// ---------- messages ----------

async function onCall(msg: CallMessage): Promise<void> {
  const fatal = await started;
  const eng = engine;
  if (fatal || !eng) {
    const error = fatal?.error ?? { code: 'internal' as const, message: 'Движок Skvoz не запущен.' };
    post({ type: 'result', id: msg.id, result: { ok: false, error } });
    return;
  }
  let result: Result<unknown>;
  try {
    result = await eng.dispatch(msg.channel, msg.input);
  } catch (err) {
    // dispatch already wraps handler errors; this is a last line of defence
    log.error('dispatch threw', msg.channel, err);
    result = { ok: false, error: toAppError(err) };
  }
  try {
    post({ type: 'result', id: msg.id, result });
  } catch (err) {
    log.error('result could not be sent', msg.channel, err);
    post({
      type: 'result',
      id: msg.id,
      result: { ok: false, error: { code: 'internal', message: 'Внутренняя ошибка: ответ движка не удалось передать окну.' } },
    });
  }
}

async function onClose(): Promise<void> {
  try {
    await started;
    await engine?.close();
  } catch (err) {
    log.error('close failed', err);
  }
  post({ type: 'closed' });
  port?.close();
}

port.on('message', (msg: unknown) => {
  if (!isToWorker(msg)) {
    log.warn('unknown message from host ignored');
    return;
  }
  switch (msg.type) {
    case 'call':
      void onCall(msg);
      break;
    case 'secret:value': {
      const resolve = secretWaiters.get(msg.id);
      secretWaiters.delete(msg.id);
      resolve?.(typeof msg.value === 'string' ? msg.value : null);
      break;
    }
    case 'printed': {
      const w = printWaiters.get(msg.id);
      printWaiters.delete(msg.id);
      if (msg.pdf) w?.resolve(msg.pdf);
      else w?.reject(new SkvozError('internal', msg.error ?? 'Не удалось напечатать PDF.'));
      break;
    }
    case 'close':
      void onClose();
      break;
  }
});
