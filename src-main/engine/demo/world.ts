// One demo world: size, seed, "now", the calendar, id schemes and the per-day volumes of
// everything that is not a lead. Holds no records — streams regenerate them from here.
import type { DemoSize } from '@shared/contract';
import { Calendar, Clock, WORLD_DAYS } from './calendar';
import { CHANNELS, USERS } from './catalog';
import { rngFor, TAG, type Rng } from './rng';

export interface SizeSpec {
  leads: number;
  /** multiplies each channel's lead → deal rate */
  dealFactor: number;
  /** deals of existing customers (no lead), per expected lead */
  repeatPerLead: number;
  /** existing customers (contacts created before the year) */
  legacyContacts: number;
  /** calls / form requests from people who never become leads, per expected lead */
  anonCallsPerLead: number;
  anonRequestsPerLead: number;
}

export const SIZES: Record<DemoSize, SizeSpec> = {
  small: { leads: 2_000, dealFactor: 1, repeatPerLead: 0.05, legacyContacts: 150, anonCallsPerLead: 0.78, anonRequestsPerLead: 0.14 },
  medium: { leads: 20_000, dealFactor: 1, repeatPerLead: 0.05, legacyContacts: 1_500, anonCallsPerLead: 0.78, anonRequestsPerLead: 0.14 },
  large: { leads: 1_200_000, dealFactor: 1.9, repeatPerLead: 0.33, legacyContacts: 250_000, anonCallsPerLead: 0.3, anonRequestsPerLead: 0.07 },
};

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

const CHANNEL_WEIGHTS = CHANNELS.map((c) => c.weight);
const CHANNEL_ANON_WEIGHTS = CHANNELS.map((c) => c.anonWeight);
const USER_WEIGHTS = USERS.map((u) => u.share);

export interface Placement {
  ch: number;
  camp: number;
  /** index into the campaign's contents, or -1 */
  content: number;
  /** index into the campaign's terms, or -1 */
  term: number;
}

/** Calltouch project time zone of the demo site: call dates and dateStr are Moscow wall time. */
export const DEMO_CT_TIME_ZONE = 'Europe/Moscow';

export class World {
  readonly cal: Calendar;
  /** wall clock of the Calltouch project (Bitrix24 dates use cal.clock, the world's zone) */
  readonly ctClock: Clock;
  readonly spec: SizeSpec;
  /** ids of legacy contacts are 11 … 10 + legacyContacts; lead contacts start after a gap */
  readonly contactBase: number;
  readonly anonPool: number;

  constructor(
    readonly size: DemoSize,
    readonly seed: number,
    readonly now: number,
    readonly tz: string,
  ) {
    this.spec = SIZES[size];
    this.cal = new Calendar(seed, now, tz, this.spec.leads);
    this.ctClock = tz === DEMO_CT_TIME_ZONE ? this.cal.clock : new Clock(DEMO_CT_TIME_ZONE);
    this.contactBase = 10 + this.spec.legacyContacts + 500;
    this.anonPool = Math.max(10, Math.round(this.spec.leads * (this.spec.anonCallsPerLead + this.spec.anonRequestsPerLead) * 0.8));
  }

  get days(): number {
    return WORLD_DAYS;
  }

  /** Bitrix24 lead id of lead number k: increasing, with gaps (deleted test leads) */
  leadId(k: number): number {
    return 1001 + k + Math.floor(k / 23);
  }

  /** contact created when lead k converted */
  leadContactId(k: number): number {
    return this.contactBase + k;
  }

  legacyContactId(r: number): number {
    return 11 + r;
  }

  private dayRng(tag: number, d: number): Rng {
    return rngFor(this.seed, tag, d);
  }

  /** number of repeat-customer deals created on day d */
  repeatCount(d: number): number {
    const rng = this.dayRng(TAG.repeatDay, d);
    return rng.round((this.cal.volume[d] ?? 0) * this.spec.repeatPerLead * (1 + 0.15 * rng.normal()));
  }

  /** anonymous calls and requests on day d */
  anonCounts(d: number): { calls: number; requests: number } {
    const rng = this.dayRng(TAG.anonDay, d);
    const v = this.cal.volume[d] ?? 0;
    const calls = rng.round(v * this.spec.anonCallsPerLead * (1 + 0.12 * rng.normal()));
    const requests = rng.round(v * this.spec.anonRequestsPerLead * (1 + 0.12 * rng.normal()));
    return { calls, requests };
  }

  pickUser(rng: Rng): number {
    return USERS[rng.weighted(USER_WEIGHTS)]?.id ?? 1;
  }

  private active(ch: number, camp: number, d: number): boolean {
    const c = CHANNELS[ch]?.campaigns[camp];
    if (!c) return false;
    const f = d / WORLD_DAYS;
    return f >= (c.from ?? 0) && f < (c.to ?? 2);
  }

  private readonly weightCache = new Map<number, number[]>();

  /** channel weights of day d (channels with a running campaign), then campaign weights per channel */
  private weightsOf(key: number, make: () => number[]): number[] {
    let w = this.weightCache.get(key);
    if (!w) {
      w = make();
      this.weightCache.set(key, w);
    }
    return w;
  }

  /** a channel with at least one campaign running on day d */
  pickChannel(rng: Rng, d: number, anon = false): number {
    const weights = this.weightsOf(anon ? -1 - d : -1000 - d, () =>
      (anon ? CHANNEL_ANON_WEIGHTS : CHANNEL_WEIGHTS).map((w, ch) => (CHANNELS[ch]?.campaigns.some((_, i) => this.active(ch, i, d)) ? w : 0)),
    );
    return rng.weighted(weights);
  }

  /** a running campaign of channel ch with one of its contents and terms */
  place(rng: Rng, ch: number, d: number): Placement {
    const campaigns = CHANNELS[ch]?.campaigns ?? [];
    const weights = this.weightsOf(d * 64 + ch, () => campaigns.map((c, i) => (this.active(ch, i, d) ? c.weight : 0)));
    const camp = rng.weighted(weights);
    const c = campaigns[camp];
    const content = c && c.contents.length ? rng.int(c.contents.length) : -1;
    // search terms skew to the head of the list
    const term = c && c.terms.length ? Math.min(c.terms.length - 1, Math.floor(rng.exp(c.terms.length / 2.5))) : -1;
    return { ch, camp, content, term };
  }
}
