// Shapes of Calltouch API records as reference/calltouch.md documents them (§2, §3, §12).
// Booleans may come as true / "true" / "True"; ids as numbers or strings; many objects null.

export type CtBool = boolean | 'true' | 'false' | 'True' | 'False';

export interface CtCallTag {
  category: string;
  type: string;
  names: string[];
}

export interface CtCallRaw {
  callId: number | string;
  callphase?: string;
  attribution?: number;
  /** dd/mm/yyyy HH:MM:SS in the project time zone */
  date: string;
  timestamp?: number;
  duration: number;
  waitingConnect?: number;
  callerNumber: string;
  phoneNumber: string;
  redirectNumber?: string | null;
  successful: CtBool;
  uniqueCall: CtBool;
  targetCall: CtBool;
  uniqTargetCall: CtBool;
  callbackCall: CtBool;
  city?: string | null;
  source?: string | null;
  medium?: string | null;
  keyword?: string | null;
  url?: string | null;
  callUrl?: string | null;
  ref?: string | null;
  hostname?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  utmContent?: string | null;
  utmTerm?: string | null;
  sessionId?: number | null;
  sessionDate?: string | null;
  ctCallerId?: string | null;
  ctClientId?: number | null;
  ctGlobalId?: number | string | null;
  clientId?: string | null;
  yaClientId?: string | null;
  siteId?: number;
  siteName?: string | null;
  callTags?: CtCallTag[] | null;
  yandexDirect?: { campaignId: number; adGroupId: number; adId: number; criteriaId: number } | null;
  googleAdWords?: unknown;
  orders?: unknown[] | null;
  mapVisits?: unknown;
  [k: string]: unknown;
}

export interface CtCallsPage {
  page: number;
  pageTotal: number;
  pageSize: number;
  recordsTotal: number;
  records: CtCallRaw[];
}

export interface CtRequestSession {
  sessionId: number;
  sessionDate?: string | null;
  source?: string | null;
  medium?: string | null;
  keywords?: string | null;
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  utmContent?: string | null;
  utmTerm?: string | null;
  city?: string | null;
  ip?: string | null;
  ref?: string | null;
  url?: string | null;
  browser?: string | null;
  yaClientId?: string | null;
  attribution?: number;
  [k: string]: unknown;
}

export interface CtRequestRaw {
  requestId: number | string;
  requestNumber: string;
  requestType?: string | null;
  subject: string | null;
  /** epoch milliseconds */
  date: number;
  /** dd/mm/yyyy hh:mm:ss in the project time zone */
  dateStr: string;
  requestUrl?: string | null;
  status?: string | null;
  manager?: string | null;
  siteId?: number;
  uniqueRequest: CtBool;
  targetRequest: CtBool;
  uniqTargetRequest: CtBool;
  client?: {
    clientId: number;
    fio: string | null;
    phones: { phoneNumber: string; phoneType?: string | null }[] | null;
    contacts?: { contactType: string; contactValue: string }[] | null;
  } | null;
  session?: CtRequestSession | null;
  ctClientId?: number | null;
  ctGlobalId?: number | string | null;
  orders?: unknown[] | null;
  comments?: unknown[] | null;
  RequestTags?: { category?: string; type?: string; names?: string[] }[] | null;
  [k: string]: unknown;
}
