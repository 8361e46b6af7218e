// How people really type UTM tags: mostly the agreed spelling, now and then capitalised, with the
// site's zone, in Russian or transliterated («vk» / «VK» / «vkontakte» / «вконтакте», «email» /
// «e-mail» / «Электронная почта»). The agreed spelling stays the most frequent one, so it is the
// label reports show; the others give the alias suggestions and the channel rules work to do.
// Chosen by a hash of the record, so the generator's random streams are not disturbed.

const VARIANTS: Record<string, readonly [string, number][]> = {
  yandex: [['yandex.ru', 0.015]],
  google: [['Google', 0.04]],
  vk: [['VK', 0.1], ['vkontakte', 0.05], ['вконтакте', 0.02]],
  telegram: [['Telegram', 0.08], ['телеграм', 0.03]],
  email: [['e-mail', 0.12], ['Email', 0.05], ['Электронная почта', 0.02]],
  avito: [['Avito', 0.1]],
  cpc: [['CPC', 0.03]],
  newsletter: [['Newsletter', 0.06]],
  divany_poisk_msk: [['Divany_Poisk_MSK', 0.08]],
  vk_lookalike_divany: [['VK_Lookalike_Divany', 0.06]],
  rassylka_skidki: [['Rassylka_Skidki', 0.1]],
};

/** `value` as one record typed it; `h` a 32-bit hash of the record and the field. */
export function spelled<T extends string | null>(value: T, h: number): T {
  if (value === null) return value;
  const variants = VARIANTS[value];
  if (!variants) return value;
  let u = h / 4_294_967_296;
  for (const [v, share] of variants) {
    if (u < share) return v as T;
    u -= share;
  }
  return value;
}
