// Exports (issue 8): what is exported (a report with its sheets, the dashboard, a model
// comparison, a deal list, the data-health table, or a saved view), in which format, to which
// file; and scheduled exports of saved views. Part of the contract (re-exported by contract.ts).
import { z } from 'zod';
import { BASES, MODELS } from './metrics';
import { CompareSchema, ReportFiltersSchema, ReportQuerySchema, RowKeySchema, isoDate } from './reports-schema';

export const EXPORT_FORMATS = ['xlsx', 'csv', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const periodOrder = { message: 'Начало периода позже конца', path: ['from'] };

/** Sheets of a report export besides the report itself. */
export const ReportSheetsSchema = z
  .object({
    /** the report once per drill-down level: source, source → medium, … up to the grouping */
    levels: z.boolean().default(false),
    /** totals per day (or week/month) */
    series: z.boolean().default(true),
    /** the rows under every model */
    models: z.boolean().default(false),
    /** one row per dimension combination and day, for pivot tables (XLSX/CSV) */
    pivot: z.boolean().default(false),
  })
  .default({ levels: false, series: true, models: false, pivot: false });

const DealsExportQuerySchema = z
  .object({
    from: isoDate,
    to: isoDate,
    model: z.enum(MODELS).optional(),
    basis: z.enum(BASES).default('event'),
    filters: ReportFiltersSchema,
    /** the row drilled into; omitted = every deal of the period (attributed and unattributed) */
    row: RowKeySchema.optional(),
    kind: z.enum(['deal', 'lead']).default('deal'),
    sort: z.enum(['created', 'won', 'revenue', 'weight']).default('created'),
  })
  .refine((q) => q.from <= q.to, periodOrder);
export type DealsExportQuery = z.infer<typeof DealsExportQuerySchema>;

export const ExportWhatSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('report'), query: ReportQuerySchema, sheets: ReportSheetsSchema, title: z.string().trim().max(100).optional() }),
  z.object({ kind: z.literal('dashboard'), query: ReportQuerySchema }),
  z.object({ kind: z.literal('models'), query: ReportQuerySchema, models: z.array(z.enum(MODELS)).min(1).optional() }),
  z.object({ kind: z.literal('deals'), query: DealsExportQuerySchema }),
  z.object({ kind: z.literal('health') }),
  /** a saved view resolved for today's data range (as scheduled exports and `skvoz export --view` do) */
  z.object({ kind: z.literal('view'), viewId: z.string().min(1), sheets: ReportSheetsSchema }),
]);
export type ExportWhat = z.infer<typeof ExportWhatSchema>;
export type ExportWhatInput = z.input<typeof ExportWhatSchema>;

export const CsvOptionsSchema = z
  .object({
    delimiter: z.enum([';', ',']).default(';'),
    /** `,` as the decimal separator (Russian Excel); with `,` as delimiter the cell is quoted */
    decimalComma: z.boolean().default(false),
  })
  .default({ delimiter: ';', decimalComma: false });
export type CsvOptions = z.infer<typeof CsvOptionsSchema>;

const absolutePath = z
  .string()
  .min(1, 'Выберите файл')
  .max(1000)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'Нужен полный путь к файлу');

export const ExportRunSchema = z.object({
  what: ExportWhatSchema,
  format: z.enum(EXPORT_FORMATS),
  path: absolutePath,
  csv: CsvOptionsSchema,
});
export type ExportRunInput = z.input<typeof ExportRunSchema>;
export type ExportRun = z.infer<typeof ExportRunSchema>;

/** `export:html`: the print view (A4 landscape) of a report or dashboard, for printToPDF. */
export const ExportHtmlSchema = z.object({ what: ExportWhatSchema });

export interface ExportJob {
  jobId: string;
}

export interface ExportProgress {
  jobId: string;
  /** what is being written: a sheet title or «Сделки» */
  stage: string;
  done: number;
  /** rows in all; null while unknown */
  total: number | null;
}

export interface ExportFinished {
  jobId: string;
  ok: boolean;
  path: string;
  rows: number;
  bytes: number;
  error: { code: 'cancelled' | 'invalid_input' | 'not_found' | 'internal'; message: string } | null;
}

/** The file name a view or report gets: Skvoz_<view>_<from>_<to>.<ext> (safe on Windows). */
export function exportFileName(name: string, from: string | null, to: string | null, format: ExportFormat | 'png'): string {
  const safe = [...name]
    .map((ch) => (ch.charCodeAt(0) < 32 ? ' ' : ch))
    .join('')
    .replace(/[\\/:*?"<>|]+/g, ' ')
    .trim()
    .replace(/\s+/g, '_')
    .slice(0, 60) || 'Отчёт';
  const range = from && to ? `_${from}_${to}` : '';
  return `Skvoz_${safe}${range}.${format}`;
}

// ---------- scheduled exports ----------

export const SCHEDULE_FORMATS = ['xlsx', 'csv', 'pdf'] as const;

export const ScheduleSaveSchema = z.object({
  id: z.string().min(1).optional(),
  viewId: z.string().min(1, 'Выберите сохранённый отчёт'),
  format: z.enum(SCHEDULE_FORMATS).default('xlsx'),
  folder: absolutePath,
  frequency: z.enum(['daily', 'weekly']).default('daily'),
  /** ISO weekday 1 = Monday … 7 = Sunday (weekly only) */
  weekday: z.number().int().min(1).max(7).default(1),
  /** local time in the workspace's time zone */
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Время в формате ЧЧ:ММ').default('08:00'),
  enabled: z.boolean().default(true),
  csv: CsvOptionsSchema,
});
export type ScheduleSave = z.infer<typeof ScheduleSaveSchema>;
export type ScheduleFormat = (typeof SCHEDULE_FORMATS)[number];

export interface ExportSchedule extends Omit<ScheduleSave, 'id'> {
  id: string;
  createdAt: string;
  /** when it last ran (ISO) and what came of it */
  lastRunAt: string | null;
  lastFile: string | null;
  lastError: string | null;
  /** next planned run (ISO), null when disabled */
  nextAt: string | null;
}

export const ScheduleDeleteSchema = z.object({ id: z.string().min(1) });

export { CompareSchema };
