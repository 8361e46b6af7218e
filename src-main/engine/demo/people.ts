// Clients of the demo world. A client is an integer; everything about it (name, phone, e-mail,
// city) is a pure function of (seed, client), so every stream that meets the client agrees.
// Namespaces keep the three populations apart: clients who became leads (index = lead number,
// or an earlier lead's for repeat enquiries), existing customers from before the year (legacy
// contacts), and people who only called or wrote (anonymous).
import { CITIES, EMAIL_DOMAINS, FEMALE_NAMES, LAST_NAMES, MALE_NAMES, translit } from './catalog';
import { mix, rngFor, TAG } from './rng';

export const NS_LEAD = 0;
export const NS_LEGACY = 300_000_000;
export const NS_ANON = 600_000_000;

export interface Person {
  female: boolean;
  first: string;
  last: string;
  /** 10-digit national mobile number starting with 9 */
  mobile: string;
  /** a second (landline, Moscow) number some clients leave */
  landline: string;
  email: string | null;
  city: string;
}

const A = 387_420_489; // 3^18, coprime with 10^9: c → (A·c + B) mod 10^9 is a bijection

function mulMod1e9(a: number, b: number): number {
  // exact (a·b) mod 1e9 for a, b < 1e9 without leaving the safe-integer range
  const bHi = Math.floor(b / 100_000);
  const bLo = b % 100_000;
  return (((a * bHi) % 1_000_000_000) * 100_000 + a * bLo) % 1_000_000_000;
}

const nine = (n: number) => String(n).padStart(9, '0');

/** A unique mobile number per client: "9" + 9 digits. */
export function mobileOf(seed: number, client: number): string {
  const b = mix(seed, 0x5eed) % 1_000_000_000;
  return `9${nine((mulMod1e9(A, client % 1_000_000_000) + b) % 1_000_000_000)}`;
}

function emailShare(client: number): number {
  return client >= NS_ANON ? 0.15 : client >= NS_LEGACY ? 0.4 : 0.35;
}

/** whether the client has an e-mail at all (cheap: planners ask this for every lead) */
export function hasEmail(seed: number, client: number): boolean {
  return mix(seed, client, 11) / 4294967296 < emailShare(client);
}

export function person(seed: number, client: number): Person {
  const rng = rngFor(seed, TAG.person, client);
  const female = rng.chance(0.55);
  const first = female ? rng.pick(FEMALE_NAMES) : rng.pick(MALE_NAMES);
  const lastM = rng.pick(LAST_NAMES);
  const last = female ? `${lastM}а` : lastM;
  const legacy = client >= NS_LEGACY && client < NS_ANON;
  const anon = client >= NS_ANON;
  const domain = rng.pick(EMAIL_DOMAINS);
  const local = anon ? client - NS_ANON : legacy ? client - NS_LEGACY : client;
  let email: string | null = null;
  if (hasEmail(seed, client)) {
    const f = translit(first);
    const l = translit(last);
    // three spellings, one per namespace, so e-mails never collide across populations
    email = anon ? `${f}${l}${local}@${domain}` : legacy ? `${l}.${f}${local}@${domain}` : `${f}.${l}${local}@${domain}`;
  }
  const landline = `495${String(1_000_000 + (mix(seed, client, 7) % 9_000_000))}`;
  return { female, first, last, mobile: mobileOf(seed, client), landline, email, city: rng.pick(CITIES) };
}

/**
 * How a phone is written somewhere: 0 "+79161234567", 1 "+7 (916) 123-45-67",
 * 2 "89161234567", 3 "8 916 123 45 67", 4 "79161234567".
 */
export function formatPhone(national: string, style: number): string {
  const a = national.slice(0, 3);
  const b = national.slice(3, 6);
  const c = national.slice(6, 8);
  const d = national.slice(8);
  switch (style) {
    case 1:
      return `+7 (${a}) ${b}-${c}-${d}`;
    case 2:
      return `8${national}`;
    case 3:
      return `8 ${a} ${b} ${c} ${d}`;
    case 4:
      return `7${national}`;
    default:
      return `+7${national}`;
  }
}

/** the way a CRM manager types a phone: mostly +7…, sometimes with brackets or a leading 8 */
export const CRM_PHONE_STYLES = [50, 20, 15, 10, 5];
