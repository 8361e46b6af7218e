// Words of the screens' numbers, dates and states (issue 13): comparison notes, costs hints, the
// deal drawer's stage, date pickers, plural messages (`tn`), error codes in words. Spread into the
// dictionaries of i18n.ts; `en` must have exactly the keys of `ru`.

export const screensRu = {
  'bar.compare.month': 'Тот же период месяц назад',
} as const satisfies Record<string, string>;

export const screensEn: Record<keyof typeof screensRu, string> = {
  'bar.compare.month': 'Same period a month ago',
};
