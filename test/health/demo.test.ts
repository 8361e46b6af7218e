// Data health on the small demo workspace (loaded through the real map + store code): the counts
// agree with the reports over all time, and paging the records gives exactly the counted ones.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthRecordsSchema, ReportQuerySchema, type HealthCheckKey, type HealthRecord, type HealthSummary } from '../../src-shared/contract';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';
import { healthRecords, healthSummary } from '../../src-main/engine/health';
import { runReport } from '../../src-main/engine/reports/query';
import type { Workspace } from '../../src-main/engine/workspace';

const NOW = Date.parse('2026-04-05T09:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'skvoz-health-demo-'));
let ws: Workspace;
let summary: HealthSummary;

beforeAll(async () => {
  ({ ws } = await createDemoWorkspace(join(dir, 'ws'), { name: 'Демо', size: 'small', seed: 2, now: NOW }));
  summary = healthSummary(ws, NOW);
});
afterAll(() => {
  ws?.close();
  rmSync(dir, { recursive: true, force: true });
});

const check = (key: HealthCheckKey) => summary.checks.find((c) => c.key === key)!;

function all(key: HealthCheckKey, reason?: 'no_contact' | 'no_match' | 'outside_window'): HealthRecord[] {
  const out: HealthRecord[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = healthRecords(ws, HealthRecordsSchema.parse({ check: key, reason, offset, limit: 200 }));
    out.push(...page.items);
    if (page.items.length < 200) return out;
  }
}

describe('data health on the demo workspace', () => {
  it('agrees with the all-time report: leads, deals and the unattributed row', () => {
    const s = ws.summary();
    const r = runReport(ws, ReportQuerySchema.parse({ from: s.dataFrom, to: s.dataTo, groupBy: ['source'] }));
    const un = r.rows.find((x) => x.unattributed);
    expect(check('unattributed_leads').total).toBeGreaterThan(500);
    expect(r.totals.leads).toBeCloseTo(check('unattributed_leads').total, 6);
    expect(r.totals.deals).toBeCloseTo(check('unattributed_deals').total, 6);
    expect(un?.leads ?? 0).toBeCloseTo(check('unattributed_leads').count, 6);
    expect(un?.deals ?? 0).toBeCloseTo(check('unattributed_deals').count, 6);
    expect(check('leads_without_utm').total).toBe(check('unattributed_leads').total);
  });

  it('pages through exactly the counted records, each once, each really offending', () => {
    for (const c of summary.checks) {
      if (c.reasons) {
        for (const [reason, n] of Object.entries(c.reasons)) {
          const rows = all(c.key, reason as 'no_contact');
          expect(rows.length, `${c.key}/${reason}`).toBe(n);
          expect(rows.every((x) => x.reason === reason)).toBe(true);
        }
        continue;
      }
      const rows = all(c.key);
      expect(rows.length, c.key).toBe(c.count);
      expect(new Set(rows.map((x) => x.id ?? x.title)).size).toBe(rows.length);
    }
    for (const d of all('duplicate_phones')) expect(d.leadIds.length).toBeGreaterThan(1);
    for (const d of all('deals_without_amount')) expect(d.amount).toBe(0);
    // an unmatched deal: none of its lead's or contacts' phones/e-mails is on a call or request
    const matched = ws.db.prepare(
      `SELECT count(*) AS n FROM ident i JOIN ident c ON c.value = i.value AND c.owner IN ('call', 'request')
        WHERE (i.owner = 'lead' AND i.owner_id = @lead)
           OR (i.owner = 'contact' AND i.owner_id IN (SELECT contact_id FROM b24_deal_contact WHERE deal_id = @deal))`,
    );
    const unmatched = all('deals_unmatched');
    expect(unmatched.length).toBeGreaterThan(0);
    for (const d of unmatched.slice(0, 100)) expect((matched.get({ lead: d.leadIds[0] ?? -1, deal: d.id }) as { n: number }).n).toBe(0);
  });
});
