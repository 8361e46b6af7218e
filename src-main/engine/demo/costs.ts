// Daily ad costs of the paid campaigns (the rows a Yandex Metrica–style CSV import produces):
// spend follows the expected leads of the campaign that day times its target CPL, with noise.
// Yandex search campaigns report per keyword (term), the rest per campaign — never both for
// one campaign, so sums never double-count.
import { WORLD_DAYS } from './calendar';
import { CHANNELS } from './catalog';
import { rngFor, TAG } from './rng';
import type { World } from './world';

export interface DemoCostRow {
  day: string;
  source: string;
  medium: string;
  campaign: string;
  content?: string;
  term?: string;
  /** RUB, two decimals */
  amount: number;
  currency: 'RUB';
}

/** share of each term under World.place's skew (floor of an exponential with mean n / 2.5) */
function termShares(n: number): number[] {
  const q = Math.exp(-2.5 / n);
  const out: number[] = [];
  for (let i = 0; i < n - 1; i++) out.push(Math.pow(q, i) * (1 - q));
  out.push(Math.pow(q, n - 1));
  return out;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function* costPages(w: World, pageSize: number): Generator<DemoCostRow[]> {
  let page: DemoCostRow[] = [];
  const totalWeight = CHANNELS.reduce((s, c) => s + c.weight, 0);
  for (let d = 0; d < WORLD_DAYS; d++) {
    const rng = rngFor(w.seed, TAG.cost, d);
    const day = w.cal.days[d] ?? '';
    const f = d / WORLD_DAYS;
    for (const ch of CHANNELS) {
      if (!ch.paid) continue;
      const running = ch.campaigns.filter((c) => f >= (c.from ?? 0) && f < (c.to ?? 2));
      const campWeight = running.reduce((s, c) => s + c.weight, 0);
      for (const camp of running) {
        if (!camp.name) continue;
        const leads = ((w.cal.volume[d] ?? 0) * 0.97 * ch.weight * camp.weight) / (totalWeight * campWeight);
        const spend = leads * camp.cpl * rng.logNormal(1, 0.22);
        if (camp.termCosts && camp.terms.length) {
          termShares(camp.terms.length).forEach((share, i) => {
            const amount = round2(spend * share * rng.logNormal(1, 0.15));
            if (amount > 0) page.push({ day, source: ch.source, medium: ch.medium, campaign: camp.name ?? '', term: camp.terms[i], amount, currency: 'RUB' });
          });
        } else {
          const amount = round2(spend);
          if (amount > 0) page.push({ day, source: ch.source, medium: ch.medium, campaign: camp.name, amount, currency: 'RUB' });
        }
        while (page.length >= pageSize) {
          yield page.slice(0, pageSize);
          page = page.slice(pageSize);
        }
      }
    }
  }
  while (page.length) {
    yield page.slice(0, pageSize);
    page = page.slice(pageSize);
  }
}
