// The source connectors the engine knows: each connector adds its SourceSync and connection test.
import type { SourceKind } from '@shared/contract';
import type { SourceSync } from './orchestrator';
import type { SourceTester } from '../engine';
import { calltouchSource } from '../sources/calltouch/sync';
import { calltouchTester } from '../sources/calltouch/test-connection';
import { createBitrix24Source } from '../sources/bitrix24/sync';
import { createBitrix24Tester } from '../sources/bitrix24/test-connection';
import { yandexDirectSource } from '../sources/yandex-direct/sync';
import { vkAdsSource } from '../sources/vk-ads/sync';
import { vkAdsTester, yandexDirectTester } from '../sources/ads/test-connection';

export function defaultSources(): SourceSync[] {
  return [
    createBitrix24Source(),
    calltouchSource(),
    yandexDirectSource(),
    vkAdsSource(),
  ];
}

export function defaultTesters(): Partial<Record<SourceKind, SourceTester>> {
  return {
    bitrix24: createBitrix24Tester(),
    calltouch: calltouchTester(),
    yandex_direct: yandexDirectTester(),
    vk_ads: vkAdsTester(),
  };
}
