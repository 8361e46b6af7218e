// Runs fullInputs() in a worker thread with its own read-only connection and hands its messages
// to this thread synchronously: the full recompute stays one synchronous call (inside one write
// transaction) while the reading and assembling happen on another core.
//
// While the reader reads calls and requests, this thread builds most of the identity links (the
// other long read) and sends them over; then it takes the reader's messages.
//
// Transport: a MessageChannel (typed arrays are moved, not copied) plus a small shared Int32Array
// — [0] messages the reader posted, [1] messages taken, [2] messages this thread posted. A
// receiver blocks in Atomics.wait until its counter moves; the reader also blocks while it is
// AHEAD messages in front, so memory stays bounded.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Settings } from '@shared/contract';
import type { Db } from '../db/open';
import type { InputMessage } from './full-inputs';
import { IdentityLinks } from './identity-links';

export const AHEAD = 32;
/**
 * The share of the identity table this thread links while the reader reads calls and requests
 * (≈ 3 s of 5 on the large demo): both are then ready at about the same time.
 */
const MAIN_SHARE = 0.77;
/** Without a message for this long the reader is taken for dead (a chunk takes well under a second). */
const SILENCE_MS = 120_000;

/** The reader thread failed (could not start, threw, or went silent). */
export class ReaderThreadError extends Error {}

export type ReaderReply = InputMessage | { t: 'done' } | { t: 'error'; message: string };
export const POSTED = 0;
export const TAKEN = 1;
export const LINKS = 2;

export interface ReaderData {
  file: string;
  settings: Settings;
  signal: SharedArrayBuffer;
  port: MessagePort;
  /** the module to load (the worker entry, or its TypeScript bootstrap in development) */
  entry: string;
  /** identity values from here on are the reader's to link (null: all are this thread's) */
  split: string | null;
}

/**
 * The reader's entry: next to this module once built (out/main/attribution-reader.js, this code
 * being in engine-worker.js or a chunk below it); in development and tests (TypeScript run by
 * tsx or vitest) a bootstrap that registers tsx and loads reader-worker.ts.
 */
function entryUrl(): string {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./reader-worker-dev.mjs', here).href;
  for (const rel of ['./attribution-reader.js', '../attribution-reader.js']) {
    const u = new URL(rel, here);
    if (existsSync(fileURLToPath(u))) return u.href;
  }
  throw new ReaderThreadError('attribution-reader.js is missing from the build');
}

/** Loads the entry; a module that fails to load is reported like any other reader error. */
const BOOT = `
const { workerData } = require('node:worker_threads');
import(workerData.entry).catch((e) => {
  workerData.port.postMessage({ t: 'error', message: String((e && e.stack) || e) });
  const s = new Int32Array(workerData.signal);
  Atomics.add(s, 0, 1);
  Atomics.notify(s, 0);
});`;

/**
 * fullInputs(db, settings) read by a worker thread (its own connection to the same file),
 * message by message. Meanwhile this thread reads the first MAIN_SHARE of the identity table
 * and sends those links over; the reader reads the rest after the calls and requests.
 * `entry`: the reader module (tests run the built one).
 */
export function* threadedInputs(db: Db, settings: Settings, entry = entryUrl()): Generator<InputMessage> {
  const split = IdentityLinks.splitValue(db, MAIN_SHARE);
  const signal = new SharedArrayBuffer(12);
  const sig = new Int32Array(signal);
  const { port1, port2 } = new MessageChannel();
  const data: ReaderData = { file: db.name, settings, signal, port: port2, entry, split };
  let worker: Worker;
  try {
    worker = new Worker(BOOT, { eval: true, workerData: data, transferList: [port2] });
  } catch (err) {
    port1.close();
    throw new ReaderThreadError(`Поток чтения для атрибуции не запустился: ${err instanceof Error ? err.message : String(err)}`);
  }
  worker.unref();
  try {
    const built = IdentityLinks.scan(db, { below: split }).toData();
    port1.postMessage(built, IdentityLinks.transferables(built));
    Atomics.add(sig, LINKS, 1);
    Atomics.notify(sig, LINKS);
    for (;;) {
      const m = take(port1, sig);
      if (m.t === 'done') return;
      if (m.t === 'error') throw new ReaderThreadError(`Чтение данных для атрибуции прервалось: ${m.message}`);
      yield m;
    }
  } finally {
    port1.close();
    void worker.terminate();
  }
}

function take(port: MessagePort, sig: Int32Array): ReaderReply {
  const got = receiveSync(port, sig, POSTED, () => new ReaderThreadError('Чтение данных для атрибуции не отвечает.')) as ReaderReply;
  Atomics.add(sig, TAKEN, 1);
  Atomics.notify(sig, TAKEN);
  return got;
}

/** The next message on `port`, waiting (blocked) until the sender moves counter `at` of `sig`. */
export function receiveSync(port: MessagePort, sig: Int32Array, at: number, silent: () => Error): unknown {
  let quietSince = performance.now();
  for (;;) {
    const posted = Atomics.load(sig, at);
    const got = receiveMessageOnPort(port);
    if (got) return got.message;
    if (Atomics.wait(sig, at, posted, 1_000) === 'timed-out') {
      if (performance.now() - quietSince > SILENCE_MS) throw silent();
    } else quietSince = performance.now();
  }
}
