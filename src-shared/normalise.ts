// Dimension normalisation rules of a workspace (REPORTS.md, "Touches"): trim, empty → null; source,
// medium and campaign are matched case-insensitively (their key is lower-case; the label a report
// shows is the most frequent original spelling, chosen by the engine), then the user's alias maps;
// the channel comes from the channel rules; city, device and landing (the page's path) as
// src-shared/enrich.ts makes them; plus what counts as direct.
// Pure and shared: the engine applies it, the settings screen previews it.
import { makeChannelClassifier, type ChannelRulesInput, type TouchKind } from './channel-rules';
import { cityName, landingPath } from './enrich';
import type { Dimension } from './metrics';

export interface NormalisationRules {
  /** source and medium aliases: value in the data → what it means */
  aliases: Record<string, string>;
  /** campaign rename rules: campaign in the data → what it means */
  campaignAliases?: Record<string, string>;
  directSources: string[];
  directMediums: string[];
  /** city, device and landing as report dimensions (metrics.ts DETAIL_DIMS); off: they stay null in the tuples */
  touchDetails?: boolean;
}

export type Dims = Record<Dimension, string | null>;

/** Dimensions compared case-insensitively; reports show their most frequent spelling. */
export const LABEL_DIMS = ['source', 'medium', 'campaign'] as const satisfies readonly Dimension[];
export type LabelDim = (typeof LABEL_DIMS)[number];

export type RawDims = Partial<Record<Exclude<Dimension, 'channel'>, string | null | undefined>>;

export interface Normaliser {
  /** normalised dims; the channel by the rules for a touch of `kind` (null kind: a cost row) — null without rules */
  dims(raw: RawDims, kind?: TouchKind | null): Dims;
  isDirect(d: Dims): boolean;
}

export function clean(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** The key of a label dimension's value: trimmed, lower-case (null when empty). */
export function labelKey(v: string | null | undefined): string | null {
  return clean(v)?.toLowerCase() ?? null;
}

function aliasMap(from: Record<string, string> | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const [f0, t0] of Object.entries(from ?? {})) {
    const f = labelKey(f0);
    const t = labelKey(t0);
    if (f && t) m.set(f, t);
  }
  return m;
}

export function makeNormaliser(rules: NormalisationRules, channels?: ChannelRulesInput): Normaliser {
  const aliases = aliasMap(rules.aliases);
  const campaignAliases = aliasMap(rules.campaignAliases);
  const directSources = new Set(rules.directSources.map((s) => s.trim().toLowerCase()));
  const directMediums = new Set(rules.directMediums.map((s) => s.trim().toLowerCase()));
  const classifier = channels ? makeChannelClassifier(channels) : null;
  const details = rules.touchDetails === true;
  const keyOf = (v: string | null | undefined, map: Map<string, string>): string | null => {
    const k = labelKey(v);
    return k === null ? null : (map.get(k) ?? k);
  };
  return {
    dims: (raw, kind = null) => {
      const source = keyOf(raw.source, aliases);
      const medium = keyOf(raw.medium, aliases);
      const campaign = keyOf(raw.campaign, campaignAliases);
      return {
        channel: classifier ? classifier.channelOf({ source, medium, campaign, kind }) : null,
        source,
        medium,
        campaign,
        content: clean(raw.content),
        term: clean(raw.term),
        city: details ? cityName(raw.city) : null,
        device: details ? (clean(raw.device)?.toLowerCase() ?? null) : null,
        landing: details ? landingPath(raw.landing) : null,
      };
    },
    isDirect: (d) =>
      d.source === null || directSources.has(d.source) || (d.medium !== null && directMediums.has(d.medium)),
  };
}

/** The workspace's normaliser: its normalisation and channel rules. */
export function workspaceNormaliser(settings: { normalisation: NormalisationRules; channels: ChannelRulesInput }): Normaliser {
  return makeNormaliser(settings.normalisation, settings.channels);
}

/**
 * The label of a key: the most frequent spelling whose own key it is (ties: the first in code
 * point order, so «Yandex» before «yandex»); else the spelling an alias maps to; else the key.
 */
export function chooseLabel(key: string, spellings: ReadonlyMap<string, number> | undefined, aliasTarget?: string): string {
  let best: string | null = null;
  let bestN = -1;
  for (const [s, n] of spellings ?? []) {
    if (s.toLowerCase() !== key) continue;
    if (n > bestN || (n === bestN && best !== null && s < best)) {
      best = s;
      bestN = n;
    }
  }
  return best ?? (aliasTarget && labelKey(aliasTarget) === key ? aliasTarget.trim() : key);
}
