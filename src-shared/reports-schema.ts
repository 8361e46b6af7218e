// Report inputs (zod) and outputs: the report table, time series, model comparison, deal list
// and a conversion's explanation. Part of the contract (re-exported by contract.ts).
import { z } from 'zod';
import { BASES, DIMENSIONS, MODELS, METRICS, UNATTRIBUTED_REASONS, type Dimension, type Metrics, type Model, type Basis, type UnattributedReason } from './metrics';
import { DATE_RANGE_MESSAGE, inDateRange, isIsoDate } from './time';
import { PresetSchema } from './periods';
import type { Enrichment } from './enrich';

export const isoDate = z
  .string()
  .refine(isIsoDate, { message: 'Дата должна быть в формате ГГГГ-ММ-ДД' })
  .refine((s) => !isIsoDate(s) || inDateRange(s), { message: DATE_RANGE_MESSAGE });

/**
 * What to compare with (docs/REPORTS.md «Comparison periods»). `previous` of a calendar preset
 * (`preset`: the preset the period came from) is the previous calendar unit; of a rolling preset
 * or a custom range, the same number of days just before. `month` / `year`: the same calendar
 * dates a month / a year earlier.
 */
export const CompareSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('previous'), preset: PresetSchema.optional() }),
  z.object({ kind: z.literal('weekdays'), weeks: z.union([z.literal(1), z.literal(4)]).default(1) }),
  z.object({ kind: z.literal('month') }),
  z.object({ kind: z.literal('year') }),
  z.object({ kind: z.literal('custom'), from: isoDate, to: isoDate }),
]);
export type Compare = z.infer<typeof CompareSchema>;

export const ReportFiltersSchema = z
  .object({
    pipelines: z.array(z.number().int()).optional(),
    responsible: z.array(z.number().int()).optional(),
    calltouchSites: z.array(z.number().int()).optional(),
    dimensions: z.partialRecord(z.enum(DIMENSIONS), z.array(z.string().nullable())).optional(),
  })
  .default({});
export type ReportFilters = z.infer<typeof ReportFiltersSchema>;

const periodShape = {
  from: isoDate,
  to: isoDate,
  model: z.enum(MODELS).optional(),
  basis: z.enum(BASES).default('event'),
  filters: ReportFiltersSchema,
};
const periodOrder = { message: 'Начало периода позже конца', path: ['from'] };
const groupBy = z
  .array(z.enum(DIMENSIONS))
  .max(DIMENSIONS.length)
  .default(['source'])
  .refine((g) => new Set(g).size === g.length, 'Измерение указано дважды');

export const ReportQuerySchema = z
  .object({ ...periodShape, groupBy, compare: CompareSchema.optional() })
  .refine((q) => q.from <= q.to, periodOrder);
export type ReportQueryInput = z.input<typeof ReportQuerySchema>;
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

export type ReportRow = Partial<Record<Dimension, string | null>> & { unattributed: boolean } & Metrics;

export interface ReportResult {
  workspace: string;
  from: string;
  to: string;
  timeZone: string;
  model: Model;
  basis: Basis;
  groupBy: Dimension[];
  currency: string;
  rows: ReportRow[];
  totals: Metrics;
  compare?: { from: string; to: string; rows: ReportRow[]; totals: Metrics } & CompareCoverage;
}

/**
 * How much of the comparison period has data: `empty` when it ends before the workspace's first
 * record (nothing to compare with: changes are shown as «—»), `partial` when it starts before it.
 */
export interface CompareCoverage {
  empty?: boolean;
  partial?: boolean;
  /** the workspace's first date with data */
  dataFrom?: string | null;
}

export const GRAINS = ['day', 'week', 'month'] as const;
export type Grain = (typeof GRAINS)[number];

export const SeriesQuerySchema = z
  .object({ ...periodShape, grain: z.enum(GRAINS).default('day'), compare: CompareSchema.optional() })
  .refine((q) => q.from <= q.to, periodOrder);
export type SeriesQuery = z.infer<typeof SeriesQuerySchema>;

export interface SeriesPoint {
  /** first day of the bucket (clipped to the period) */
  from: string;
  to: string;
  metrics: Metrics;
}

export interface SeriesResult {
  grain: Grain;
  model: Model;
  points: SeriesPoint[];
  compare?: { from: string; to: string; points: SeriesPoint[] } & CompareCoverage;
}

