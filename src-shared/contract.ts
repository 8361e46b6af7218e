// The one contract between the renderer, the shell and the engine (DESIGN.md §1).
// Inputs are zod schemas (the renderer's forms reuse them); outputs are plain types.
import { z } from 'zod';
import type { CallChannel, EventChannel } from './channels';
import { BASES, DIMENSIONS, MODELS, type Dimension, type Metrics, type Model, type Basis } from './metrics';
import { isValidTimeZone } from './time';
import {
  DealsQuerySchema,
  ExplainQuerySchema,
  TouchRefSchema,
  ModelsQuerySchema,
  OptionsQuerySchema,
  ReportQuerySchema,
  SeriesQuerySchema,
  isoDate,
  type DealsResult,
  type Explanation,
  type ModelsResult,
  type ReportOptions,
  type ReportResult,
  type SeriesResult,
} from './reports-schema';

export * from './reports-schema';
export * from './visits-schema';
export * from './views-schema';
export * from './health-schema';
export * from './export-schema';
export * from './costs-schema';
import { AdCostsSettingsSchema, CostCoverageSchema, CostImportSchema, type ApiCostSource, type CostBatch, type CostCoverage, type CostImportResult } from './costs-schema';
export * from './storage-schema';
import { StorageQuerySchema, StorageRestoreSchema, type StorageRestoreResult, type StorageStatus } from './storage-schema';
export * from './channels-schema';
import { ChannelExportSchema, ChannelImportSchema, ChannelValuesSchema, type ChannelImportResult, type ChannelValues } from './channels-schema';
import { ChannelRulesSchema, defaultChannelRules } from './channel-rules';
import { ExportHtmlSchema, ExportRunSchema, ScheduleDeleteSchema, ScheduleSaveSchema, ExportWhatSchema, type ExportFinished, type ExportJob, type ExportProgress, type ExportSchedule } from './export-schema';
import { HealthRecordsSchema, HealthValuesSchema, type HealthRecords, type HealthSummary, type HealthValues } from './health-schema';
import { ViewDeleteSchema, ViewSaveSchema, type SavedView } from './views-schema';
import { VisitInputSchema, VisitListSchema, VisitPreviewSchema, VisitUpdateSchema, type Visit, type VisitCounts, type VisitList, type VisitPreview } from './visits-schema';

// ---------- envelope ----------

