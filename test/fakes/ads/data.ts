// Deterministic ad costs for the fake Yandex Direct and VK Ads: campaigns with ids and names, and a
// cost / impressions / clicks figure for every campaign and day (some days without delivery).
import { addDays } from '@shared/time';

export interface FakeCampaign {
  id: string;
  name: string;
}

export interface FakeCostDay {
  day: string;
  campaignId: string;
  impressions: number;
  clicks: number;
  /** in the account currency, 2 decimals */
  cost: number;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export class AdDataset {
  /** per-day overrides (a platform corrected a day after the fact) */
  readonly corrections = new Map<string, number>();
  constructor(
    readonly campaigns: FakeCampaign[],
    readonly firstDay: string,
    readonly seed = 1,
  ) {}

  static make(prefix: string, n: number, firstDay: string, seed = 1, idBase = 81_000_000): AdDataset {
    const names = ['Диваны Москва', 'Кухни — поиск', 'Шкафы РСЯ', 'Матрасы; ретаргетинг', 'Бренд', 'Кресла "лофт"'];
    const campaigns = Array.from({ length: n }, (_, i) => ({ id: String(idBase + i), name: `${prefix} ${names[i % names.length]} ${i + 1}` }));
    return new AdDataset(campaigns, firstDay, seed);
  }

  /** The figure of one campaign and day, or null when it did not run that day. */
  day(campaignId: string, day: string): FakeCostDay | null {
    if (day < this.firstDay) return null;
    const h = hash(`${this.seed}:${campaignId}:${day}`);
    if (h % 7 === 0) return null; // no delivery
    const impressions = 200 + (h % 20_000);
    const clicks = Math.floor(impressions * ((h >>> 8) % 40) / 1000);
    const corrected = this.corrections.get(`${campaignId}:${day}`);
    const cost = corrected ?? Math.round(clicks * (10 + ((h >>> 16) % 5000) / 100) * 100) / 100;
    return { day, campaignId, impressions, clicks, cost };
  }

  rows(from: string, to: string, ids?: Set<string>): FakeCostDay[] {
    const out: FakeCostDay[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) {
      for (const c of this.campaigns) {
        if (ids && !ids.has(c.id)) continue;
        const r = this.day(c.id, d);
        if (r) out.push(r);
      }
    }
    return out;
  }

  name(id: string): string {
    return this.campaigns.find((c) => c.id === id)?.name ?? '';
  }
}

/** The same costs as a costs CSV of `layout` (for the CSV vs API comparison). */
export function costsCsv(data: AdDataset, from: string, to: string, source: string, medium: string): string {
  const q = (s: string) => (/[;"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['Дата;Источник;Канал;Кампания;Расход;Показы;Клики'];
  for (const r of data.rows(from, to)) {
    const [y, m, d] = r.day.split('-');
    lines.push([`${d}.${m}.${y}`, source, medium, q(data.name(r.campaignId)), r.cost.toFixed(2).replace('.', ','), r.impressions, r.clicks].join(';'));
  }
  return `${lines.join('\r\n')}\r\n`;
}
