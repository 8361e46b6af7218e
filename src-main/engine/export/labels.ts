// Russian labels and cell kinds of exported columns. Exports are documents a marketer hands to a
// boss or a client, so they speak Russian whatever the UI language is.
import type { Basis, Dimension, Model } from '@shared/contract';
import type { Metric } from '@shared/metrics';

export type CellKind = 'text' | 'int' | 'num' | 'money' | 'pct' | 'date' | 'datetime';

export const DIM_LABEL: Record<Dimension, string> = {
  channel: 'Канал',
  source: 'Источник',
  medium: 'Тип трафика',
  campaign: 'Кампания',
  content: 'Объявление',
  term: 'Ключевое слово',
  city: 'Город',
  device: 'Устройство',
  landing: 'Посадочная страница',
};

/** device categories (src-shared/enrich.ts) as an export shows them; other values as stored */
const DEVICE_LABEL: Record<string, string> = { mobile: 'смартфон', tablet: 'планшет', desktop: 'компьютер' };

/** A dimension value as an export shows it. */
export function dimValueLabel(dim: Dimension, v: string): string {
  return dim === 'device' ? (DEVICE_LABEL[v] ?? v) : v;
}

export const MODEL_LABEL: Record<Model, string> = {
  last_non_direct: 'Последний значимый переход',
  last: 'Последнее касание',
  first: 'Первое касание',
  linear: 'Линейная',
  position: 'С учётом позиции (40/20/40)',
  time_decay: 'С учётом давности',
  markov: 'Цепи Маркова',
};

export const BASIS_LABEL: Record<Basis, string> = {
  event: 'по дате события',
  cohort: 'когорты лидов периода',
};

export const METRIC_LABEL: Record<Metric, string> = {
  calls: 'Звонки',
  uniqueTargetCalls: 'Уникальные целевые звонки',
  requests: 'Заявки',
  uniqueTargetRequests: 'Уникальные целевые заявки',
  leads: 'Лиды',
  deals: 'Сделки',
  wonDeals: 'Выигранные сделки',
  revenue: 'Выручка',
  visits: 'Офлайн-визиты',
  visitRevenue: 'Выручка визитов',
  cost: 'Расходы',
  crLeadToDeal: 'CR лид → сделка',
  crDealToWon: 'CR сделка → продажа',
  avgCheck: 'Средний чек',
  cpl: 'CPL',
  cpo: 'CPO',
  romi: 'ROMI',
  drr: 'ДРР',
  impressions: 'Показы',
  clicks: 'Клики',
  ctr: 'CTR',
  cpc: 'CPC',
};

export const METRIC_KIND: Record<Metric, CellKind> = {
  calls: 'int',
  uniqueTargetCalls: 'int',
  requests: 'int',
  uniqueTargetRequests: 'int',
  leads: 'num',
  deals: 'num',
  wonDeals: 'num',
  revenue: 'money',
  visits: 'num',
  visitRevenue: 'money',
  cost: 'money',
  crLeadToDeal: 'pct',
  crDealToWon: 'pct',
  avgCheck: 'money',
  cpl: 'money',
  cpo: 'money',
  romi: 'pct',
  drr: 'pct',
  impressions: 'int',
  clicks: 'int',
  ctr: 'pct',
  cpc: 'money',
};

export const UNATTRIBUTED_LABEL = 'Не атрибутировано';
export const EMPTY_DIM_LABEL = '(не задано)';
export const TOTAL_LABEL = 'Итого';

const CURRENCY_SIGN: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€', KZT: '₸', BYN: 'Br', UAH: '₴' };

export function currencySign(code: string): string {
  return CURRENCY_SIGN[code] ?? code;
}

/**
 * A number as files carry it (CSV, the CLI's JSON): money to kopecks, everything else to 6
 * decimals, without binary noise (0.30000000000000004 → 0.3, 350000.49999999994 → 350000.5).
 * toFixed rounds the exact binary value, so it stays exact up to the 1e12 costs are capped at.
 */
export function roundFor(kind: CellKind, v: number): number {
  const r = Number(v.toFixed(kind === 'money' ? 2 : 6));
  return r === 0 ? 0 : r;
}

/** Excel number formats (stored locale-independently: Russian Excel shows `1 234 567,89 ₽`). */
export function numFmt(kind: CellKind, currency: string): string | undefined {
  switch (kind) {
    case 'int':
      return '#,##0';
    case 'num':
      return '#,##0.00';
    case 'money':
      return `#,##0.00 "${currencySign(currency)}"`;
    case 'pct':
      return '0.0%';
    case 'date':
      return 'dd.mm.yyyy';
    case 'datetime':
      return 'dd.mm.yyyy hh:mm';
    default:
      return undefined;
  }
}

/** `1 234 567,89 ₽`-style text for the print view (and anything else that shows a number). */
export function formatNumber(v: number | null, kind: CellKind, currency: string): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const nf = (min: number, max: number) =>
    new Intl.NumberFormat('ru-RU', { minimumFractionDigits: min, maximumFractionDigits: max }).format(v).replace(/\u202f|\u00a0/g, '\u00a0');
  switch (kind) {
    case 'int':
      return nf(0, 0);
    case 'num':
      return nf(0, 2);
    case 'money':
      return `${nf(0, 0)}\u00a0${currencySign(currency)}`;
    case 'pct':
      return `${new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v * 100)}\u00a0%`;
    default:
      return String(v);
  }
}
