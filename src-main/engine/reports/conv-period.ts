// The conversions of a period by event day: created in it (their own day) or won in it. The kinds
// go inside the first half so that SQLite reads each half from an index — conv_day is
// (kind, day, …), conv_won_day (won_day, …) — instead of every conversion of the kinds.
// Parameters @a and @b: the period's first and last day (yyyymmdd).
export const eventPeriod = (kinds: string): string => `((kind IN (${kinds}) AND day BETWEEN @a AND @b) OR won_day BETWEEN @a AND @b)`;
