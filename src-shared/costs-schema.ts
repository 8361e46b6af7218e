// Costs: the column roles of a costs file, the mapping a preview confirms, API cost sources.
import { z } from 'zod';

import { isIsoDate } from './time';

const isoDay = z.string().refine(isIsoDate, { message: 'Дата в формате ГГГГ-ММ-ДД' });

/** What a column of a costs file can hold. */
export const COST_ROLES = ['date', 'source', 'medium', 'campaign', 'content', 'term', 'cost', 'currency', 'impressions', 'clicks', 'campaignId'] as const;
export type CostRole = (typeof COST_ROLES)[number];

/** Recognised file layouts: Yandex Metrica's expenses CSV, a Direct statistics export, a VK Ads export, anything else. */
export const COST_LAYOUTS = ['metrica', 'yandex_direct', 'vk_ads', 'generic'] as const;
export type CostLayout = (typeof COST_LAYOUTS)[number];

const label = z.string().trim().max(126);

/** The preview's answer: which column (0-based) holds which role, and values for the whole file. */
export const CostMappingSchema = z.object({
  /** role → column index, or null for "not in the file" */
  columns: z.partialRecord(z.enum(COST_ROLES), z.number().int().min(0).max(500).nullable()).default({}),
  /** the header's line (1-based) when the file has text above it */
  headerLine: z.number().int().min(1).max(1000).optional(),
  /** source / medium for every row when the file has no such column (Direct: yandex / cpc) */
  source: label.optional(),
  medium: label.optional(),
});
export type CostMapping = z.infer<typeof CostMappingSchema>;

/** Ad platforms Skvoz pulls costs from. */
export const AD_PLATFORMS = ['yandex_direct', 'vk_ads'] as const;
export type AdPlatform = (typeof AD_PLATFORMS)[number];

/** Costs pulled from an ad platform, per account (costs:list shows them beside the CSV batches). */
export interface ApiCostSource {
  platform: AdPlatform;
  /** Direct Client-Login or VK agency client name; '' for the token's own account */
  account: string;
  rows: number;
  total: number;
  currency: string;
  from: string | null;
  to: string | null;
  lastSyncAt: string | null;
}

export const CostCoverageSchema = z.object({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Дата в формате ГГГГ-ММ-ДД'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Дата в формате ГГГГ-ММ-ДД'),
});

/** Data health: which sources / mediums have costs in a period, and from where. */
export interface CostCoverageRow {
  source: string | null;
  medium: string | null;
  leads: number;
  cost: number;
  /** days of the period with a cost row */
  days: number;
  origin: 'csv' | 'api' | 'both' | 'none';
}

export interface CostCoverage {
  from: string;
  to: string;
  days: number;
  rows: CostCoverageRow[];
}

/** Workspace settings of the ad-platform cost syncs (Settings.adCosts). */
export const AdCostsSettingsSchema = z
    .object({
      /** Direct's IncludeVAT: costs with VAT (as billed) or without */
      vat: z.enum(['with', 'without']).default('with'),
      /** each run pulls again this many days before today: platforms correct costs after the fact */
      trailingDays: z.number().int().min(0).max(60).default(7),
      /** first day to pull; null = 365 days before the first sync */
      historyStart: isoDay.nullable().default(null),
      /** campaign value of a cost row: the campaign's name, or its id (ads tagged utm_campaign={campaign_id}) */
      campaignAs: z.enum(['name', 'id']).default('name'),
      /** explicit campaign id → UTM campaign value, keyed `yandex_direct:<id>` / `vk_ads:<id>` */
      campaignMap: z.record(z.string(), z.string().trim().min(1).max(200)).default({}),
      yandexDirect: z
        .object({
          baseUrl: z.string().default('https://api.direct.yandex.com'),
          /** agency: the clients' logins (Client-Login); empty = the token's own account */
          logins: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
        })
        .default({ baseUrl: 'https://api.direct.yandex.com', logins: [] }),
      vkAds: z
        .object({
          baseUrl: z.string().default('https://ads.vk.com'),
          /** agency: the clients' user names (agency_client_name); empty = the own account */
          clients: z.array(z.string().trim().min(1).max(100)).max(100).default([]),
          /** utm_medium of VK costs */
          medium: z.string().trim().min(1).max(50).default('cpc'),
          /** currency of the VK Ads cabinet */
          currency: z.string().regex(/^[A-Z]{3}$/, 'Код валюты из трёх латинских букв').default('RUB'),
        })
        .default({ baseUrl: 'https://ads.vk.com', clients: [], medium: 'cpc', currency: 'RUB' }),
    })
    .default({
      vat: 'with',
      trailingDays: 7,
      historyStart: null,
      campaignAs: 'name',
      campaignMap: {},
      yandexDirect: { baseUrl: 'https://api.direct.yandex.com', logins: [] },
      vkAds: { baseUrl: 'https://ads.vk.com', clients: [], medium: 'cpc', currency: 'RUB' },
    });

// ---------- cost files ----------

/** One day's cost of one source/medium/campaign/content/term, as read from a file or an API. */
export interface CostRow {
  day: string;
  source: string;
  medium: string;
  campaign: string;
  content: string;
  term: string;
  amount: number;
  currency: string;
  impressions: number | null;
  clicks: number | null;
}


export const CostImportSchema = z.object({
  fileName: z.string().trim().min(1).max(260),
  /** file bytes, base64 (the renderer reads the file; cp1251 needs the raw bytes) */
  contentBase64: z.string().max(40_000_000, 'Файл больше 30 МБ'),
  skipErrors: z.boolean().default(false),
  /** parse and report without writing (preview) */
  dryRun: z.boolean().default(false),
  /** the preview's column mapping; without it the columns are recognised by their headers */
  mapping: CostMappingSchema.optional(),
});

export interface CostBatch {
  id: number;
  origin: 'csv' | 'demo';
  fileName: string | null;
  importedAt: string;
  rows: number;
  total: number;
  from: string | null;
  to: string | null;
}

/** How a cost file was read: the parser's (engine/costs/csv.ts) and so the import's answer. */
export interface CostFileReading {
  /** the header cells as read, its line, and which column was taken for which role */
  header: string[];
  headerLine: number | null;
  columns: Partial<Record<CostRole, number>>;
  layout: CostLayout;
  /** source / medium given for the whole file (a Direct or VK export has no such column) */
  source: string | null;
  medium: string | null;
}

export interface CostImportResult extends CostFileReading {
  batchId: number | null;
  lines: number;
  rows: number;
  total: number;
  errors: { line: number; message: string }[];
  errorCount: number;
  encoding: 'utf-8' | 'windows-1251';
  delimiter: ',' | ';' | '\t';
  preview: CostRow[];
  /** rows whose day + source / medium / campaign an ad platform's API already gives (the API wins in reports) */
  shadowed: number;
}
