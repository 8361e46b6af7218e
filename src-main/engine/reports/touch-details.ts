// What a call or request carried beyond UTM (issue 19): city, device, landing page, referrer,
// visitor and Yandex Direct ids, for the deal drawer's touch timeline (reports:explain).
import { ENRICHMENT_COLUMNS, ENRICHMENT_FIELDS, type Enrichment } from '@shared/enrich';
import type { Db } from '../db/open';

const TABLE = { call: 'ct_call', request: 'ct_request' } as const;
const SELECT = ENRICHMENT_FIELDS.map((f) => `${ENRICHMENT_COLUMNS[f]} AS ${f}`).join(', ');

/** The enrichment of touches by kind and local id; null for other kinds and records that are gone. */
export function touchDetails(db: Db): (kind: string, id: number) => Enrichment | null {
  const stmts = new Map<string, ReturnType<Db['prepare']>>();
  return (kind, id) => {
    const table = TABLE[kind as keyof typeof TABLE];
    if (!table) return null;
    let st = stmts.get(table);
    if (!st) stmts.set(table, (st = db.prepare(`SELECT ${SELECT} FROM ${table} WHERE id = ?`)));
    return (st.get(id) as Enrichment | undefined) ?? null;
  };
}
