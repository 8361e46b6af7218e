// The packaged app runs the full recompute's reader from the build (out/main/attribution-reader.js,
// found next to engine-worker.js); unit tests run it from source. `npm run test:e2e` builds first.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { fullInputs } from '../../src-main/engine/attribution/full-inputs';
import { threadedInputs } from '../../src-main/engine/attribution/reader-thread';
import { createDemoWorkspace } from '../../src-main/engine/demo/workspace';

const BUILT = join(import.meta.dirname, '../../out/main/attribution-reader.js');

it('the built reader thread reads the same conversions as this thread', async () => {
  expect(existsSync(BUILT)).toBe(true);
  const dir = join(mkdtempSync(join(tmpdir(), 'skvoz-built-reader-')), 'ws');
  const { ws } = await createDemoWorkspace(dir, { name: 'Демо', size: 'small', seed: 3, now: Date.parse('2026-03-31T12:00:00Z') });
  try {
    const here = [...fullInputs(ws.db, ws.settings)];
    const built = [...threadedInputs(ws.db, ws.settings, pathToFileURL(BUILT).href)];
    expect(here.filter((m) => m.t === 'chunk').reduce((n, m) => n + m.n, 0)).toBeGreaterThan(2_000);
    expect(built).toEqual(here);
  } finally {
    ws.close();
  }
});
