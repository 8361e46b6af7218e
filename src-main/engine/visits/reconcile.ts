// Finding out whether orders whose create may have reached Calltouch are there (issue 7 item 3):
// the deals journal (orders-diary, filtered by orderDate, dd/mm/yyyy; reference §4) is read for
// the days the orders are dated; if the journal is unusable for this token (any 4xx but 429: the
// read API may be closed to it while the write API is not), each order is probed with a minimal
// client-order/update by orderNumber instead — an existing order answers with its id, a missing
// one with a per-order «не найдена» error. Anything else leaves the order unknown (retry later).
// Never "create again blindly": an order is re-created only after a lookup that answered and did
// not list it.
import { addDays, instantToDate } from '@shared/time';
import { probeOrder, type OrderFacts } from './calltouch-orders';
import type { LeadServiceClient, Outcome } from './lead-service';

export type Presence = { found: true; id: string | null } | { found: false };

export interface LookupResult {
  /** orderNumber → presence; absent when unknown */
  presence: Map<string, Presence>;
  /** why some orders stay unknown (null when every order was answered for) */
  error: { message: string; auth: boolean; waitMs: number | null } | null;
  requests: number;
  via: 'journal' | 'probe';
}

/** Days with orders merged into ranges (gaps ≤ 3 days joined), widened by a day on each side. */
export function journalRanges(days: readonly string[]): { from: string; to: string }[] {
  const sorted = [...new Set(days)].sort();
  const out: { from: string; to: string }[] = [];
  for (const d of sorted) {
    const last = out[out.length - 1];
    if (last && addDays(last.to, -1) >= addDays(d, -3)) last.to = addDays(d, 1);
    else out.push({ from: addDays(d, -1), to: addDays(d, 1) });
  }
  return out;
}

const MAX_PAGES = 200;
const NOT_FOUND = /не\s*найден|не\s*существ|отсутств|not\s*found|does\s*not\s*exist|unknown\s*order|no\s*such/i;
const EXISTS = /уже\s*существ|already\s*exist|duplicate|дубл/i;

/** A per-order create error that means "this orderNumber is already there". */
export function isDuplicateError(error: string): boolean {
  return EXISTS.test(error);
}

function journalUnusable(o: Outcome<unknown>): boolean {
  return o.kind === 'invalid' || (o.kind === 'definitive' && (o.status === 401 || o.status === 403 || o.status === 404));
}

export async function lookupOrders(
  client: LeadServiceClient,
  facts: readonly OrderFacts[],
  tz: string,
  now: number,
  opts: { pageLimit: number; crm: string },
): Promise<LookupResult> {
  const wanted = new Set(facts.map((f) => f.orderNumber));
  const presence = new Map<string, Presence>();
  let requests = 0;
  const ranges = journalRanges(facts.map((f) => instantToDate(f.at, tz)));
  for (const range of ranges) {
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) {
        // a journal that never ends (paging ignored?) proves nothing: stay unknown
        const error = { message: 'Журнал сделок Calltouch не удалось прочитать до конца — проверим позже.', auth: false, waitMs: null };
        return { presence: new Map(), error, requests, via: 'journal' };
      }
      const r = await client.journal(range.from, range.to, page, opts.pageLimit);
      requests++;
      if (r.kind !== 'ok') {
        if (journalUnusable(r)) return probe(client, facts, tz, now, opts.crm, requests);
        return { presence: new Map(), error: failure(r), requests, via: 'journal' };
      }
      const p = r.value;
      for (const rec of p.records) if (wanted.has(rec.orderNumber)) presence.set(rec.orderNumber, { found: true, id: rec.orderId });
      // the last page: an unpaged answer, or a short page at or past pageTotal (a full page
      // always asks for the next one — a missing pageTotal must not end the search early)
      if (p.complete || p.records.length === 0 || (p.records.length < opts.pageLimit && page >= p.pageTotal)) break;
    }
  }
  // every range was read to the end: what is not there was not stored
  for (const n of wanted) if (!presence.has(n)) presence.set(n, { found: false });
  return { presence, error: null, requests, via: 'journal' };
}

function failure(r: Exclude<Outcome<unknown>, { kind: 'ok' }>): NonNullable<LookupResult['error']> {
  return { message: r.message, auth: r.kind === 'definitive' && r.auth, waitMs: r.kind === 'definitive' ? r.waitMs : null };
}

async function probe(client: LeadServiceClient, facts: readonly OrderFacts[], tz: string, now: number, crm: string, requests: number): Promise<LookupResult> {
  const presence = new Map<string, Presence>();
  let error: LookupResult['error'] = null;
  for (let i = 0; i < facts.length; i += 100) {
    const chunk = facts.slice(i, i + 100);
    const r = await client.update({ crm, orders: chunk.map((f) => probeOrder(f, tz, now)) });
    requests++;
    if (r.kind !== 'ok') {
      error = failure(r);
      break;
    }
    chunk.forEach((f, j) => {
      const res = r.value[j];
      if (!res) return;
      if (res.error === null) presence.set(f.orderNumber, { found: true, id: res.id });
      else if (NOT_FOUND.test(res.error)) presence.set(f.orderNumber, { found: false });
    });
  }
  if (!error && presence.size < facts.length) error = { message: 'Calltouch не ответил про часть сделок — проверим позже.', auth: false, waitMs: null };
  return { presence, error, requests, via: 'probe' };
}
