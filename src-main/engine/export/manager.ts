// export:run / export:cancel / export:html: exports run as jobs (the call returns a job id at
// once), stream `export:progress` while they write and end with one `export:finished`.
import { randomUUID } from 'node:crypto';
import type { EventPayloads, ExportFinished, ExportRun, ExportWhat } from '@shared/contract';
import type { Workspace } from '../workspace';
import { toAppError } from '../errors';
import { createLogger } from '../log';
import { buildDoc } from './doc';
import { printHtml } from './html';
import { runExport, type ExportOutcome, type PdfRenderer } from './write';

type Emit = <E extends 'export:progress' | 'export:finished'>(event: E, payload: EventPayloads[E]) => void;

export interface ExportManagerDeps {
  workspace: () => Workspace;
  emit: Emit;
  now: () => number;
  /** only where a browser can print (the CLI with Chromium, tests) */
  pdf?: PdfRenderer;
  /** minimum milliseconds between two progress events of one job */
  progressEveryMs?: number;
}

const log = createLogger('export');

export class ExportManager {
  private readonly jobs = new Map<string, { abort: AbortController; done: Promise<ExportFinished> }>();

  constructor(private readonly deps: ExportManagerDeps) {}

  /** Starts an export; the result comes as `export:finished` (and from `wait`). */
  run(input: ExportRun): { jobId: string } {
    const ws = this.deps.workspace();
    const jobId = randomUUID();
    const abort = new AbortController();
    let last = 0;
    const every = this.deps.progressEveryMs ?? 150;
    const done = (async (): Promise<ExportFinished> => {
      // let the caller get its job id (and subscribe) before the first progress event
      await new Promise((r) => setImmediate(r));
      try {
        const out: ExportOutcome = await runExport(ws, input, {
          now: this.deps.now(),
          signal: abort.signal,
          pdf: this.deps.pdf,
          progress: (stage, doneRows, total) => {
            const t = Date.now();
            if (t - last < every) return;
            last = t;
            this.deps.emit('export:progress', { jobId, stage, done: doneRows, total });
          },
        });
        return { jobId, ok: true, path: out.path, rows: out.rows, bytes: out.bytes, error: null };
      } catch (err) {
        const e = toAppError(err);
        if (e.code === 'internal') log.error('export failed', err);
        const code = e.code === 'cancelled' || e.code === 'invalid_input' || e.code === 'not_found' ? e.code : 'internal';
        return { jobId, ok: false, path: input.path, rows: 0, bytes: 0, error: { code, message: code === 'internal' ? 'Выгрузка не удалась. Подробности — в журнале; попробуйте ещё раз.' : e.message } };
      }
    })().then((f) => {
      this.jobs.delete(jobId);
      this.deps.emit('export:finished', f);
      return f;
    });
    this.jobs.set(jobId, { abort, done });
    return { jobId };
  }

  /** The finished event of a job (tests, the CLI). */
  wait(jobId: string): Promise<ExportFinished> {
    const j = this.jobs.get(jobId);
    if (!j) return Promise.reject(new Error(`no export job ${jobId}`));
    return j.done;
  }

  cancel(jobId: string): boolean {
    const j = this.jobs.get(jobId);
    if (!j) return false;
    j.abort.abort();
    return true;
  }

  get running(): number {
    return this.jobs.size;
  }

  /** Cancels every job and waits for them (workspace switch, engine close). */
  async close(): Promise<void> {
    const all = [...this.jobs.values()];
    for (const j of all) j.abort.abort();
    await Promise.all(all.map((j) => j.done));
  }

  async html(what: ExportWhat): Promise<{ html: string; title: string }> {
    const doc = buildDoc({ ws: this.deps.workspace(), now: this.deps.now() }, what);
    return { html: await printHtml(doc), title: `Skvoz · ${doc.name}` };
  }
}
