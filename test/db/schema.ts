// Reads the schema of a database in a stable, diffable form.
import type Database from 'better-sqlite3';

export interface SchemaSnapshot {
  version: number;
  tables: Record<string, { columns: string[]; indexes: string[]; withoutRowid: boolean }>;
}

export function snapshot(db: Database.Database): SchemaSnapshot {
  const tables: SchemaSnapshot['tables'] = {};
  const rows = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string; sql: string }[];
  for (const t of rows) {
    const columns = (db.prepare(`SELECT * FROM pragma_table_info(?)`).all(t.name) as {
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }[]).map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}${c.dflt_value !== null ? ` DEFAULT ${c.dflt_value}` : ''}${c.pk ? ` PK${c.pk}` : ''}`);
    const indexes = (db.prepare(`SELECT name, "unique", partial FROM pragma_index_list(?) ORDER BY name`).all(t.name) as {
      name: string;
      unique: number;
      partial: number;
    }[]).map((i) => {
      const cols = (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(i.name) as { name: string | null }[])
        .map((c) => c.name ?? '<expr>')
        .join(',');
      return `${i.name}(${cols})${i.unique ? ' UNIQUE' : ''}${i.partial ? ' PARTIAL' : ''}`;
    });
    tables[t.name] = { columns, indexes, withoutRowid: /WITHOUT ROWID\s*$/i.test(t.sql.trim()) };
  }
  return { version: db.pragma('user_version', { simple: true }) as number, tables };
}
