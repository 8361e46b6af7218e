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
  };
}

export interface OpenWorkspaceOptions {
  /**
   * The caller only reads (reports, exports, lists): a workspace this process may not write is
   * then read as it is (db/snapshot.ts) instead of refused.
   */
  readOnly?: boolean;
}

export class Workspace {
  readonly db: Db;
  private metaValue: WorkspaceMeta;
  private dispose = () => {};

  private constructor(
    readonly dir: string,
    meta: WorkspaceMeta,
    opts: OpenWorkspaceOptions = {},
  ) {
    this.metaValue = meta;
    const file = join(dir, DB_FILE);
    if (canWrite(file)) this.db = openDatabase(file);
    else if (opts.readOnly) ({ db: this.db, dispose: this.dispose } = openReadOnly(file));
    else {
      throw new SkvozError(
        'invalid_input',
        `Рабочее пространство в ${dir} доступно только для чтения (нет прав на запись в папку или файлы), а эта команда его меняет.`,
      );
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
    try {
      closeDatabase(this.db);
    } finally {
      this.dispose();
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
