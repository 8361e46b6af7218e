// Which column of a costs file holds what: header names in Russian and English (Yandex Metrica's
// expenses CSV, a Yandex Direct statistics export, a VK Ads export, hand-made tables), the header
// line under a title, and the file's layout with its default source / medium.
import type { CostLayout, CostMapping, CostRole } from '@shared/costs-schema';

/** Lower-case, ё→е, no brackets' content, no currency signs or trailing punctuation. */
export function headerKey(raw: string): string {
  return raw
    .replace(/^\ufeff/, '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[,:]?\s*(₽|руб\.?|rub|\$|€)\s*$/i, '')
    .replace(/[«»"'.:]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const ALIASES: Record<CostRole, string[]> = {
  date: ['date', 'дата', 'день', 'day', 'период', 'дата расхода'],
  source: ['utmsource', 'utm_source', 'utm source', 'источник', 'source', 'источник трафика'],
  medium: ['utmmedium', 'utm_medium', 'utm medium', 'канал', 'medium', 'тип трафика'],
  campaign: ['utmcampaign', 'utm_campaign', 'utm campaign', 'кампания', 'название кампании', 'campaign', 'campaignname', 'campaign name', 'рекламная кампания'],
  content: ['utmcontent', 'utm_content', 'utm content', 'content'],
  term: ['utmterm', 'utm_term', 'utm term', 'term', 'ключевое слово'],
  cost: ['expenses', 'расходы', 'расход', 'cost', 'стоимость', 'потрачено', 'spent', 'списано', 'расход всего', 'затраты', 'бюджет'],
  currency: ['currency', 'валюта'],
  impressions: ['impressions', 'показы', 'shows', 'показов'],
  clicks: ['clicks', 'клики', 'кликов', 'переходы'],
  campaignId: ['campaignid', 'campaign id', '№ кампании', 'no кампании', 'id кампании', 'номер кампании', 'id'],
};

const ROLE_OF = new Map<string, CostRole>();
for (const [role, names] of Object.entries(ALIASES) as [CostRole, string[]][]) for (const n of names) ROLE_OF.set(n, role);

export function roleOf(header: string): CostRole | null {
  return ROLE_OF.get(headerKey(header)) ?? null;
}

/** Currency written in a header's brackets: «Расход (руб.)» → RUB. */
export function headerCurrency(raw: string): string | null {
  const s = raw.toLowerCase();
  if (/руб|₽|\brub\b/.test(s)) return 'RUB';
  if (/\busd\b|\$|долл/.test(s)) return 'USD';
  if (/\beur\b|€|евро/.test(s)) return 'EUR';
  if (/\bkzt\b|тенге|₸/.test(s)) return 'KZT';
  if (/\bbyn\b|бел/.test(s)) return 'BYN';
  return null;
}

export interface DetectedLayout {
  /** index into the records of the header record */
  headerIndex: number;
  header: string[];
  columns: Partial<Record<CostRole, number>>;
  layout: CostLayout;
  source?: string;
  medium?: string;
  /** currency named in the cost column's header */
  costCurrency: string | null;
}

const DEFAULTS: Partial<Record<CostLayout, { source: string; medium: string }>> = {
  yandex_direct: { source: 'yandex', medium: 'cpc' },
  vk_ads: { source: 'vk', medium: 'cpc' },
};

/** Finds the header among the first records (a title may stand above it) and names its columns. */
export function detectLayout(records: [number, string[]][]): DetectedLayout | null {
  const limit = Math.min(records.length, 20);
  for (let i = 0; i < limit; i++) {
    const cells = records[i]![1];
    const columns: Partial<Record<CostRole, number>> = {};
    cells.forEach((c, idx) => {
      const role = roleOf(c);
      // first column of a role wins (a Direct export may repeat «Кампания» as id and name)
      if (role && columns[role] === undefined) columns[role] = idx;
    });
    if (columns.date === undefined || columns.cost === undefined) continue;
    const preamble = records.slice(0, i).flatMap((r) => r[1]).join(' ').toLowerCase();
    const keys = cells.map(headerKey);
    let layout: CostLayout = 'generic';
    if (columns.source !== undefined) layout = 'metrica';
    else if (/директ|direct/.test(preamble) || keys.some((k) => k === '№ кампании' || k === 'campaignid')) layout = 'yandex_direct';
    else if (/\bvk\b|вконтакте|vk реклама|vk ads/.test(preamble) || keys.some((k) => k === 'потрачено' || k === 'spent' || k === 'shows' || k === 'id кампании'))
      layout = 'vk_ads';
    return {
      headerIndex: i,
      header: cells.map((c) => c.replace(/^\ufeff/, '').trim()),
      columns,
      layout,
      ...(DEFAULTS[layout] ?? {}),
      costCurrency: headerCurrency(cells[columns.cost]!),
    };
  }
  return null;
}

/** The detection with the preview's choices laid over it. */
export function applyMapping(records: [number, string[]][], detected: DetectedLayout | null, m: CostMapping | undefined): DetectedLayout | null {
  if (!m) return detected;
  let base = detected;
  if (m.headerLine !== undefined) {
    const idx = records.findIndex(([line]) => line === m.headerLine);
    if (idx >= 0 && idx !== detected?.headerIndex) {
      const cells = records[idx]![1];
      base = { headerIndex: idx, header: cells.map((c) => c.trim()), columns: {}, layout: 'generic', costCurrency: null };
    }
  }
  if (!base) {
    const cells = records[0]?.[1] ?? [];
    base = { headerIndex: 0, header: cells.map((c) => c.trim()), columns: {}, layout: 'generic', costCurrency: null };
  }
  const columns = { ...base.columns };
  for (const [role, idx] of Object.entries(m.columns) as [CostRole, number | null | undefined][]) {
    if (idx === undefined) continue;
    if (idx === null || idx >= base.header.length) delete columns[role];
    else columns[role] = idx;
  }
  const costCurrency = columns.cost !== undefined ? headerCurrency(base.header[columns.cost] ?? '') : null;
  return {
    ...base,
    columns,
    source: m.source?.trim() || base.source,
    medium: m.medium?.trim() || base.medium,
    costCurrency,
  };
}
