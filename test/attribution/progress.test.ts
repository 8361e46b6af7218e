// A full attribution recompute (first open, rules changed) reports progress as the engine event
// `attribution:progress`, whichever call brings it about; an up-to-date workspace reports nothing.
import { describe, expect, it } from 'vitest';
import type { EventPayloads } from '@shared/contract';
import { Engine } from '../../src-main/engine/engine';
import { MemorySecrets } from '../../src-main/engine/secrets';
import { Fixture, msk } from '../reports/fixture';

describe('attribution:progress', () => {
  it('is emitted from start to finish of every full recompute, and not otherwise', async () => {
    const f = new Fixture();
    for (let i = 1; i <= 5; i++) f.lead(i, msk(`2026-03-0${i}`), { utm: ['yandex', 'cpc', `c${i}`] });
    f.deal(10, msk('2026-03-06'), { leadId: 1, amount: '1000' });
    const dir = f.ws.dir;
    f.ws.close();
    const events: EventPayloads['attribution:progress'][] = [];
    const engine = new Engine({
      workspaceDir: dir,
      secrets: new MemorySecrets(),
      emit: (name, payload) => {
        if (name === 'attribution:progress') events.push(payload as EventPayloads['attribution:progress']);
      },
    });
    const query = { from: '2026-03-01', to: '2026-03-31', groupBy: ['source'] };
    expect((await engine.dispatch('reports:query', query)).ok).toBe(true);
    // the first open computes everything: 5 leads + 1 deal
    expect(events[0]).toEqual({ done: 0, total: 0, finished: false });
    expect(events.at(-1)).toEqual({ done: 6, total: 6, finished: true });
    expect(events.filter((e) => e.finished)).toHaveLength(1);

    events.length = 0;
    expect((await engine.dispatch('reports:query', query)).ok).toBe(true);
    expect(events).toEqual([]);

    // a rule that changes every conversion's touches: the next report recomputes in full, with progress
    expect((await engine.dispatch('settings:update', { lookbackDays: 30 })).ok).toBe(true);
    expect((await engine.dispatch('health:summary', undefined)).ok).toBe(true);
    expect(events.at(-1)).toEqual({ done: 6, total: 6, finished: true });
    await engine.close();
  });
});
