// Dimension normalisation rules of a workspace (REPORTS.md, "Touches"): trim, lower-case source
// and medium, empty → null, then the user's alias map; plus what counts as direct.
// Pure and shared: the engine applies it, the settings screen previews it.
import type { Dimension } from './metrics';

export interface NormalisationRules {
  aliases: Record<string, string>;
  directSources: string[];
  directMediums: string[];
}

export type Dims = Record<Dimension, string | null>;

export interface Normaliser {
  dims(raw: Partial<Record<Dimension, string | null | undefined>>): Dims;
  isDirect(d: Dims): boolean;
}

function clean(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

export function makeNormaliser(rules: NormalisationRules): Normaliser {
  const aliases = new Map<string, string>();
  for (const [from, to] of Object.entries(rules.aliases)) {
    const f = clean(from)?.toLowerCase();
    const t = clean(to);
    if (f && t) aliases.set(f, t.toLowerCase());
  }
  const directSources = new Set(rules.directSources.map((s) => s.trim().toLowerCase()));
  const directMediums = new Set(rules.directMediums.map((s) => s.trim().toLowerCase()));
  const lower = (v: string | null | undefined): string | null => {
    const c = clean(v)?.toLowerCase() ?? null;
    return c === null ? null : (aliases.get(c) ?? c);
  };
  return {
    dims: (raw) => ({
      source: lower(raw.source),
      medium: lower(raw.medium),
      campaign: clean(raw.campaign),
      content: clean(raw.content),
      term: clean(raw.term),
    }),
    isDirect: (d) =>
      d.source === null || directSources.has(d.source) || (d.medium !== null && directMediums.has(d.medium)),
  };
}