export const ModelsQuerySchema = z
  .object({ ...periodShape, groupBy, models: z.array(z.enum(MODELS)).min(1).max(MODELS.length).default([...MODELS]) })
  .refine((q) => q.from <= q.to, periodOrder);
export type ModelsQuery = z.infer<typeof ModelsQuerySchema>;

export interface ModelsResult {
  models: Model[];
  groupBy: Dimension[];
  rows: (Partial<Record<Dimension, string | null>> & { unattributed: boolean; byModel: Partial<Record<Model, Metrics>> })[];
  totals: Partial<Record<Model, Metrics>>;
}

/** The row a drill-down starts from: its dimension values (null = empty), or the unattributed row. */
export const RowKeySchema = z.object({
  dims: z.partialRecord(z.enum(DIMENSIONS), z.string().nullable()).default({}),
  unattributed: z.boolean().default(false),
});

export const DealsQuerySchema = z
  .object({
    ...periodShape,
    row: RowKeySchema,
    kind: z.enum(['deal', 'lead']).default('deal'),
    sort: z.enum(['created', 'won', 'revenue', 'weight']).default('created'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .refine((q) => q.from <= q.to, periodOrder);
export type DealsQuery = z.infer<typeof DealsQuerySchema>;

/** Where a deal's stage (a lead's status) stands in Bitrix24: won (S; a lead converted), lost (F), or in progress. */
export type StageOutcome = 'won' | 'lost' | 'open';

export interface DealListItem {
  kind: 'deal' | 'lead';
  id: number;
  title: string | null;
  createdAt: string;
  wonAt: string | null;
  stage: string | null;
  /** the stage's semantic */
  outcome?: StageOutcome;
  pipeline: string | null;
  responsible: string | null;
  revenue: number;
  /** this conversion's weight on the row under the model */
  weight: number;
}

export interface DealsResult {
  /**
   * how many conversions the row has in all; null when the list was read only as far as the page
   * needed (newest first: the rest were not read, so not counted)
   */
  total: number | null;
  /** conversions after this page */
  more: boolean;
  items: DealListItem[];
}

/** A call or request by its local id (a touch of an explanation). */
export const TouchRefSchema = z.object({ kind: z.enum(['call', 'request']), id: z.number().int().positive() });

export const ExplainQuerySchema = z.object({ kind: z.enum(['deal', 'lead']).default('deal'), id: z.number().int().positive() });

export interface ExplainedTouch {
  kind: 'call' | 'request' | 'visit' | 'crm_utm' | 'crm_source';
  id: number;
  at: string;
  /** by the workspace's channel rules */
  channel: string | null;
  source: string | null;
  medium: string | null;
  campaign: string | null;
  content: string | null;
  term: string | null;
  direct: boolean;
  /** a call's or request's city, device, landing page, referrer and ids (issue 19); null for other kinds */
  details: Enrichment | null;
  /** weight under every rule-based model */
  weights: Partial<Record<Model, number>>;
}

export interface Explanation {
  kind: 'deal' | 'lead';
  id: number;
  title: string | null;
  at: string;
  wonAt: string | null;
  revenue: number;
  /** the deal's stage (the lead's status) by name and semantic, its pipeline and responsible */
  stage?: string | null;
  outcome?: StageOutcome;
  pipeline?: string | null;
  responsible?: string | null;
  lookbackDays: number;
  touches: ExplainedTouch[];
  excluded: (Omit<ExplainedTouch, 'weights'> & { reason: 'outside_window' | 'after_conversion' })[];
  unattributed: UnattributedReason | null;
}

export { METRICS, UNATTRIBUTED_REASONS };

/** `reports:options`: what the period bar's filters can offer for a period (values taken from the data). */
export const OptionsQuerySchema = z
  .object({ from: isoDate, to: isoDate, limit: z.number().int().min(1).max(1000).default(200) })
  .refine((q) => q.from <= q.to, periodOrder);
export type OptionsQuery = z.infer<typeof OptionsQuerySchema>;

export interface FilterOption<K = number> {
  id: K;
  /** the name as in Bitrix24 / the Calltouch settings; null when unknown */
  name: string | null;
  /** records in the period (deals for pipelines, leads + deals for responsibles, calls + requests for sites) */
  count: number;
}

export interface ReportOptions {
  pipelines: FilterOption[];
  responsible: FilterOption[];
  sites: FilterOption[];
  /** per dimension, the values seen in the period (null = not set), busiest first */
  dimensions: Record<Dimension, FilterOption<string | null>[]>;
}
