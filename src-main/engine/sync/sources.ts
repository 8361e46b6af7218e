// The source connectors the engine knows: each connector adds its SourceSync and connection test.
import type { SourceKind } from '@shared/contract';
import type { SourceSync } from './orchestrator';
import type { SourceTester } from '../engine';
import { calltouchSource } from '../sources/calltouch/sync';
import { calltouchTester } from '../sources/calltouch/test-connection';
import { createBitrix24Source } from '../sources/bitrix24/sync';
import { createBitrix24Tester } from '../sources/bitrix24/test-connection';

export function defaultSources(): SourceSync[] {
  return [
    createBitrix24Source(),
    calltouchSource(),
  ];
}

export function defaultTesters(): Partial<Record<SourceKind, SourceTester>> {
  return {
    bitrix24: createBitrix24Tester(),
    calltouch: calltouchTester(),
  };
}
