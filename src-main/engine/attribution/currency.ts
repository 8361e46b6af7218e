// Money in the report currency with the portal's rates (bitrix24.md addendum: X × AMOUNT / AMOUNT_CNT).
import type { Db } from '../db/open';

/** Revenue converter to the report currency with the portal's rates (bitrix24.md addendum). */
export function currencyConverter(db: Db, reportCurrency: string): (amount: string | null, currency: string | null) => number {
  const rates = new Map<string, number>();
  for (const r of db.prepare('SELECT code, amount_cnt, amount FROM b24_currency').all() as {
    code: string;
    amount_cnt: number;
    amount: string;
  }[]) {
    const perUnit = Number(r.amount) / (r.amount_cnt || 1);
    if (Number.isFinite(perUnit) && perUnit > 0) rates.set(r.code, perUnit);
  }
  const target = rates.get(reportCurrency) ?? 1;
  return (amount, currency) => {
    const v = amount === null ? 0 : Number(amount);
    if (!Number.isFinite(v) || v === 0) return 0;
    const rate = currency ? (rates.get(currency) ?? (currency === reportCurrency ? target : 1)) : target;
    return (v * rate) / target;
  };
}
