// Writes a generated demo world into a workspace database through the same map + store
// functions real sync uses, one transaction per page, yielding to the event loop between pages
// so progress events get out and a worker stays responsive.
import type { Db } from '../db/open';
import { createLogger } from '../log';
import { mapCategory, mapContact, mapCurrency, mapDeal, mapLead, mapStatus, mapUser } from '../sources/bitrix24/map';
import {
  upsertCategories,
  upsertContacts,
  upsertCurrencies,
  upsertDeals,
  upsertLeads,
  upsertStatuses,
  upsertUsers,
} from '../sources/bitrix24/store';
import { mapCall, mapRequest } from '../sources/calltouch/map';
import { upsertCalls, upsertRequests } from '../sources/calltouch/store';
import { prepared } from '../sources/sql';
import { DEMO_CT_TIME_ZONE, DEMO_SITE_ID, generateDemo, type DemoCostRow, type DemoEstimates } from './generate';
import type { DemoOptions, DemoStats } from './index';

const log = createLogger('demo');

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const COST_SQL =
  'INSERT OR REPLACE INTO cost (day, source, medium, campaign, content, term, amount, currency, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';

function insertCosts(db: Db, batchId: number, rows: readonly DemoCostRow[]): number {
  const st = prepared(db, COST_SQL);
  for (const r of rows) st.run(r.day, r.source, r.medium, r.campaign, r.content ?? '', r.term ?? '', r.amount, r.currency, batchId);
  return rows.length;
}

export async function loadDemo(db: Db, opts: DemoOptions): Promise<DemoStats> {
  const started = Date.now();
  const gen = generateDemo({ size: opts.size, seed: opts.seed, now: opts.now, timeZone: opts.timeZone });
  const est: DemoEstimates = gen.estimates;
  const stats: DemoStats = { leads: 0, deals: 0, contacts: 0, calls: 0, requests: 0, costRows: 0 };
  const progress = (stage: string, done: number, total: number) => opts.onProgress?.({ stage, done, total: Math.max(total, done) });

  async function stream<Raw, Row>(
    stage: keyof DemoStats,
    pages: Iterable<Raw[]>,
    map: (r: Raw) => Row,
    upsert: (db: Db, rows: Row[]) => number,
  ): Promise<void> {
    const write = db.transaction((rows: Row[]) => upsert(db, rows));
    progress(stage, 0, est[stage]);
    for (const page of pages) {
      write(page.map(map));
      stats[stage] += page.length;
      progress(stage, stats[stage], est[stage]);
      await yieldToLoop();
    }
  }

  const d = gen.dictionaries;
  progress('dictionaries', 0, 1);
  db.transaction(() => {
    upsertStatuses(db, d.statuses.map(mapStatus));
    upsertCategories(db, d.categories.map(mapCategory));
    upsertCurrencies(db, d.currencies.map(mapCurrency));
    upsertUsers(db, d.users.map(mapUser));
  })();
  progress('dictionaries', 1, 1);

  await stream('leads', gen.leads(), mapLead, upsertLeads);
  await stream('contacts', gen.contacts(), mapContact, upsertContacts);
  await stream('deals', gen.deals(), (r) => mapDeal(r), upsertDeals);
  await stream('calls', gen.calls(DEMO_SITE_ID), (r) => mapCall(r, DEMO_SITE_ID, DEMO_CT_TIME_ZONE), upsertCalls);
  await stream('requests', gen.requests(DEMO_SITE_ID), (r) => mapRequest(r, DEMO_SITE_ID, DEMO_CT_TIME_ZONE), upsertRequests);

  const batchId = Number(
    prepared(db, 'INSERT INTO cost_batch (origin, file_name, imported_at, rows) VALUES (?, NULL, ?, 0)').run('demo', gen.now).lastInsertRowid,
  );
  await stream('costRows', gen.costs(), (r) => r, (db2, rows) => insertCosts(db2, batchId, rows));
  db.transaction(() => {
    prepared(db, 'UPDATE cost_batch SET rows = ? WHERE id = ?').run(stats.costRows, batchId);
    const meta = {
      size: opts.size,
      seed: opts.seed,
      now: gen.now,
      timeZone: gen.timeZone,
      from: gen.from,
      to: gen.to,
      calltouch: { siteId: DEMO_SITE_ID, timeZone: DEMO_CT_TIME_ZONE },
      generator: 1,
    };
    prepared(db, 'INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('demo', JSON.stringify(meta));
  })();
  log.info(`demo ${opts.size} seed ${opts.seed} loaded in ${Date.now() - started} ms`, stats);
  return stats;
}
