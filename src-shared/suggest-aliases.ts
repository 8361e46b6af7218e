// Alias suggestions (Настройки → Нормализация): values that are probably one thing written in
// different ways — «email» / «e-mail» / «Электронная почта», «vk» / «vkontakte» / «вконтакте»,
// «Диваны_поиск» / «divany-poisk». Case alone never makes a suggestion: matching is
// case-insensitive already. Pure and shared; the user accepts a suggestion with one click.
import { labelKey } from './normalise';

export type AliasDim = 'source' | 'medium' | 'campaign';

export interface ValueCount {
  dimension: AliasDim;
  /** as in the data (case kept) */
  value: string;
  records: number;
}

export interface AliasSuggestion {
  dimension: AliasDim;
  /** what they all become: the busiest spelling */
  target: string;
  /** the other values (one spelling each, the busiest of its case variants) and their records */
  from: { value: string; records: number }[];
  records: number;
}

/** Words that mean the same channel in Russian marketing data (after transliteration). */
const SYNONYMS: Record<string, string[]> = {
  email: ['email', 'emails', 'elektronnayapochta', 'elpochta', 'pochta', 'imeyl', 'emeyl', 'meyl'],
  vk: ['vk', 'vkcom', 'mvkcom', 'vkontakte', 'vkontaktecom', 'vkontakteru', 'vkontakt'],
  telegram: ['telegram', 'telegramm', 'telegramorg', 'tg', 'tme', 'telega'],
  yandex: ['yandex', 'yandexru', 'yandexcom', 'yandeks', 'yaru', 'ya'],
  google: ['google', 'googlecom', 'googleru', 'gugl'],
  instagram: ['instagram', 'instagramcom', 'instagramm', 'insta', 'ig'],
  facebook: ['facebook', 'facebookcom', 'fb', 'feysbuk'],
  ok: ['ok', 'okru', 'odnoklassniki', 'odnoklassnikiru'],
  whatsapp: ['whatsapp', 'wa', 'votsap', 'vatsap', 'vatsapp', 'votsapp'],
  youtube: ['youtube', 'youtubecom', 'yutub', 'yutyub'],
  dzen: ['dzen', 'dzenru', 'zenyandex', 'zenyandexru'],
  avito: ['avito', 'avitoru'],
  organic: ['organic', 'organika', 'seo'],
  referral: ['referral', 'referal', 'ref'],
  social: ['social', 'sotsseti', 'sotsialnyeseti', 'socialnetwork', 'socialmedia'],
  offline: ['offline', 'oflayn', 'offlayn', 'oflaynvizit', 'offlaynvizit'],
};
const SYNONYM_OF = new Map<string, string>(Object.entries(SYNONYMS).flatMap(([k, vs]) => vs.map((v) => [v, k] as const)));

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o',
  п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

/** Lower-case, Latin letters and digits only: «Вконтакте» → «vkontakte», «e-mail» → «email». */
export function fingerprint(value: string): string {
  let s = value.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/.*$/, '');
  let out = '';
  for (const ch of s) out += TRANSLIT[ch] ?? ch;
  s = out.replace(/[^a-z0-9]/g, '');
  // «x» and «xs» (kh/h, ks/x) transliterate differently: settle on one
  return s.replace(/ks/g, 'x').replace(/kh/g, 'h');
}

function groupKey(dim: AliasDim, value: string): string {
  if (dim === 'campaign') return fingerprint(value);
  // a site with or without its zone is one source: «zoon.ru» / «zoon»
  const f = fingerprint(value.trim().replace(/\.(ru|com|net|org|su|рф)$/i, ''));
  return SYNONYM_OF.get(f) ?? f;
}

/**
 * Near-duplicate values per dimension that no alias covers yet, biggest groups first. `aliased`:
 * the keys (lower-case) the workspace already rewrites, per dimension.
 */
export function suggestAliases(values: readonly ValueCount[], aliased: Partial<Record<AliasDim, ReadonlySet<string>>> = {}): AliasSuggestion[] {
  // per dimension → group → key → spellings with records
  const groups = new Map<string, Map<string, Map<string, number>>>();
  for (const v of values) {
    const key = labelKey(v.value);
    if (key === null || aliased[v.dimension]?.has(key)) continue;
    const g = groupKey(v.dimension, v.value);
    if (g === '') continue;
    const gk = `${v.dimension}\u0001${g}`;
    let byKey = groups.get(gk);
    if (!byKey) groups.set(gk, (byKey = new Map()));
    let spellings = byKey.get(key);
    if (!spellings) byKey.set(key, (spellings = new Map()));
    spellings.set(v.value.trim(), (spellings.get(v.value.trim()) ?? 0) + v.records);
  }
  const out: AliasSuggestion[] = [];
  for (const [gk, byKey] of groups) {
    if (byKey.size < 2) continue;
    const dimension = gk.slice(0, gk.indexOf('\u0001')) as AliasDim;
    const keys = [...byKey.values()]
      .map((spellings) => {
        const [value] = [...spellings].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
        return { value, records: [...spellings.values()].reduce((s, n) => s + n, 0) };
      })
      .sort((a, b) => b.records - a.records || (a.value < b.value ? -1 : 1));
    const [target, ...from] = keys;
    out.push({ dimension, target: target!.value, from, records: keys.reduce((s, k) => s + k.records, 0) });
  }
  return out.sort((a, b) => b.records - a.records || a.dimension.localeCompare(b.dimension) || a.target.localeCompare(b.target));
}