export const ERROR_CODES = [
  'auth_failed',
  'rate_limited',
  'network',
  'invalid_input',
  'not_found',
  'conflict',
  'cancelled',
  /** another process holds the workspace database's write lock: retried, nothing lost */
  'busy',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  code: ErrorCode;
  /** Russian, for the user. */
  message: string;
  /** Field-level messages for forms (zod paths joined with '.'). */
  fields?: Record<string, string>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

// ---------- shared pieces ----------

const timeZone = z.string().refine(isValidTimeZone, { message: 'Неизвестный часовой пояс' });
const nonEmptyName = z
  .string()
  .trim()
  .min(1, 'Введите название')
  .max(100, 'Название длиннее 100 символов');
const noInput = z.undefined().optional();

export const DemoSizeSchema = z.enum(['small', 'medium', 'large']);
export type DemoSize = z.infer<typeof DemoSizeSchema>;

export const SourceKindSchema = z.enum(['bitrix24', 'calltouch', 'yandex_direct', 'vk_ads']);
export type SourceKind = z.infer<typeof SourceKindSchema>;

export const CalltouchSiteSchema = z.object({
  siteId: z.coerce.number({ error: 'ID кабинета — число из цифр' }).int('ID кабинета — целое число').positive('ID кабинета — положительное число'),
  name: z.string().trim().max(100).default(''),
  timeZone: timeZone.default('Europe/Moscow'),
  historyStart: isoDate.nullable().default(null),
});
export type CalltouchSite = z.infer<typeof CalltouchSiteSchema>;

/** Normalisation rules: sane maximums (a pasted log file is not a rule list). */
export const MAX_ALIASES = 2000;
export const MAX_RULES = 500;
const ruleValue = z.string().max(200, 'Значение длиннее 200 символов');

export const SettingsSchema = z.object({
  timeZone: timeZone.default('Europe/Moscow'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'Код валюты из трёх латинских букв').default('RUB'),
  lookbackDays: z.number().int().min(1, 'Окно атрибуции — от 1 дня').max(180, 'Окно атрибуции — не больше 180 дней').default(90),
  defaultModel: z.enum(MODELS).default('last_non_direct'),
  language: z.enum(['ru', 'en']).default('ru'),
  bitrix24: z
    .object({
      baseUrl: z.string().nullable().default(null),
      rateLimit: z.enum(['standard', 'enterprise']).default('standard'),
    })
    .default({ baseUrl: null, rateLimit: 'standard' }),
  calltouch: z
    .object({
      baseUrl: z.string().default('https://api.calltouch.ru'),
      sites: z.array(CalltouchSiteSchema).default([]),
      trailingDays: z.number().int().min(0).max(30).default(3),
    })
    .default({ baseUrl: 'https://api.calltouch.ru', sites: [], trailingDays: 3 }),
  /** ad costs pulled from Yandex Direct and VK Ads (issue 16) */
  adCosts: AdCostsSettingsSchema,
  sync: z
    .object({ intervalMinutes: z.number().int().min(0).max(24 * 60).default(15) })
    .default({ intervalMinutes: 15 }),
  /** offline visits (seed 002): the fallback source of unmatched visits and the outbox options */
  visits: z
    .object({
      customSource: z
        .object({
          source: z.string().trim().min(1).max(126).default('офлайн-визит'),
          medium: z.string().trim().min(1).max(126).default('офлайн-визит'),
          campaign: z.string().trim().min(1).max(126).default('офлайн-визит'),
        })
        .default({ source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' }),
      /** `crm` of the lead-service bodies */
      crmName: z.string().trim().min(1).max(100).default('Skvoz'),
      /** default of the form's «Создать в Bitrix24» */
      createInBitrix24: z.boolean().default(false),
      /** what a visit creates in Bitrix24 */
      bitrix24Entity: z.enum(['lead', 'deal']).default('lead'),
      /** send every synced Bitrix24 deal to Calltouch as an order b24-deal-<ID> (seed 002 §2.1–2.2) */
      forwardBitrix24Deals: z.boolean().default(false),
      /** forward only deals created within this many days (searchDepth is 180 days) */
      forwardDays: z.number().int().min(1).max(3650).default(180),
    })
    .default({
      customSource: { source: 'офлайн-визит', medium: 'офлайн-визит', campaign: 'офлайн-визит' },
      crmName: 'Skvoz',
      createInBitrix24: false,
      bitrix24Entity: 'lead',
      forwardBitrix24Deals: false,
      forwardDays: 180,
    }),
  normalisation: z
    .object({
      aliases: z
        .record(ruleValue, ruleValue)
        .refine((a) => Object.keys(a).length <= MAX_ALIASES, `Не больше ${MAX_ALIASES} правил замены`)
        .default({}),
      /** campaign rename rules (issue 14) */
      campaignAliases: z
        .record(ruleValue, ruleValue)
        .refine((a) => Object.keys(a).length <= MAX_ALIASES, `Не больше ${MAX_ALIASES} правил замены`)
        .default({}),
      directSources: z.array(ruleValue).max(MAX_RULES, `Не больше ${MAX_RULES} значений`).default(['(direct)', 'direct']),
      directMediums: z.array(ruleValue).max(MAX_RULES, `Не больше ${MAX_RULES} значений`).default(['(none)']),
      /** city, device and landing page as report dimensions (issue 19); off by default: they multiply the rollups */
      touchDetails: z.boolean().default(false),
    })
    .default({ aliases: {}, campaignAliases: {}, directSources: ['(direct)', 'direct'], directMediums: ['(none)'], touchDetails: false }),
  /** channel rules (docs/REPORTS.md «Каналы»): ordered, the first that matches names the channel */
  channels: ChannelRulesSchema.default(defaultChannelRules),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * A partial update: keys left out keep their saved value. (`SettingsSchema.partial()` would not
 * do: zod 4 applies a field's default even when it is optional, so every patch reset the other
 * settings — Calltouch sites, normalisation rules… — to their defaults.)
 */
const keep = <T extends z.ZodType>(field: z.ZodDefault<T>) => field.unwrap().optional();
const S = SettingsSchema.shape;
export const SettingsPatchSchema = z.object({
  timeZone: keep(S.timeZone),
  currency: keep(S.currency),
  lookbackDays: keep(S.lookbackDays),
  defaultModel: keep(S.defaultModel),
  language: keep(S.language),
  bitrix24: keep(S.bitrix24),
  calltouch: keep(S.calltouch),
  sync: keep(S.sync),
  visits: keep(S.visits),
  normalisation: keep(S.normalisation),
  adCosts: keep(S.adCosts),
  channels: keep(S.channels),
});
export type SettingsPatch = z.input<typeof SettingsPatchSchema>;

export interface WorkspaceSummary {
  id: string;
  name: string;
  isDemo: boolean;
  createdAt: string;
  lastSyncAt: string | null;
  /** first and last dates with data in the reporting time zone (null when empty) */
  dataFrom: string | null;
  dataTo: string | null;
  /** why the workspace cannot be opened (its database file is missing or damaged); a restore helps */
  problem?: string | null;
}

// ---------- sync ----------

export const SyncStartSchema = z
  .object({
    sources: z.array(SourceKindSchema).min(1).optional(),
    full: z.boolean().default(false),
  })
  .default({ full: false });

export interface SourceStatus {
  state: 'idle' | 'running' | 'error' | 'not_configured';
  lastSuccessAt: string | null;
  lastError: AppError | null;
  lastRows: number;
}

export interface SyncStatus {
  running: boolean;
  runId: string | null;
  sources: Record<SourceKind, SourceStatus>;
  /** the background schedule: `offline` while the network is down, `off` without sources or interval */
  schedule: { state: 'stopped' | 'off' | 'waiting' | 'offline' | 'running'; nextAt: string | null };
}

export interface SyncProgress {
  runId: string;
  source: SourceKind;
  entity: string;
  done: number;
  total: number | null;
  ratePerSec: number;
  requests: number;
}

export interface SyncFinished {
  runId: string;
  ok: boolean;
  error: AppError | null;
  rows: Partial<Record<SourceKind, number>>;
}

export const SourceTestSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('bitrix24') }),
  z.object({ source: z.literal('calltouch'), siteId: z.number().int().positive() }),
  z.object({ source: z.literal('yandex_direct'), login: z.string().trim().max(100).default('') }),
  z.object({ source: z.literal('vk_ads'), client: z.string().trim().max(100).default('') }),
]);
export type SourceTestInput = z.infer<typeof SourceTestSchema>;

/** «Проверить подключение»: ok, or the code and a Russian message saying exactly what is wrong. */
export interface SourceTestResult {
  ok: boolean;
  code: ErrorCode | 'not_https' | 'bad_url' | 'no_scope' | 'plan' | 'blocked' | 'html' | null;
  message: string;
  /** what was learned: portal host, CRM mode, scopes, site name, calls yesterday… */
  details: Record<string, string | number | boolean>;
}

// ---------- secrets (write-only from the renderer) ----------

export const SecretKeySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bitrix24_webhook') }),
  z.object({ kind: z.literal('calltouch_token'), siteId: z.number().int().positive() }),
  /** Direct OAuth token; login '' = the default token (own account, or the agency's for every client login) */
  z.object({ kind: z.literal('yandex_direct_token'), login: z.string().trim().max(100).default('') }),
  /** VK Ads `client_id:client_secret` (or a ready access token) */
  z.object({ kind: z.literal('vk_ads_credentials') }),
]);
export type SecretKey = z.infer<typeof SecretKeySchema>;

