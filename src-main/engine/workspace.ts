// A workspace is a folder: skvoz.db (SQLite) + workspace.json (non-secret settings).
// The app keeps many under one root (`<root>/<id>/`); the CLI opens one folder directly.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SavedViewSchema, SettingsSchema, type SavedView, type Settings, type WorkspaceSummary, type DemoSize } from '@shared/contract';
import { closeDatabase, openDatabase, type Db } from './db/open';
import { canWrite, openReadOnly } from './db/snapshot';
import { instantToDate } from '@shared/time';
import { SkvozError, notFound } from './errors';
import { isCorrupt } from './db/busy';
import { checkDatabaseFile, holdsData, reconcileIdentity, restoreAdvice, StorageProblem, type DatabaseRecord } from './safety/identity';
import { markClosed, markOpen } from './safety/integrity';

export const DB_FILE = 'skvoz.db';
export const META_FILE = 'workspace.json';

export interface WorkspaceMeta {
  id: string;
  name: string;
  isDemo: boolean;
  demoSize: DemoSize | null;
  createdAt: string;
  settings: Settings;
  /** saved report views, in the order the user made them */
  views: SavedView[];
  /** the database this folder belongs with (safety/identity.ts); null before its first open */
  database: DatabaseRecord | null;
  /** the last integrity check (safety/integrity.ts) */
  integrity: IntegrityRecord | null;
}

export interface IntegrityRecord {
  checkedAt: string | null;
  /** false: damage was found and writing is stopped */
  ok: boolean | null;
  problems: string[];
  /** a handle was left open by a process that is gone (crash, kill -9): check soon */
  uncleanAt: string | null;
}

function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
  renameSync(tmp, file);
}

export function readMeta(dir: string): WorkspaceMeta {
  const file = join(dir, META_FILE);
  if (!existsSync(file)) throw notFound(`В папке ${dir} нет рабочего пространства Skvoz (нет ${META_FILE}).`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new SkvozError('internal', `Файл ${file} повреждён: это не JSON.`);
  }
  const r = raw as Partial<WorkspaceMeta>;
  if (typeof r.id !== 'string' || typeof r.name !== 'string') {
    throw new SkvozError('internal', `Файл ${file} повреждён: нет id или имени.`);
  }
  return {
    id: r.id,
    name: r.name,
    isDemo: Boolean(r.isDemo),
    demoSize: r.demoSize ?? null,
    createdAt: typeof r.createdAt === 'string' ? r.createdAt : new Date(0).toISOString(),
    settings: SettingsSchema.parse(r.settings ?? {}),
    // a view an older or newer version cannot read is dropped rather than blocking the workspace
    views: Array.isArray(r.views) ? r.views.flatMap((v) => {
      const p = SavedViewSchema.safeParse(v);
      return p.success ? [p.data] : [];
    }) : [],
    database: readDatabaseRecord(r.database),
    integrity: readIntegrity(r.integrity),
  };
}

export interface OpenWorkspaceOptions {
  /**
   * The caller only reads (reports, exports, lists): a workspace this process may not write is
   * then read as it is (db/snapshot.ts) instead of refused.
   */
  readOnly?: boolean;
}

function readDatabaseRecord(v: unknown): DatabaseRecord | null {
  const d = v as Partial<DatabaseRecord> | null | undefined;
  return d && typeof d.id === 'string' && d.id !== '' ? { id: d.id, hadData: d.hadData === true } : null;
}

function readIntegrity(v: unknown): IntegrityRecord | null {
  const i = v as Partial<IntegrityRecord> | null | undefined;
  if (!i || typeof i !== 'object') return null;
  const str = (x: unknown) => (typeof x === 'string' ? x : null);
  return {
    checkedAt: str(i.checkedAt),
    ok: typeof i.ok === 'boolean' ? i.ok : null,
    problems: Array.isArray(i.problems) ? i.problems.filter((x): x is string => typeof x === 'string').slice(0, 50) : [],
    uncleanAt: str(i.uncleanAt),
  };
}

