// Saved views: a named report setup (period preset or fixed range, comparison, model, basis,
// filters, grouping, columns) kept in the workspace. The renderer lists them in the sidebar;
// scheduled exports and `skvoz export --view NAME` resolve them to a concrete report query.
import { z } from 'zod';
import { BASES, DIMENSIONS, METRICS, MODELS, type Model } from './metrics';
import { CompareSchema, ReportFiltersSchema, isoDate, type ReportQueryInput } from './reports-schema';
import { ANCHORS, PresetSchema, anchorDate, compareFor, presetRange, type Period } from './periods';

export const ViewPeriodSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('preset'), preset: PresetSchema, anchor: z.enum(ANCHORS).default('data') }),
  z
    .object({ kind: z.literal('custom'), from: isoDate, to: isoDate })
    .refine((p) => p.from <= p.to, { message: 'Начало периода позже конца', path: ['from'] }),
]);
export type ViewPeriod = z.infer<typeof ViewPeriodSchema>;

/** A comparison chosen in the bar; `custom` carries its own dates. */
export const ViewCompareSchema = CompareSchema.nullable().default(null);

export const ViewSpecSchema = z.object({
  period: ViewPeriodSchema.default({ kind: 'preset', preset: 'last30', anchor: 'data' }),
  compare: ViewCompareSchema,
  model: z.enum(MODELS).nullable().default(null),
  basis: z.enum(BASES).default('event'),
  filters: ReportFiltersSchema,
  groupBy: z
    .array(z.enum(DIMENSIONS))
    .min(1, 'Выберите хотя бы одно измерение')
    .max(DIMENSIONS.length)
    .default(['source'])
    .refine((g) => new Set(g).size === g.length, 'Измерение указано дважды'),
  /** visible metric columns, in order; empty = the default set */
  columns: z.array(z.enum(METRICS)).default([]),
  /** the report screen's mode */
  mode: z.enum(['report', 'models']).default('report'),
  /** the models side by side in the `models` mode, in MODELS order; empty = the default set (`comparedModels`) */
  models: z
    .array(z.enum(MODELS))
    .default([])
    .transform((ms) => MODELS.filter((m) => ms.includes(m))),
});
export type ViewSpec = z.infer<typeof ViewSpecSchema>;
export type ViewSpecInput = z.input<typeof ViewSpecSchema>;

const viewName = z.string().trim().min(1, 'Введите название отчёта').max(80, 'Название — не длиннее 80 символов');

export const SavedViewSchema = z.object({
  id: z.string().min(1),
  name: viewName,
  spec: ViewSpecSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedView = z.infer<typeof SavedViewSchema>;

/** `views:save`: a new view (no id) or a replacement of an existing one. */
export const ViewSaveSchema = z.object({ id: z.string().min(1).optional(), name: viewName, spec: ViewSpecSchema });
export const ViewDeleteSchema = z.object({ id: z.string().min(1) });

/** The models compared side by side: the chosen ones, or the workspace's model with first and linear touch. */
export function comparedModels(models: readonly Model[], workspaceModel: Model): Model[] {
  if (models.length > 0) return [...models];
  const set: Model[] = [workspaceModel, 'first', 'linear'];
  return MODELS.filter((m) => set.includes(m));
}

/** The concrete dates of a view's period for a workspace's today / data range. */
export function viewRange(period: ViewPeriod, ctx: { today: string; dataFrom: string | null; dataTo: string | null }): Period {
  if (period.kind === 'custom') return { from: period.from, to: period.to };
  return presetRange(period.preset, { anchor: anchorDate(ctx.dataTo, ctx.today, period.anchor), dataFrom: ctx.dataFrom });
}

/** A view turned into a `reports:query` input for the given range. */
export function viewQuery(spec: ViewSpec, range: Period): ReportQueryInput {
  return {
    from: range.from,
    to: range.to,
    model: spec.model ?? undefined,
    basis: spec.basis,
    filters: spec.filters,
    groupBy: spec.groupBy,
    compare: compareFor(spec.compare, spec.period),
  };
}