export const SecretSetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bitrix24_webhook'), value: z.string().trim().min(1, 'Вставьте адрес вебхука').max(500) }),
  z.object({
    kind: z.literal('calltouch_token'),
    siteId: z.number().int().positive(),
    value: z.string().trim().min(1, 'Вставьте токен API').max(500),
  }),
  z.object({
    kind: z.literal('yandex_direct_token'),
    login: z.string().trim().max(100).default(''),
    value: z.string().trim().min(1, 'Вставьте OAuth-токен Директа').max(500),
  }),
  z.object({ kind: z.literal('vk_ads_credentials'), value: z.string().trim().min(1, 'Вставьте client_id:client_secret').max(500) }),
]);

export interface SecretsStatus {
  /** false when the OS offers no encrypted storage: secrets are then refused, not stored in clear */
  storageAvailable: boolean;
  bitrix24: { configured: boolean; host: string | null };
  calltouch: { siteId: number; configured: boolean }[];
  /** Direct tokens by login ('' = the default token) */
  yandexDirect: { login: string; configured: boolean }[];
  vkAds: { configured: boolean };
}

export interface AppInfo {
  version: string;
  runtime: 'electron' | 'node';
  platform: string;
}

// ---------- the map: channel → input schema, output type ----------

export const inputSchemas = {
  'app:info': noInput,
  'workspaces:list': noInput,
  'workspaces:create': z.object({
    name: nonEmptyName,
    demo: DemoSizeSchema.nullable().default(null),
    seed: z.number().int().optional(),
  }),
  'workspaces:open': z.object({ id: z.string().min(1) }),
  'workspaces:current': noInput,
  'workspaces:rename': z.object({ id: z.string().min(1), name: nonEmptyName }),
  'workspaces:delete': z.object({ id: z.string().min(1), confirmName: z.string() }),
  'settings:get': noInput,
  'settings:update': SettingsPatchSchema,
  'secrets:status': noInput,
  'secrets:set': SecretSetSchema,
  'secrets:clear': SecretKeySchema,
  'sync:start': SyncStartSchema,
  'sync:cancel': noInput,
  'sync:status': noInput,
  'sources:test': SourceTestSchema,
  'reports:query': ReportQuerySchema,
  'reports:series': SeriesQuerySchema,
  'reports:models': ModelsQuerySchema,
  'reports:deals': DealsQuerySchema,
  'reports:explain': ExplainQuerySchema,
  'reports:options': OptionsQuerySchema,
  'reports:landing': TouchRefSchema,
  'visits:create': VisitInputSchema,
  'visits:list': VisitListSchema,
  'visits:preview': VisitPreviewSchema,
  'visits:update': VisitUpdateSchema,
  'visits:cancel': z.object({ id: z.number().int().positive() }),
  'visits:retry': z.object({ id: z.number().int().positive() }),
  'visits:send': noInput,
  'costs:import': CostImportSchema,
  'costs:list': noInput,
  'costs:delete': z.object({ id: z.number().int().positive() }),
  'costs:sources': noInput,
  'costs:coverage': CostCoverageSchema,
  'views:list': noInput,
  'views:save': ViewSaveSchema,
  'views:delete': ViewDeleteSchema,
  'health:summary': noInput,
  'health:records': HealthRecordsSchema,
  'health:values': HealthValuesSchema,
  // exports (issue 8)
  'export:run': ExportRunSchema,
  'export:cancel': z.object({ jobId: z.string().min(1) }),
  'export:html': ExportHtmlSchema,
  'export:pdf': z.object({ what: ExportWhatSchema, path: ExportRunSchema.shape.path }),
  'export:png': z.object({ path: ExportRunSchema.shape.path, dataUrl: z.string().startsWith('data:image/png;base64,').max(40_000_000) }),
  'files:chooseSave': z.object({ suggestedName: z.string().trim().min(1).max(200), format: z.enum(['xlsx', 'csv', 'pdf', 'png', 'json']) }),
  'files:chooseFolder': z.object({ title: z.string().max(200).optional() }).default({}),
  'schedules:list': noInput,
  'schedules:save': ScheduleSaveSchema,
  'schedules:delete': ScheduleDeleteSchema,
  // the database file: integrity, backups, restore (issue 15)
  'storage:status': StorageQuerySchema,
  'storage:check': noInput,
  'storage:backup': noInput,
  'storage:restore': StorageRestoreSchema,
  // channel rules (issue 14)
  'channels:values': ChannelValuesSchema,
  'channels:export': ChannelExportSchema,
  'channels:import': ChannelImportSchema,
  'bitrix24:open': z.object({ kind: z.enum(['deal', 'lead']), id: z.number().int().positive() }),
  'touches:openLanding': TouchRefSchema,
  'files:open': z.object({ path: ExportRunSchema.shape.path }),
  'files:reveal': z.object({ path: ExportRunSchema.shape.path }),
} satisfies Record<CallChannel, z.ZodType>;

