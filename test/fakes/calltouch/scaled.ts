// A large dataset that holds no records: every day's calls and requests are cloned on demand
// from a few thousand templates (the demo generator's records) with new ids and evenly spread
// times, so the benchmark can serve 200k calls + 50k requests in bounded memory.
import type { CtCallRaw, CtRequestRaw } from '../../../src-main/engine/sources/calltouch/api-types';
import { wallToInstant } from '../../../src-main/engine/sources/parse';
import { pad } from '@shared/time';
import type { CtDataset } from './data';

export interface ScaledOptions {
  siteId: number;
  /** the days served, ascending YYYY-MM-DD */
  days: string[];
  calls: number;
  requests: number;
  callTemplates: readonly CtCallRaw[];
  requestTemplates: readonly CtRequestRaw[];
  /** project zone of the wall clocks */
  timeZone: string;
}

interface DaySlot {
  index: number;
  first: number;
  count: number;
}

function spread(days: string[], total: number): Map<string, DaySlot> {
  const m = new Map<string, DaySlot>();
  days.forEach((d, i) => {
    const first = Math.floor((i * total) / days.length);
    const next = Math.floor(((i + 1) * total) / days.length);
    m.set(d, { index: i, first, count: next - first });
  });
  return m;
}

export class ScaledDataset implements CtDataset {
  private readonly callSlots: Map<string, DaySlot>;
  private readonly requestSlots: Map<string, DaySlot>;

  constructor(private readonly o: ScaledOptions) {
    if (!o.callTemplates.length || !o.requestTemplates.length) throw new Error('scaled dataset: no templates');
    this.callSlots = spread(o.days, o.calls);
    this.requestSlots = spread(o.days, o.requests);
  }

  private wall(day: string, k: number, count: number): { text: string; ms: number } {
    const secs = Math.floor(((k + 0.5) * 86_400) / count);
    const h = Math.floor(secs / 3600);
    const mi = Math.floor((secs % 3600) / 60);
    const s = secs % 60;
    const [y, mo, d] = [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
    return { text: `${pad(d)}/${pad(mo)}/${y} ${pad(h)}:${pad(mi)}:${pad(s)}`, ms: wallToInstant(y, mo, d, h, mi, s, this.o.timeZone) };
  }

  callCount(siteId: number, day: string): number {
    return siteId === this.o.siteId ? (this.callSlots.get(day)?.count ?? 0) : 0;
  }

  calls(siteId: number, day: string): readonly CtCallRaw[] {
    const slot = siteId === this.o.siteId ? this.callSlots.get(day) : undefined;
    if (!slot) return [];
    const t = this.o.callTemplates;
    const out: CtCallRaw[] = new Array<CtCallRaw>(slot.count);
    for (let k = 0; k < slot.count; k++) {
      const n = slot.first + k;
      const w = this.wall(day, k, slot.count);
      const tpl = t[(n * 7919) % t.length] as CtCallRaw;
      out[k] = { ...tpl, callId: 60_000_000 + n, date: w.text, timestamp: Math.floor(w.ms / 1000), siteId };
    }
    return out;
  }

  requests(siteId: number, day: string): readonly CtRequestRaw[] {
    const slot = siteId === this.o.siteId ? this.requestSlots.get(day) : undefined;
    if (!slot) return [];
    const t = this.o.requestTemplates;
    const out: CtRequestRaw[] = new Array<CtRequestRaw>(slot.count);
    for (let k = 0; k < slot.count; k++) {
      const n = slot.first + k;
      const w = this.wall(day, k, slot.count);
      const tpl = t[(n * 7919) % t.length] as CtRequestRaw;
      out[k] = { ...tpl, requestId: 9_000_000 + n, date: w.ms, dateStr: w.text, siteId };
    }
    return out;
  }
}
