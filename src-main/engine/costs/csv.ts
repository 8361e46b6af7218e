// Costs files as marketers have them: Yandex Metrica's expenses CSV (Date, UTMSource, UTMMedium,
// UTMCampaign, UTMContent, UTMTerm, Expenses, Currency), Russian headers («Дата», «Источник»,
// «Канал», «Кампания», «Расход»/«Расходы», «Показы», «Клики»), a Yandex Direct statistics export
// (title line, «№ Кампании», «Расход (руб.)», an «Итого» line) and a VK Ads export («Потрачено»,
// «Показы», «Клики»). Dates yyyy-mm-dd or dd.mm.yyyy (a range `from/to` or `from - to` is spread
// evenly over its days); `;`, `,` or tab; decimal comma and thousands spaces; UTF-8 with or without
// BOM and Windows-1251. Pure: bytes (and the preview's mapping) in, rows and per-line errors out.
import type { CostFileReading, CostMapping, CostRole, CostRow } from '@shared/costs-schema';
import { addDays, daysBetween, inDateRange, isIsoDate, MAX_DATE, MIN_DATE } from '@shared/time';
import { decodeText, detectDelimiter, parseCsvRecords, type Delimiter, type Encoding } from './csv-read';
import { applyMapping, detectLayout } from './layout';

export { decodeText, parseCsvRecords } from './csv-read';

export type { CostRow };

export interface CostLineError {
  line: number;
  message: string;
}

export interface ParsedCosts extends CostFileReading {
  rows: CostRow[];
  errors: CostLineError[];
  lines: number;
  delimiter: Delimiter;
  encoding: Encoding;
}

/** «1 234,50», «1234.5», «18 345,60 ₽» → number; «--», «—», «-» (Direct's "no value") → 0. */
export function parseNumber(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0\u202f]/g, '').replace(/(₽|руб\.?|rub)$/i, '');
  if (s === '--' || s === '—' || s === '-' || s === '–') return 0;
  if (/^-?\d+([.,]\d+)?$/.test(s)) return Number(s.replace(',', '.'));
  // 1,234.50 or 1.234,50
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) return Number(s.replace(/,/g, ''));
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  return null;
}

/** yyyy-mm-dd, dd.mm.yyyy, dd.mm.yy, dd/mm/yyyy → yyyy-mm-dd (null when not a real date). */
export function parseDay(raw: string): string | null {
  const s = raw.trim().replace(/\s+\d{1,2}:\d{2}(:\d{2})?$/, '');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  let iso: string | null = null;
  if (m) iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  m = /^(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})$/.exec(s);
  if (m) {
    const y = m[3]!.length === 2 ? `20${m[3]}` : m[3]!;
    iso = `${y}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}`;
  }
  return iso && isIsoDate(iso) ? iso : null;
}

/** A date or a range «from/to», «from - to», «from — to» → [from, to]. */
function parseDateCell(raw: string): [string, string] | null {
  const t = raw.trim();
  const one = parseDay(t);
  if (one) return [one, one];
  const parts = t.split(/\s*(?:\/|\s[-–—]\s|\.\.)\s*/);
  if (parts.length === 2) {
    const a = parseDay(parts[0]!);
    const b = parseDay(parts[1]!);
    if (a && b) return [a, b];
  }
  return null;
}

function parseCount(raw: string): number | null | 'bad' {
  if (raw.trim() === '') return null;
  const n = parseNumber(raw);
  if (n === null || n < 0 || !Number.isFinite(n)) return 'bad';
  return Math.round(n);
}

const TOTALS = /^(итого|итог|всего|total|totals|total rows)(?=$|[\s:;,.])/i;
const MAX_RANGE_DAYS = 3660;
/** Above this a cost is a typo or glued columns, and sums would lose their kopecks. */
export const MAX_AMOUNT = 1e12;

const ROLE_NAME: Record<'date' | 'cost', string> = { date: '«Дата» (Date)', cost: '«Расход» (Expenses)' };