export interface Outputs {
  'app:info': AppInfo;
  'workspaces:list': WorkspaceSummary[];
  'workspaces:create': WorkspaceSummary;
  'workspaces:open': WorkspaceSummary;
  'workspaces:current': WorkspaceSummary | null;
  'workspaces:rename': WorkspaceSummary;
  'workspaces:delete': { deleted: string };
  'settings:get': Settings;
  'settings:update': Settings;
  'secrets:status': SecretsStatus;
  'secrets:set': SecretsStatus;
  'secrets:clear': SecretsStatus;
  'sync:start': { runId: string };
  'sync:cancel': { cancelled: boolean };
  'sync:status': SyncStatus;
  'sources:test': SourceTestResult;
  'reports:query': ReportResult;
  'reports:series': SeriesResult;
  'reports:models': ModelsResult;
  'reports:deals': DealsResult;
  'reports:explain': Explanation;
  'reports:options': ReportOptions;
  /** the landing page the call or request stored (null: none) */
  'reports:landing': { url: string | null };
  'visits:create': Visit;
  'visits:list': VisitList;
  'visits:preview': VisitPreview;
  'visits:update': Visit;
  'visits:cancel': Visit;
  'visits:retry': Visit;
  'visits:send': { attempted: number; sent: number; failed: number; rejected: number };
  'costs:import': CostImportResult;
  'costs:list': CostBatch[];
  'costs:sources': ApiCostSource[];
  'costs:coverage': CostCoverage;
  'costs:delete': { deleted: number };
  'views:list': SavedView[];
  'views:save': SavedView;
  'views:delete': { deleted: string };
  'health:summary': HealthSummary;
  'health:records': HealthRecords;
  'health:values': HealthValues;
  'export:run': ExportJob;
  'export:cancel': { cancelled: boolean };
  'export:html': { html: string; title: string };
  'export:pdf': { path: string; bytes: number };
  'export:png': { path: string; bytes: number };
  /** null when the user closed the dialog */
  'files:chooseSave': { path: string | null };
  'files:chooseFolder': { path: string | null };
  'schedules:list': ExportSchedule[];
  'schedules:save': ExportSchedule;
  'schedules:delete': { deleted: string };
  'storage:status': StorageStatus;
  'storage:check': StorageStatus;
  'storage:backup': StorageStatus;
  'storage:restore': StorageRestoreResult;
  'channels:values': ChannelValues;
  'channels:export': { path: string; bytes: number };
  'channels:import': ChannelImportResult;
  /** the card's address on the portal, opened in the browser */
  'bitrix24:open': { url: string };
  /** the touch's landing page, opened in the browser */
  'touches:openLanding': { url: string };
  'files:open': { opened: boolean };
  'files:reveal': { opened: boolean };
}

