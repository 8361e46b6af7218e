// Fake Calltouch on 127.0.0.1 (port 0) for tests and benchmarks.
//
//   const fake = await startFakeCalltouch({ sites: [{ siteId: 43769, token: 't1' }] });
//   seedFromDemo(fake.data, generateDemo({ size: 'small', seed: 1, now }), 43769, '2026-02-01');
//   … SKVOZ_CALLTOUCH_BASE_URL = fake.url …
//   fake.server.setFaults({ fraction: 0.2 });     // 5xx, HTML with 200, truncated JSON, resets, slow
//   fake.server.rps = null;                        // per-IP limit off (default 5 → 429)
//   mutateAfterTheFact(fake.data, 43769, '2026-03-29');
//   fake.server.stats / fake.server.log            // counters, 429s, the queries received
//   await fake.close();
//
// More API families (lead-service client-order/create|update, the orders diary) plug in from
// their own files: `fake.server.route({ name, method, pattern, handler })`.
import { MemoryDataset, type CtDataset } from './data';
import { readApiRoutes, type FakeSite, type ReadApiOptions } from './read-api';
import { FakeServer } from './server';

export { MemoryDataset, mutateAfterTheFact, seedFromDemo, type CtDataset } from './data';
export { authorize, type FakeSite } from './read-api';
export { FakeServer, type FakeRequest, type FakeResponse, type FaultConfig, type FaultKind, type Route } from './server';

export interface FakeCalltouchOptions<D extends CtDataset = MemoryDataset> {
  sites: FakeSite[];
  /** default: an empty MemoryDataset */
  data?: D;
  /** per-IP limit, requests per second; null = off (default 5, as Calltouch) */
  rps?: number | null;
  maxCallsRangeDays?: ReadApiOptions['maxCallsRangeDays'];
}

export interface FakeCalltouch<D extends CtDataset = MemoryDataset> {
  url: string;
  server: FakeServer;
  data: D;
  sites: FakeSite[];
  close(): Promise<void>;
}

export async function startFakeCalltouch<D extends CtDataset = MemoryDataset>(opts: FakeCalltouchOptions<D>): Promise<FakeCalltouch<D>> {
  const data = (opts.data ?? new MemoryDataset()) as D;
  const server = new FakeServer();
  server.rps = opts.rps === undefined ? 5 : opts.rps;
  for (const r of readApiRoutes({ sites: opts.sites, data, maxCallsRangeDays: opts.maxCallsRangeDays })) server.route(r);
  const url = await server.listen();
  return { url, server, data, sites: opts.sites, close: () => server.close() };
}
