// Ad-cost CSV in Yandex Metrica's expenses layout:
//   Date (YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD), UTMSource, UTMMedium, UTMCampaign, UTMContent,
//   UTMTerm, Expenses, Currency (optional; Clicks and other columns are ignored).
// Accepts `,` or `;` delimiters, `.` or `,` decimals (and spaces as thousands separators),
// UTF-8 with or without BOM and Windows-1251. Pure: bytes in, rows and line errors out.
import { addDays, daysBetween, isIsoDate } from '@shared/time';

export interface CostRow {
  day: string;
  source: string;
  medium: string;
  campaign: string;
  content: string;
  term: string;
  amount: number;
  currency: string;
}

export interface CostLineError {
  line: number;
  message: string;
}

export interface ParsedCosts {
  rows: CostRow[];
  errors: CostLineError[];
  lines: number;
  delimiter: ',' | ';';
  encoding: 'utf-8' | 'windows-1251';
}

export function decodeText(bytes: Uint8Array): { text: string; encoding: ParsedCosts['encoding'] } {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'windows-1251' };
  }
}

/** RFC 4180 records (quoted fields, doubled quotes, CRLF or LF); returns [lineNumber, fields][]. */
export function parseCsvRecords(text: string, delimiter: string): [number, string[]][] {
  const out: [number, string[]][] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.some((f) => f.trim() !== '')) out.push([recordLine, fields]);
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += ch;
  }
  fields.push(field);
  if (fields.some((f) => f.trim() !== '')) out.push([recordLine, fields]);
  return out;
}

const COLUMNS = {
  date: ['date', 'дата'],
  source: ['utmsource', 'utm_source'],
  medium: ['utmmedium', 'utm_medium'],
  campaign: ['utmcampaign', 'utm_campaign'],
  content: ['utmcontent', 'utm_content'],
  term: ['utmterm', 'utm_term'],
  expenses: ['expenses', 'расходы', 'cost'],
  currency: ['currency', 'валюта'],
} as const;

function parseAmount(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0]/g, '');
  if (!/^-?\d+([.,]\d+)?$/.test(s)) return null;
  return Number(s.replace(',', '.'));
}

const MAX_RANGE_DAYS = 3660;
/** Above this a cost is a typo or glued columns, and sums would lose their kopecks. */
export const MAX_AMOUNT = 1e12;

export function parseCostsCsv(bytes: Uint8Array, defaultCurrency: string): ParsedCosts {
  const { text, encoding } = decodeText(bytes);
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter: ',' | ';' = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records = parseCsvRecords(text, delimiter);
  const errors: CostLineError[] = [];
  const rows: CostRow[] = [];
  if (records.length === 0) return { rows, errors: [{ line: 1, message: 'Файл пустой.' }], lines: 0, delimiter, encoding };

  const header = records[0]![1].map((h) => h.trim().toLowerCase().replace(/^\ufeff/, ''));
  const col = {} as Record<keyof typeof COLUMNS, number>;
  for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][]) {
    col[key] = header.findIndex((h) => names.includes(h));
  }
  if (col.date < 0 || col.expenses < 0 || col.source < 0) {
    const missing = [col.date < 0 && 'Date', col.source < 0 && 'UTMSource', col.expenses < 0 && 'Expenses'].filter(Boolean).join(', ');
    return { rows, errors: [{ line: records[0]![0], message: `Нет обязательных колонок: ${missing}.` }], lines: records.length - 1, delimiter, encoding };
  }
  const get = (f: string[], i: number) => (i >= 0 ? (f[i] ?? '').trim() : '');

  for (const [line, f] of records.slice(1)) {
    const date = get(f, col.date);
    const [from, to = from] = date.split('/').map((s) => s.trim());
    if (!from || !isIsoDate(from) || !to || !isIsoDate(to)) {
      errors.push({ line, message: `Дата «${date}» не в формате ГГГГ-ММ-ДД или ГГГГ-ММ-ДД/ГГГГ-ММ-ДД.` });
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
    const source = get(f, col.source);
    if (!source) {
      errors.push({ line, message: 'Пустой UTMSource.' });
      continue;
    }
    const rawAmount = get(f, col.expenses);
    const amount = parseAmount(rawAmount);
    if (amount === null || amount < 0) {
      errors.push({ line, message: `Расход «${rawAmount}» — не неотрицательное число.` });
      continue;
    }
    if (amount > MAX_AMOUNT) {
      errors.push({ line, message: `Расход «${rawAmount}» больше триллиона — проверьте число (не склеились ли колонки).` });
      continue;
    }
    const currency = (get(f, col.currency) || defaultCurrency).toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) {
      errors.push({ line, message: `Валюта «${currency}» — нужен трёхбуквенный код ISO 4217 (RUB, USD…).` });
      continue;
    }
    const base = {
      source,
      medium: get(f, col.medium),
      campaign: get(f, col.campaign),
      content: get(f, col.content),
      term: get(f, col.term),
      currency,
    };
    // a range is spread evenly over its days (cents stay exact in total: last day takes the rest)
    const perDay = Math.floor((amount / days) * 100) / 100;
    for (let i = 0; i < days; i++) {
      const share = i === days - 1 ? Math.round((amount - perDay * (days - 1)) * 100) / 100 : perDay;
      rows.push({ ...base, day: addDays(from, i), amount: share });
    }
  }
  return { rows, errors, lines: records.length - 1, delimiter, encoding };
}