/** Changes workspace.json of a folder no handle has open (a restore). */
export function patchMeta(dir: string, patch: Partial<Omit<WorkspaceMeta, 'id'>>): WorkspaceMeta {
  const next = { ...readMeta(dir), ...patch };
  writeJsonAtomic(join(dir, META_FILE), next);
  return next;
}

/**
 * Opens the database file; damage that stops SQLite reading it at all is a StorageProblem.
 * `writable: false` (a read-only caller on a folder this process may not write): the file is
 * checked the same way but nothing is removed, and it is read in place or from a copy.
 */
function openChecked(dir: string, meta: WorkspaceMeta, writable: boolean): { db: Db; dispose: () => void } {
  checkDatabaseFile(dir, DB_FILE, meta.name, meta.database, meta.settings.timeZone, { dryRun: !writable });
  const file = join(dir, DB_FILE);
  try {
    return writable ? { db: openDatabase(file), dispose: () => {} } : openReadOnly(file);
  } catch (err) {
    if (!isCorrupt(err)) throw err;
    throw new StorageProblem(`Файл базы рабочего пространства «${meta.name}» повреждён и не читается. ${restoreAdvice(dir, meta.settings.timeZone)}`);
  }
}

export class Workspace {
  readonly db: Db;
  private metaValue: WorkspaceMeta;
  private dispose = () => {};
  /** this process may write the database and the folder (else: a read-only caller reads it as it is) */
  private readonly writable: boolean;
  private readonly marker: string | null;
  /** this open found a handle left by a process that is gone */
  readonly unclean: boolean;

  private constructor(
    readonly dir: string,
    meta: WorkspaceMeta,
    opts: OpenWorkspaceOptions = {},
  ) {
    this.metaValue = meta;
    this.writable = canWrite(join(dir, DB_FILE));
    if (!this.writable && !opts.readOnly) {
      throw new SkvozError(
        'invalid_input',
        `Рабочее пространство в ${dir} доступно только для чтения (нет прав на запись в папку или файлы), а эта команда его меняет.`,
      );
    }
    ({ db: this.db, dispose: this.dispose } = openChecked(dir, meta, this.writable));
    try {
      // identity is checked whether or not this process may write; markers and workspace.json
      // are written only when it may (a read-only reader leaves the folder as it found it)
      const record = reconcileIdentity(this.db, meta.database, dir, meta.name, meta.settings.timeZone);
      const { marker, unclean } = this.writable ? markOpen(dir, DB_FILE) : { marker: null, unclean: false };
      this.marker = marker;
      this.unclean = unclean;
      const integrity = unclean ? { ...(meta.integrity ?? { checkedAt: null, ok: null, problems: [] }), uncleanAt: new Date().toISOString() } : null;
      if (this.writable && (record || integrity)) this.updateMeta({ ...(record ? { database: record } : {}), ...(integrity ? { integrity } : {}) });
      // damage found earlier: nothing writes to this file until a restore or a passing check
      if (this.damaged && !this.db.readonly) this.db.pragma('query_only = 1');
    } catch (err) {
      closeDatabase(this.db);
      this.dispose();
      if (isCorrupt(err)) throw new StorageProblem(`Файл базы рабочего пространства «${meta.name}» повреждён. ${restoreAdvice(dir, meta.settings.timeZone)}`);
      throw err;
    }
  }

  /** Damage was found: writing is stopped (PRAGMA query_only) until a restore or a passing check. */
  get damaged(): boolean {
    return this.metaValue.integrity?.ok === false;
  }

  /** The result of an integrity check (problems: [] = sound). Damage stops writing; a pass resumes it. */
  recordCheck(problems: string[], at: number): void {
    const ok = problems.length === 0;
    this.updateMeta({ integrity: { checkedAt: new Date(at).toISOString(), ok, problems: problems.slice(0, 50), uncleanAt: null } });
    if (this.db.open) this.db.pragma(`query_only = ${ok ? 0 : 1}`);
  }

  /** Remembers that the database holds data (a missing file is then refused, not replaced). */
  noteData(): void {
    const rec = this.metaValue.database;
    if (!rec || rec.hadData || !this.db.open) return;
    try {
      if (holdsData(this.db)) this.updateMeta({ database: { ...rec, hadData: true } });
    } catch {
      // unreadable now: the next open looks again
    }
  }

