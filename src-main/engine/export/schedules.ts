// Scheduled exports: a saved view + format + folder + daily/weekly time, kept in the workspace
// folder (`exports.json`, next to workspace.json, so it travels with the workspace). The job runs
// while the app is open; when the app was closed over a planned time it catches up once on the
// next start (the latest missed run, not one per missed day).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ScheduleSaveSchema, exportFileName, type ExportSchedule, type ScheduleSave } from '@shared/contract';
import { addDays, instantToDate, weekday, zonedToInstant } from '@shared/time';
import type { Workspace } from '../workspace';
import type { BackgroundJob } from '../background';
import { unrefTimeout } from '../background';
import { notFound } from '../errors';
import { createLogger } from '../log';
import { buildDoc } from './doc';
import { writeDoc, type PdfRenderer } from './write';

export const SCHEDULES_FILE = 'exports.json';
const log = createLogger('export/schedule');

const StoredSchema = ScheduleSaveSchema.extend({
  id: z.string().min(1),
  createdAt: z.string(),
  lastRunAt: z.string().nullable().default(null),
  lastFile: z.string().nullable().default(null),
  lastError: z.string().nullable().default(null),
});
type Stored = z.infer<typeof StoredSchema>;

function read(ws: Workspace): Stored[] {
  const file = join(ws.dir, SCHEDULES_FILE);
  if (!existsSync(file)) return [];
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { schedules?: unknown[] };
    return (raw.schedules ?? []).flatMap((s) => {
      const p = StoredSchema.safeParse(s);
      return p.success ? [p.data] : [];
    });
  } catch (err) {
    log.error('exports.json unreadable', err);
    return [];
  }
}

function write(ws: Workspace, list: Stored[]): void {
  const file = join(ws.dir, SCHEDULES_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, schedules: list }, null, 2)}\n`, 'utf8');
  renameSync(tmp, file);
}

const timeOf = (s: Pick<ScheduleSave, 'time'>) => s.time.split(':').map(Number) as [number, number];

function planned(s: ScheduleSave, day: string, tz: string): number | null {
  if (s.frequency === 'weekly' && weekday(day) !== s.weekday) return null;
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  const [h, mi] = timeOf(s);
  return zonedToInstant(y, mo, d, h, mi, 0, tz);
}

/** The latest planned run at or before `now` (within the last 8 days). */
export function latestDue(s: ScheduleSave, now: number, tz: string): number | null {
  const today = instantToDate(now, tz);
  for (let i = 0; i <= 8; i++) {
    const t = planned(s, addDays(today, -i), tz);
    if (t !== null && t <= now) return t;
  }
  return null;
}

/** The first planned run after `now`. */
export function nextDue(s: ScheduleSave, now: number, tz: string): number | null {
  const today = instantToDate(now, tz);
  for (let i = 0; i <= 8; i++) {
    const t = planned(s, addDays(today, i), tz);
    if (t !== null && t > now) return t;
  }
  return null;
}

function view(s: Stored, now: number, tz: string): ExportSchedule {
  const next = s.enabled ? nextDue(s, now, tz) : null;
  return { ...s, nextAt: next === null ? null : new Date(next).toISOString() };
}

export function listSchedules(ws: Workspace, now: number): ExportSchedule[] {
  return read(ws).map((s) => view(s, now, ws.settings.timeZone));
}

export function saveSchedule(ws: Workspace, input: ScheduleSave, now: number): ExportSchedule {
  if (!ws.meta.views.some((v) => v.id === input.viewId)) throw notFound('Сохранённый отчёт не найден — возможно, его удалили.');
  const list = read(ws);
  let saved: Stored;
  if (input.id) {
    const old = list.find((s) => s.id === input.id);
    if (!old) throw notFound('Расписание не найдено — возможно, его удалили.');
    saved = { ...old, ...input, id: old.id };
    write(ws, list.map((s) => (s.id === saved.id ? saved : s)));
  } else {
    saved = { ...input, id: randomUUID(), createdAt: new Date(now).toISOString(), lastRunAt: null, lastFile: null, lastError: null };
    write(ws, [...list, saved]);
  }
  return view(saved, now, ws.settings.timeZone);
}

export function deleteSchedule(ws: Workspace, id: string): void {
  const list = read(ws);
  if (!list.some((s) => s.id === id)) throw notFound('Расписание не найдено — возможно, его удалили.');
  write(ws, list.filter((s) => s.id !== id));
}

/** Runs every schedule whose latest planned time is after its last run (or its creation). */
export async function runDueSchedules(ws: Workspace, now: number, pdf?: PdfRenderer): Promise<ExportSchedule[]> {
  const tz = ws.settings.timeZone;
  const ran: ExportSchedule[] = [];
  for (const s of read(ws)) {
    if (!s.enabled) continue;
    const due = latestDue(s, now, tz);
    const since = Math.max(Date.parse(s.createdAt), s.lastRunAt ? Date.parse(s.lastRunAt) : 0);
    if (due === null || due <= since) continue;
    let lastFile: string | null = s.lastFile;
    let lastError: string | null = null;
    try {
      const doc = buildDoc({ ws, now }, { kind: 'view', viewId: s.viewId, sheets: { levels: false, series: true, models: false, pivot: false } });
      const path = join(s.folder, exportFileName(doc.name, doc.from, doc.to, s.format));
      await writeDoc(doc, { format: s.format, path, csv: s.csv }, { now, progress: () => {}, pdf });
      lastFile = path;
      log.info('scheduled export written', path);
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      log.warn('scheduled export failed', lastError);
    }
    // re-read: the user may have edited the list while the file was being written
    const list = read(ws);
    const cur = list.find((x) => x.id === s.id);
    if (!cur) continue;
    const next: Stored = { ...cur, lastRunAt: new Date(now).toISOString(), lastFile, lastError };
    write(ws, list.map((x) => (x.id === s.id ? next : x)));
    ran.push(view(next, now, tz));
  }
  return ran;
}

/** The background job: looks every minute (and at start — the catch-up) while the app runs. */
export class ScheduledExportsJob implements BackgroundJob {
  readonly name = 'scheduled-exports';
  private ws: Workspace | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly now: () => number,
    private readonly pdf?: PdfRenderer,
    private readonly everyMs = 60_000,
  ) {}

  start(ws: Workspace): void {
    this.ws = ws;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = unrefTimeout(() => void this.tick(), ms);
  }

  /** One look: runs what is due. Public so tests drive it with a fake clock. */
  async tick(): Promise<ExportSchedule[]> {
    const ws = this.ws;
    if (!ws || this.running) return [];
    const p = runDueSchedules(ws, this.now(), this.pdf);
    this.running = p;
    try {
      return await p;
    } catch (err) {
      log.error('scheduled exports', err);
      return [];
    } finally {
      this.running = null;
      if (this.ws === ws) this.schedule(this.everyMs);
    }
  }

  poke(reason: string): void {
    if (reason === 'schedules' && this.ws) this.schedule(0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.ws = null;
    await this.running;
  }
}