export function parseCostsCsv(bytes: Uint8Array, defaultCurrency: string, mapping?: CostMapping): ParsedCosts {
  const { text, encoding } = decodeText(bytes);
  const delimiter = detectDelimiter(text);
  const records = parseCsvRecords(text, delimiter);
  const errors: CostLineError[] = [];
  const rows: CostRow[] = [];
  const empty = { rows, errors, lines: 0, delimiter, encoding, header: [], headerLine: null, columns: {}, layout: 'generic' as const, source: null, medium: null };
  if (records.length === 0) return { ...empty, errors: [{ line: 1, message: 'Файл пустой.' }] };

  const found = applyMapping(records, detectLayout(records), mapping);
  const header = found?.header ?? records[0]![1].map((c) => c.trim());
  const headerIndex = found?.headerIndex ?? 0;
  const col = found?.columns ?? {};
  const source = found?.source ?? null;
  const medium = found?.medium ?? null;
  const result = (): ParsedCosts => ({
    rows,
    errors,
    lines: records.length - headerIndex - 1,
    delimiter,
    encoding,
    header,
    headerLine: records[headerIndex]?.[0] ?? null,
    columns: col,
    layout: found?.layout ?? 'generic',
    source,
    medium,
  });
  const missing = (['date', 'cost'] as const).filter((r) => col[r] === undefined).map((r) => ROLE_NAME[r]);
  if (missing.length) {
    errors.push({
      line: records[headerIndex]![0],
      message: `Нет обязательных колонок: ${missing.join(', ')}. Укажите их в предпросмотре или проверьте заголовок файла.`,
    });
    return result();
  }
  if (col.source === undefined && !source) {
    errors.push({
      line: records[headerIndex]![0],
      message: 'Нет колонки «Источник» (UTMSource) — укажите источник для всего файла (например, yandex).',
    });
    return result();
  }
  const get = (f: string[], role: CostRole) => {
    const i = col[role];
    return i === undefined ? '' : (f[i] ?? '').trim();
  };
  const fileCurrency = found?.costCurrency ?? null;

  for (const [line, f] of records.slice(headerIndex + 1)) {
    const first = (f.find((c) => c.trim() !== '') ?? '').trim();
    if (TOTALS.test(first) || TOTALS.test(get(f, 'date'))) continue; // «Итого», «Total rows: 12»
    const date = get(f, 'date');
    const range = parseDateCell(date);
    if (!range) {
      errors.push({ line, message: `Дата «${date}» не похожа на ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.` });
      continue;
    }
    const [from, to] = range;
    if (!inDateRange(from) || !inDateRange(to)) {
      errors.push({ line, message: `Дата «${date}» вне диапазона ${MIN_DATE} — ${MAX_DATE}.` });
      continue;
    }
    const days = daysBetween(from, to) + 1;
    if (days < 1) {
      errors.push({ line, message: `Начало диапазона ${from} позже конца ${to}.` });
      continue;
    }
    if (days > MAX_RANGE_DAYS) {
      errors.push({ line, message: `Диапазон ${date} длиннее 10 лет.` });
      continue;
    }
    const src = get(f, 'source') || source || '';
    if (!src) {
      errors.push({ line, message: 'Пустой источник (UTMSource).' });
      continue;
    }
    const rawAmount = get(f, 'cost');
    const amount = parseNumber(rawAmount);
    if (amount === null || amount < 0) {
      errors.push({ line, message: `Расход «${rawAmount}» — не неотрицательное число.` });
      continue;
    }
    if (amount > MAX_AMOUNT) {
      errors.push({ line, message: `Расход «${rawAmount}» больше триллиона — проверьте число (не склеились ли колонки).` });
      continue;
    }
    const currency = (get(f, 'currency') || fileCurrency || defaultCurrency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) {
      errors.push({ line, message: `Валюта «${currency}» — нужен трёхбуквенный код ISO 4217 (RUB, USD…).` });
      continue;
    }
    const impressions = parseCount(get(f, 'impressions'));
    const clicks = parseCount(get(f, 'clicks'));
    if (impressions === 'bad' || clicks === 'bad') {
      const which = impressions === 'bad' ? `Показы «${get(f, 'impressions')}»` : `Клики «${get(f, 'clicks')}»`;
      errors.push({ line, message: `${which} — не целое неотрицательное число.` });
      continue;
    }
    const base = {
      source: src,
      medium: get(f, 'medium') || medium || '',
      campaign: get(f, 'campaign') || get(f, 'campaignId'),
      content: get(f, 'content'),
      term: get(f, 'term'),
      currency,
    };
    if (days === 1) {
      rows.push({ ...base, day: from, amount, impressions, clicks });
      continue;
    }
    // a range is spread evenly over its days (cents stay exact in total: the last day takes the rest)
    const perDay = Math.floor((amount / days) * 100) / 100;
    const spread = (n: number | null, i: number) => (n === null ? null : i === days - 1 ? n - Math.floor(n / days) * (days - 1) : Math.floor(n / days));
    for (let i = 0; i < days; i++) {
      const share = i === days - 1 ? Math.round((amount - perDay * (days - 1)) * 100) / 100 : perDay;
      rows.push({ ...base, day: addDays(from, i), amount: share, impressions: spread(impressions, i), clicks: spread(clicks, i) });
    }
  }
  return result();
}
