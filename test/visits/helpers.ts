// Shared set-up for the offline-visit tests: a temporary workspace, the service wired to a fake
// lead-service on 127.0.0.1, and a controllable clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsSchema, VisitInputSchema, type Settings, type VisitCounts, type VisitInput } from '@shared/contract';
import { Workspace } from '../../src-main/engine/workspace';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { VisitService } from '../../src-main/engine/visits/service';
import type { SenderTuning } from '../../src-main/engine/visits/sender';
import { RateLimiter } from '../../src-main/engine/sources/calltouch/limiter';
import type { Logger } from '../../src-main/engine/log';
import { CalltouchOrdersFake } from '../fakes/calltouch-orders/server';

/** A logger that keeps lines in memory (tests stay quiet; lines can be asserted). */
export function memoryLogger(lines: string[] = []): Logger {
  const write = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  const log: Logger = { debug: write, info: write, warn: write, error: write, child: () => log };
  return log;
}

export const SITE = 43769;
export const TOKEN = 'ct-token-43769';

export function tmpDir(prefix = 'skvoz-visits-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function makeWorkspace(settings: Partial<Settings> = {}, dir = tmpDir()): Workspace {
  const ws = Workspace.create(join(dir, 'ws'), { name: 'Визиты' });
  const base = SettingsSchema.parse({});
  ws.updateMeta({
    settings: SettingsSchema.parse({
      ...base,
      calltouch: { ...base.calltouch, sites: [{ siteId: SITE, name: 'Салон', timeZone: 'Europe/Moscow', historyStart: null }] },
      ...settings,
    }),
  });
  return ws;
}

export class Clock {
  constructor(public t: number) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface Harness {
  ws: Workspace;
  service: VisitService;
  secrets: MemorySecrets;
  clock: Clock;
  events: VisitCounts[];
}

export const FAST: Partial<SenderTuning> = {
  timeoutMs: 400,
  settleMs: 1_000,
  backoffBaseMs: 1_000,
  backoffMaxMs: 8_000,
  random: () => 0.5,
};

export function harness(
  opts: { fake?: CalltouchOrdersFake; settings?: Partial<Settings>; token?: string | null; now?: number; tuning?: Partial<SenderTuning> } = {},
): Harness {
  const ws = makeWorkspace(opts.settings);
  const secrets = new MemorySecrets();
  if (opts.token !== null) secrets.set({ kind: 'calltouch_token', siteId: SITE }, opts.token ?? TOKEN);
  const clock = new Clock(opts.now ?? Date.parse('2026-05-21T09:00:00Z'));
  const events: VisitCounts[] = [];
  const service = new VisitService(ws, {
    secrets,
    overrides: opts.fake ? { calltouchBaseUrl: opts.fake.url } : {},
    now: clock.now,
    changed: (c) => events.push(c),
    tuning: { ...FAST, limiter: new RateLimiter(1000), ...opts.tuning },
    log: memoryLogger(),
  });
  return { ws, service, secrets, clock, events };
}

let seq = 0;

/** A valid visit (phones normalised by the shared schema, exactly as the form sends it). */
export function visitInput(over: Partial<VisitInput> = {}): ReturnType<typeof VisitInputSchema.parse> {
  seq++;
  return VisitInputSchema.parse({
    phones: [`+7916${String(seq).padStart(7, '0')}`],
    emails: [],
    at: '2026-05-20T14:30:00+03:00',
    revenue: '1000',
    ...over,
  });
}

export function outboxStates(ws: Workspace): Record<string, number> {
  const rows = ws.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as { state: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
