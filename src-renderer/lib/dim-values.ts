// How a dimension value reads in the interface: the device categories the engine stores as codes
// (mobile, tablet, desktop — issue 19) in the interface language; every other value as stored.
import type { Dimension } from '@shared/metrics';
import { t } from './i18n';

const DEVICES = ['mobile', 'tablet', 'desktop'] as const;

export function valueText(dim: Dimension, v: string): string {
  if (dim !== 'device') return v;
  const known = DEVICES.find((d) => d === v);
  return known ? t(`device.${known}`) : v;
}
