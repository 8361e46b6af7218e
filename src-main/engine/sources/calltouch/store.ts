// Upserts of mapped Calltouch rows, keyed by (site_id, call_id) / (site_id, request_id). A
// known record is updated in place, so its local `id` (which ident.owner_id points at) never
// changes (see writeRow for why this is not an SQL UPSERT). No transaction here — the caller
// wraps one page and its cursor in one.
// Returns how many records were inserted or actually changed.
import type { Db } from '../../db/open';
import { defineTable, replaceIdentities, writeRow } from '../sql';
import type { CallRow, RequestRow } from './map';
import { ENRICHMENT_COLUMNS, ENRICHMENT_FIELDS, type Enrichment } from '@shared/enrich';

const ENRICH_COLS = Object.values(ENRICHMENT_COLUMNS);
const enrichValues = (r: Enrichment) => ENRICHMENT_FIELDS.map((f) => r[f]);

const CALL = defineTable('ct_call', ['site_id', 'call_id'], [
  'at', 'phone', 'duration', 'successful', 'unique_call', 'target_call',
  'uniq_target_call', 'callback_call', 'source', 'medium', 'campaign', 'content', 'term',
  'tags', 'raw', ...ENRICH_COLS,
]);

const REQUEST = defineTable('ct_request', ['site_id', 'request_id'], [
  'at', 'subject', 'unique_request', 'target_request',
  'uniq_target_request', 'source', 'medium', 'campaign', 'content', 'term', 'tags', 'raw', ...ENRICH_COLS,
]);

export function upsertCalls(db: Db, rows: readonly CallRow[]): number {
  let changed = 0;
  for (const r of rows) {
    const { id, changed: rowChanged } = writeRow(db, CALL, [
      r.siteId, r.callId, r.at, r.phone, r.duration, r.successful, r.uniqueCall, r.targetCall,
      r.uniqTargetCall, r.callbackCall, r.source, r.medium, r.campaign, r.content, r.term,
      r.tags, r.raw, ...enrichValues(r),
    ]);
    const identChanged = replaceIdentities(db, 'call', id, r);
    if (rowChanged || identChanged) changed++;
  }
  return changed;
}

export function upsertRequests(db: Db, rows: readonly RequestRow[]): number {
  let changed = 0;
  for (const r of rows) {
    const { id, changed: rowChanged } = writeRow(db, REQUEST, [
      r.siteId, r.requestId, r.at, r.subject, r.uniqueRequest, r.targetRequest, r.uniqTargetRequest,
      r.source, r.medium, r.campaign, r.content, r.term, r.tags, r.raw, ...enrichValues(r),
    ]);
    const identChanged = replaceIdentities(db, 'request', id, r);
    if (rowChanged || identChanged) changed++;
  }
  return changed;
}
