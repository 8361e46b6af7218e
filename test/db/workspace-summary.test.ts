// The workspace's data range (first and last day with data) shown in the header and used as the
// anchor of the period presets: over leads, deals, calls and requests, skipping empty tables.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Workspace } from '../../src-main/engine/workspace';

const at = (iso: string) => Date.parse(iso);

describe('workspace summary', () => {
  it('has no range when empty, and spans every source otherwise, in the reporting time zone', () => {
    const ws = Workspace.create(join(mkdtempSync(join(tmpdir(), 'skvoz-sum-')), 'ws'), { name: 'Сводка' });
    expect(ws.summary()).toMatchObject({ dataFrom: null, dataTo: null, lastSyncAt: null });

    // calls only: the other tables are empty and must not hide the range
    ws.db.prepare("INSERT INTO ct_call (site_id, call_id, at, raw) VALUES (1, 1, ?, '{}')").run(at('2026-03-10T10:00:00Z'));
    expect(ws.summary()).toMatchObject({ dataFrom: '2026-03-10', dataTo: '2026-03-10' });

    ws.db.prepare('INSERT INTO b24_lead (id, created_at, modified_at) VALUES (1, ?, ?)').run(at('2026-01-31T21:30:00Z'), 0);
    ws.db.prepare('INSERT INTO b24_deal (id, created_at, modified_at) VALUES (1, ?, ?)').run(at('2026-04-01T08:00:00Z'), 0);
    ws.db.prepare("INSERT INTO ct_request (site_id, request_id, at, raw) VALUES (1, 1, ?, '{}')").run(at('2026-04-02T20:59:00Z'));
    // 21:30 UTC on 31 Jan is 1 Feb in Moscow; 20:59 UTC on 2 Apr is still 2 Apr (23:59 MSK)
    expect(ws.summary()).toMatchObject({ dataFrom: '2026-02-01', dataTo: '2026-04-02' });
    ws.close();
  });
});
