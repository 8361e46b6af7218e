// The message protocol between the shell's engine host (main thread) and the engine worker.
// Types only plus two tiny guards: both sides import this one file, so a changed message is a
// compile error on both ends. No electron, no zod.
import type { EngineChannel, EventChannel } from '@shared/channels';
import type { AppError, DemoSize, EventPayloads, Result, SecretKey, WorkspaceSummary } from '@shared/contract';

/** `workerData` of the engine worker. */
export interface EngineWorkerData {
  /** Folder holding every workspace (`<userData>/workspaces`). */
  root: string;
  version: string;
  runtime: 'electron' | 'node';
  /** Size of the demo created on the very first start (default medium). */
  demoSize?: DemoSize;
  /** How soon a sync that found the database locked is retried (default 30 s; tests shorten it). */
  busyRetryMs?: number;
}

/** Why the worker could not start; `reason` lets the shell pick a dialog. */
export interface WorkerFatal {
  reason: 'db_from_future' | 'init_failed';
  error: AppError;
}

// ---------- host → worker ----------

export interface CallMessage {
  type: 'call';
  id: number;
  channel: EngineChannel;
  /** Already validated by the shell; the engine validates again (defence in depth). */
  input: unknown;
}

export interface SecretValueMessage {
  type: 'secret:value';
  id: number;
  value: string | null;
}

/** The PDF the host printed for a `print` request (or why it could not). */
export interface PrintedMessage {
  type: 'printed';
  id: number;
  pdf: Uint8Array | null;
  error: string | null;
}

/** Close the engine (cancel sync, close the database) and reply `closed`. */
export interface CloseMessage {
  type: 'close';
}

export type ToWorker = CallMessage | SecretValueMessage | PrintedMessage | CloseMessage;

// ---------- worker → host ----------

export interface ReadyMessage {
  type: 'ready';
  /** null: the last workspace could not be opened (its database is missing or damaged) */
  summary: WorkspaceSummary | null;
}

export interface FatalMessage {
  type: 'fatal';
  fatal: WorkerFatal;
}

export interface ResultMessage {
  type: 'result';
  id: number;
  result: Result<unknown>;
}

export type EventMessage = {
  [E in EventChannel]: { type: 'event'; name: E; payload: EventPayloads[E] };
}[EventChannel];

export interface SecretGetMessage {
  type: 'secret:get';
  id: number;
  key: SecretKey;
  /** The workspace the engine has open when it asks (secrets are kept per workspace). */
  workspaceId: string | null;
}

/** Print this self-contained HTML to PDF (the shell has the browser; scheduled PDF exports). */
export interface PrintMessage {
  type: 'print';
  id: number;
  html: string;
}

/** A log line, already formatted and redacted by the worker's logger. */
export interface LogMessage {
  type: 'log';
  line: string;
}

export interface ClosedMessage {
  type: 'closed';
}

export type FromWorker = ReadyMessage | FatalMessage | ResultMessage | EventMessage | SecretGetMessage | PrintMessage | LogMessage | ClosedMessage;

const TO_WORKER = new Set<string>(['call', 'secret:value', 'printed', 'close']);
const FROM_WORKER = new Set<string>(['ready', 'fatal', 'result', 'event', 'secret:get', 'print', 'log', 'closed']);

function typeOf(msg: unknown): string | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const t = (msg as { type?: unknown }).type;
  return typeof t === 'string' ? t : null;
}

/** Shape check for messages arriving in the worker (the host is trusted; this catches bugs). */
export function isToWorker(msg: unknown): msg is ToWorker {
  const t = typeOf(msg);
  return t !== null && TO_WORKER.has(t);
}

/** Shape check for messages arriving in the host. */
export function isFromWorker(msg: unknown): msg is FromWorker {
  const t = typeOf(msg);
  return t !== null && FROM_WORKER.has(t);
}
