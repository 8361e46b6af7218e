// How a cost row pulled from an ad platform lands on report rows: source / medium / campaign from
// the workspace's settings (Direct: yandex / cpc; VK Ads: vk / the chosen medium; the campaign's
// name, its id, or the value the user mapped its id to).
import type { AdPlatform, Settings } from '@shared/contract';

export interface AdDims {
  source: string;
  medium: string;
  campaign: string;
}

export const PLATFORM_SOURCE: Record<AdPlatform, string> = { yandex_direct: 'yandex', vk_ads: 'vk' };

export function adDims(settings: Settings, platform: AdPlatform, campaignId: string, campaignName: string): AdDims {
  const a = settings.adCosts;
  const mapped = a.campaignMap[`${platform}:${campaignId}`];
  const campaign = mapped ?? (a.campaignAs === 'id' || campaignName.trim() === '' ? campaignId : campaignName);
  return {
    source: PLATFORM_SOURCE[platform],
    medium: platform === 'vk_ads' ? a.vkAds.medium : 'cpc',
    campaign,
  };
}