  /** Creates the folder, its settings file and a migrated database. */
  static create(dir: string, init: { name: string; isDemo?: boolean; demoSize?: DemoSize | null; id?: string }): Workspace {
    if (existsSync(join(dir, META_FILE))) throw new SkvozError('conflict', `В папке ${dir} уже есть рабочее пространство.`);
    mkdirSync(dir, { recursive: true });
    const meta: WorkspaceMeta = {
      id: init.id ?? randomUUID(),
      name: init.name,
      isDemo: init.isDemo ?? false,
      demoSize: init.demoSize ?? null,
      createdAt: new Date().toISOString(),
      settings: SettingsSchema.parse({}),
      views: [],
      database: null,
      integrity: null,
    };
    writeJsonAtomic(join(dir, META_FILE), meta);
    return new Workspace(dir, meta);
  }

  static open(dir: string, opts: OpenWorkspaceOptions = {}): Workspace {
    return new Workspace(dir, readMeta(dir), opts);
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, META_FILE));
  }

  get meta(): WorkspaceMeta {
    return this.metaValue;
  }

  get settings(): Settings {
    return this.metaValue.settings;
  }

  updateMeta(patch: Partial<Omit<WorkspaceMeta, 'id'>>): WorkspaceMeta {
    this.metaValue = { ...this.metaValue, ...patch };
    writeJsonAtomic(join(this.dir, META_FILE), this.metaValue);
    return this.metaValue;
  }

  summary(): WorkspaceSummary {
    const tz = this.settings.timeZone;
    const sync = this.db.prepare('SELECT max(last_success_at) AS t FROM sync_status').get() as { t: number | null };
    // one min() or max() per SELECT, so SQLite answers each from its index instead of a table scan
    // (the aggregate over the four then skips the tables that are empty)
    const SOURCES = [['b24_lead', 'created_at'], ['b24_deal', 'created_at'], ['ct_call', 'at'], ['ct_request', 'at']];
    const ends = (fn: 'min' | 'max') => SOURCES.map(([table, col]) => `SELECT (SELECT ${fn}(${col}) FROM ${table}) AS v`).join(' UNION ALL ');
    const range = this.db
      .prepare(`SELECT (SELECT min(v) FROM (${ends('min')})) AS a, (SELECT max(v) FROM (${ends('max')})) AS b`)
      .get() as { a: number | null; b: number | null };
    return {
      id: this.meta.id,
      name: this.meta.name,
      isDemo: this.meta.isDemo,
      createdAt: this.meta.createdAt,
      lastSyncAt: sync.t === null ? null : new Date(sync.t).toISOString(),
      dataFrom: range.a === null ? null : instantToDate(range.a, tz),
      dataTo: range.b === null ? null : instantToDate(range.b, tz),
    };
  }

  close(): void {
    if (this.writable) this.noteData();
    try {
      closeDatabase(this.db);
    } finally {
      this.dispose();
      if (this.marker) markClosed(this.marker);
    }
  }
}

/** Many workspaces under one root folder, plus which one was open last. */
export class WorkspaceRegistry {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  private statePath(): string {
    return join(this.root, 'state.json');
  }

  dirOf(id: string): string {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(id)) throw notFound('Рабочее пространство не найдено.');
    return join(this.root, id);
  }

  ids(): string[] {
    return readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && Workspace.exists(join(this.root, e.name)))
      .map((e) => e.name);
  }

  metas(): WorkspaceMeta[] {
    const out: WorkspaceMeta[] = [];
    for (const id of this.ids()) {
      try {
        out.push(readMeta(this.dirOf(id)));
      } catch {
        // a damaged folder is skipped in the list; opening it reports the problem
      }
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  lastOpened(): string | null {
    try {
      const s = JSON.parse(readFileSync(this.statePath(), 'utf8')) as { current?: unknown };
      return typeof s.current === 'string' && this.ids().includes(s.current) ? s.current : null;
    } catch {
      return null;
    }
  }

  setLastOpened(id: string | null): void {
    writeJsonAtomic(this.statePath(), { current: id });
  }

  remove(id: string): void {
    rmSync(this.dirOf(id), { recursive: true, force: true });
  }
}
