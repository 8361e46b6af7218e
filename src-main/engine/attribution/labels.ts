// Labels of case-insensitive values (docs/REPORTS.md «Каналы»): source, medium and campaign are
// matched by a lower-case key, and a report shows the key's most frequent original spelling.
// A full recompute counts the spellings as it reads (one per call, request, record with UTM, CRM
// source fallback and visit) and replaces dim_label; an incremental one labels only keys it sees
// for the first time (tuples.ts), so a label can lag behind new data until the next full recompute.
import type { Settings } from '@shared/contract';
import { chooseLabel, labelKey, LABEL_DIMS, type LabelDim } from '@shared/normalise';
import type { Db } from '../db/open';
import type { TouchDims } from './inputs';

export type LabelRow = [dim: LabelDim, key: string, label: string];

/** The spellings the user typed as alias targets, by dimension and key. */
function aliasTargets(settings: Pick<Settings, 'normalisation'>): Record<LabelDim, Map<string, string>> {
  const out = { source: new Map<string, string>(), medium: new Map<string, string>(), campaign: new Map<string, string>() };
  for (const to of Object.values(settings.normalisation.aliases)) {
    const k = labelKey(to);
    if (k) for (const m of [out.source, out.medium]) if (!m.has(k)) m.set(k, to.trim());
  }
  for (const to of Object.values(settings.normalisation.campaignAliases ?? {})) {
    const k = labelKey(to);
    if (k && !out.campaign.has(k)) out.campaign.set(k, to.trim());
  }
  return out;
}

/** Every key's label from the spellings counted (`seen[dimsKey]` records of each TouchDims). */
export function chooseLabels(dims: readonly TouchDims[], seen: readonly number[], settings: Pick<Settings, 'normalisation'>): LabelRow[] {
  const counts = LABEL_DIMS.map(() => new Map<string, Map<string, number>>());
  dims.forEach((d, k) => {
    const n = seen[k] ?? 0;
    LABEL_DIMS.forEach((dim, i) => {
      const key = d[dim];
      const spelling = d.spell[i];
      if (key === null || !spelling) return;
      let m = counts[i]!.get(key);
      if (!m) counts[i]!.set(key, (m = new Map()));
      m.set(spelling, (m.get(spelling) ?? 0) + n);
    });
  });
  const targets = aliasTargets(settings);
  const out: LabelRow[] = [];
  LABEL_DIMS.forEach((dim, i) => {
    for (const [key, spellings] of counts[i]!) out.push([dim, key, chooseLabel(key, spellings, targets[dim].get(key))]);
  });
  return out;
}

/** Replaces the labels (inside the full recompute's transaction). */
export function writeLabels(db: Db, rows: readonly LabelRow[]): void {
  db.exec('DELETE FROM dim_label');
  const ins = db.prepare('INSERT OR REPLACE INTO dim_label (dim, key, label) VALUES (?, ?, ?)');
  for (const r of rows) ins.run(...r);
}

export interface Labels {
  /** the label a report shows for a key (the key itself when nothing better is known) */
  of(dim: LabelDim, key: string | null): string | null;
  /** dim_label's label or the alias target as typed; undefined when neither knows the key */
  known(dim: LabelDim, key: string): string | undefined;
}

/**
 * The labels of keys as reports show them: dim_label's, else the alias target as typed, else the
 * key itself (keys of values only imported costs carry, for instance).
 */
export function loadLabels(db: Db, settings: Pick<Settings, 'normalisation'>): Labels {
  const stored = LABEL_DIMS.map(() => new Map<string, string>());
  for (const r of db.prepare('SELECT dim, key, label FROM dim_label').raw(true).all() as LabelRow[]) {
    const i = LABEL_DIMS.indexOf(r[0]);
    if (i >= 0) stored[i]!.set(r[1], r[2]);
  }
  const targets = aliasTargets(settings);
  const known = (dim: LabelDim, key: string) => stored[LABEL_DIMS.indexOf(dim)]!.get(key) ?? targets[dim].get(key);
  return { known, of: (dim, key) => (key === null ? null : (known(dim, key) ?? key)) };
}
