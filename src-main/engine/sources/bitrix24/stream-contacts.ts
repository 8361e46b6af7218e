// Contacts of synced deals: crm.contact.list with `@ID` chunks of ≤ 50 ids (one page each,
// §6), PHONE and EMAIL selected explicitly, 50 chunks per batch (2,500 contacts per request).
// Which ids to ask for is read from the database itself — linked by b24_deal_contact but not
// in b24_contact — so a crash can never lose the to-do list. A full run also re-reads every
// linked contact, walking the ids upwards with a cursor (bitrix24/contact_refresh).
import type { Db } from '../../db/open';
import { clearCursors, readCursorJson, saveCursor } from '../../sync/cursor';
import { prepared } from '../sql';
import type { SubCall } from './batch';
import { CONTACT, mapContacts, writeContacts } from './entities';
import { markContactsMissing } from './store';
import { rowsById, SOURCE } from './stream-scan';
import { failedCalls, subResult, type Run, type Round, type Settled, type Stream } from './stream';

export const REFRESH_SCOPE = 'contact_refresh';

const MISSING =
  'SELECT DISTINCT dc.contact_id AS id FROM b24_deal_contact dc ' +
  'WHERE NOT EXISTS (SELECT 1 FROM b24_contact c WHERE c.id = dc.contact_id) ORDER BY dc.contact_id LIMIT ?';
const LINKED_AFTER = 'SELECT DISTINCT contact_id AS id FROM b24_deal_contact WHERE contact_id > ? ORDER BY contact_id LIMIT ?';

export function contactCalls(prefix: string, chunks: readonly number[][], select = CONTACT.select): SubCall[] {
  return chunks.map((ids, i) => ({
    key: `${prefix}${i}`,
    method: CONTACT.method,
    params: { select, filter: { '@ID': ids }, order: { ID: 'ASC' }, start: -1 },
  }));
}

export function chunk(ids: readonly number[], size = 50): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export class ContactFetchStream implements Stream {
  readonly entity = 'contacts';
  private refresh: { afterId: number } | null;
  private planned: { calls: SubCall[]; chunks: number[][] } | null = null;
  private refreshEnded = false;
  private idle = false;
  private read = 0;

  constructor(
    private readonly run: Run,
    /** deals stream finished: no new links will appear this run */
    private readonly upstreamDone: () => boolean,
  ) {
    this.refresh = readCursorJson<{ afterId: number }>(run.db, SOURCE, REFRESH_SCOPE);
  }

  active(): boolean {
    return !this.idle;
  }

  private ids(limit: number): number[] {
    const db = this.run.db;
    if (this.refresh) return (prepared(db, LINKED_AFTER).all(this.refresh.afterId, limit) as { id: number }[]).map((r) => r.id);
    return (prepared(db, MISSING).all(limit) as { id: number }[]).map((r) => r.id);
  }

  plan(room: number): SubCall[] {
    this.planned = null;
    if (room <= 0) return [];
    const upstreamDone = this.upstreamDone();
    const ids = this.ids(room * 50);
    if (ids.length === 0) {
      if (this.refresh) this.refreshEnded = true;
      else if (upstreamDone) this.idle = true;
      return [];
    }
    const chunks = chunk(ids);
    const calls = contactCalls('C', chunks);
    this.planned = { calls, chunks };
    return calls;
  }

  async settle(round: Round): Promise<Settled> {
    const planned = this.planned;
    this.planned = null;
    if (this.refreshEnded) {
      this.refreshEnded = false;
      return {
        read: 0,
        write: (db) => (clearCursors(db, SOURCE, REFRESH_SCOPE), 0),
        after: () => (this.refresh = null),
      };
    }
    if (!planned) return null;
    const { failed, retry } = failedCalls(this.run, planned.calls, round);
    // failed chunks stay missing and are asked again; a refresh walk advances only past the
    // chunks before the first failure
    const firstFailed = planned.calls.findIndex((c) => failed.has(c.key));
    const upto = this.refresh && firstFailed >= 0 ? firstFailed : planned.chunks.length;
    if (retry && (upto === 0 || failed.size === planned.calls.length)) return { retry };
    const raws: unknown[] = [];
    const gone: number[] = [];
    planned.chunks.slice(0, upto).forEach((ids, i) => {
      const key = planned.calls[i]?.key ?? '';
      if (failed.has(key)) return;
      const page = rowsById(CONTACT, subResult(round, key));
      raws.push(...page.raws);
      const got = new Set(page.ids);
      for (const id of ids) if (!got.has(id)) gone.push(id);
    });
    const rows = mapContacts(raws, this.run.log);
    const last = planned.chunks[upto - 1];
    const afterId = last?.[last.length - 1] ?? 0;
    const refresh = this.refresh ? { afterId } : null;
    return {
      read: raws.length,
      retry: retry ?? undefined,
      write: (db: Db) => {
        let n = rows.length ? writeContacts(db, rows) : 0;
        if (gone.length) n += markContactsMissing(db, gone);
        if (refresh) saveCursor(db, SOURCE, REFRESH_SCOPE, refresh);
        return n;
      },
      after: () => {
        this.read += raws.length;
        if (refresh) this.refresh = refresh;
      },
    };
  }

  progress(): { done: number; total: number | null } {
    return { done: this.read, total: this.idle ? this.read : null };
  }
}
