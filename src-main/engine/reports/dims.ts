// The dimension tuples as reports see them (labels in place of the lower-case keys of source,
// medium and campaign), dimension filters as reports apply them (case-insensitive where matching
// is), and imported costs' dims (normalised and given a channel by the same rules as touches).
import type { ReportFilters } from '@shared/contract';
import { DETAIL_DIMS, DIMENSIONS, type Dimension } from '@shared/metrics';
import { LABEL_DIMS, labelKey, workspaceNormaliser, type Dims, type LabelDim, type Normaliser, type RawDims } from '@shared/normalise';
import type { Db } from '../db/open';
import type { Workspace } from '../workspace';
import { SkvozError } from '../errors';
import { attributionGeneration } from '../attribution/state';
import { loadLabels, type Labels } from '../attribution/labels';

export type TupleMap = Map<number, Dims>;

const COLUMNS = DIMENSIONS.join(', ');
const isLabelDim = (d: Dimension): d is LabelDim => (LABEL_DIMS as readonly string[]).includes(d);

interface Cached {
  key: string;
  map: TupleMap;
  labels: Labels;
  norm: Normaliser;
}

const cache = new WeakMap<Db, Cached>();

/**
 * What reports read on every query, kept until attribution is recomputed, another connection
 * writes the file or the normalisation or channel settings change: the tuples with their labels,
 * the labels, the workspace's normaliser (its channel rules compiled).
 */
function current(ws: Workspace): Cached {
  const db = ws.db;
  const key = `${attributionGeneration(db)}:${db.pragma('data_version', { simple: true }) as number}:${JSON.stringify([ws.settings.normalisation, ws.settings.channels])}`;
  const hit = cache.get(db);
  if (hit?.key === key) return hit;
  const labels = loadLabels(db, ws.settings);
  const map: TupleMap = new Map();
  for (const r of db.prepare(`SELECT id, ${COLUMNS} FROM dim_tuple`).all() as (Dims & { id: number })[]) {
    const d = {} as Dims;
    for (const dim of DIMENSIONS) d[dim] = isLabelDim(dim) ? labels.of(dim, r[dim]) : r[dim];
    map.set(r.id, d);
  }
  const c = { key, map, labels, norm: workspaceNormaliser(ws.settings) };
  cache.set(db, c);
  return c;
}

/** Tuple id → dims with labels, for the workspace's current attribution (call after ensureAttribution). */
export function loadTuples(ws: Workspace): TupleMap {
  return current(ws).map;
}

/** Tuple ids by their stored (key) values, as JSON of DIMENSIONS' values. */
export function tupleIdsByKey(db: Db): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of db.prepare(`SELECT id, ${COLUMNS} FROM dim_tuple`).all() as (Dims & { id: number })[]) {
    m.set(JSON.stringify(DIMENSIONS.map((d) => r[d])), r.id);
  }
  return m;
}

/** A value as a dimension compares it: the key for case-insensitive dimensions. */
export function compareKey(dim: Dimension, v: string | null | undefined): string | null {
  return isLabelDim(dim) ? labelKey(v) : (v ?? null);
}

/** Russian names of the touch-detail dimensions, for the message below */
const DETAIL_NAMES: Record<(typeof DETAIL_DIMS)[number], string> = { city: '«Город»', device: '«Устройство»', landing: '«Посадочная»' };

/**
 * Grouping or filtering by city, device or landing page needs them turned on in the workspace
 * (settings.normalisation.touchDetails): otherwise every row would say «не задано». Says how.
 */
export function checkDetailDims(ws: Workspace, q: { groupBy?: readonly Dimension[]; filters?: Pick<ReportFilters, 'dimensions'> }): void {
  if (ws.settings.normalisation.touchDetails) return;
  const used = DETAIL_DIMS.filter((d) => q.groupBy?.includes(d) || q.filters?.dimensions?.[d] !== undefined);
  if (!used.length) return;
  throw new SkvozError(
    'invalid_input',
    `Разрезы ${used.map((d) => DETAIL_NAMES[d]).join(', ')} выключены в этом пространстве: включите «Город, устройство и посадочная в отчётах» в «Настройки → Нормализация UTM-меток» (в командной строке: skvoz settings set --workspace ПАПКА normalisation.touchDetails=true), атрибуция будет пересчитана.`,
  );
}

/**
 * The query's dimension filter as a test on dims (null = unattributed, which any filter drops);
 * null when nothing is filtered. Answers are remembered per dims object (tuples repeat).
 */
export function dimFilter(filters: Pick<ReportFilters, 'dimensions'>): ((d: Partial<Dims> | null) => boolean) | null {
  const wanted = (Object.entries(filters.dimensions ?? {}) as [Dimension, (string | null)[] | undefined][])
    .filter(([, v]) => v && v.length > 0)
    .map(([dim, v]) => [dim, new Set(v!.map((x) => compareKey(dim, x)))] as const);
  if (wanted.length === 0) return null;
  const seen = new WeakMap<object, boolean>();
  return (d) => {
    if (d === null) return false;
    let ok = seen.get(d);
    if (ok === undefined) {
      ok = wanted.every(([dim, set]) => set.has(compareKey(dim, d[dim])));
      seen.set(d, ok);
    }
    return ok;
  };
}

/**
 * Normalised, labelled dims of imported cost rows: the channel by the workspace's rules as for a
 * touch of no kind; a key no touch has is shown as its first spelling in the costs.
 */
export function costDimsOf(ws: Workspace): (raw: RawDims) => Dims {
  const { norm, labels: label } = current(ws);
  const own = LABEL_DIMS.map(() => new Map<string, string>());
  return (raw) => {
    const d = norm.dims(raw, null);
    LABEL_DIMS.forEach((dim, i) => {
      const key = d[dim];
      if (key === null) return;
      const stored = label.known(dim, key);
      if (stored !== undefined) {
        d[dim] = stored;
        return;
      }
      let first = own[i]!.get(key);
      if (first === undefined) {
        const spelled = raw[dim]?.trim();
        first = spelled && spelled.toLowerCase() === key ? spelled : key;
        own[i]!.set(key, first);
      }
      d[dim] = first;
    });
    return d;
  };
}