export interface EventPayloads {
  'sync:progress': SyncProgress;
  'sync:finished': SyncFinished;
  'workspaces:changed': WorkspaceSummary | null;
  /** filling a new demo workspace: stage is dictionaries | leads | contacts | deals | calls | requests | costRows */
  'workspaces:progress': { stage: string; done: number; total: number };
  'visits:changed': VisitCounts;
  'export:progress': ExportProgress;
  'export:finished': ExportFinished;
  /** a full attribution recompute (rules changed): conversions done of total; `finished` once at the end */
  'attribution:progress': { done: number; total: number; finished: boolean };
}

// A missing output or event type is a compile error.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _outputsCoverChannels: Exact<keyof Outputs, CallChannel> = true;
const _eventsCoverChannels: Exact<keyof EventPayloads, EventChannel> = true;
void _outputsCoverChannels;
void _eventsCoverChannels;

/** What the caller passes (defaults may be omitted). */
export type Input<C extends CallChannel> = z.input<(typeof inputSchemas)[C]>;
/** What a handler receives after validation. */
export type Parsed<C extends CallChannel> = z.output<(typeof inputSchemas)[C]>;
export type Output<C extends CallChannel> = Outputs[C];

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type MethodFn<C extends CallChannel> = undefined extends Input<C>
  ? (input?: Input<C>) => Promise<Result<Output<C>>>
  : (input: Input<C>) => Promise<Result<Output<C>>>;

/** `window.skvoz`: one function per channel, grouped by domain (`skvoz.reports.query(...)`). */
export type SkvozApi = {
  [D in DomainOf<CallChannel>]: {
    [C in CallChannel as C extends `${D}:${infer V}` ? V : never]: MethodFn<C>;
  };
} & {
  /** Subscribe to an engine push; returns the unsubscribe function. */
  on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

export { DIMENSIONS, MODELS, BASES };
export type { Dimension, Model, Basis, Metrics };
