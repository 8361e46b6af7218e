// The source connectors the engine knows: each connector adds its SourceSync and connection test.
import type { SourceKind } from '@shared/contract';
import type { SourceSync } from './orchestrator';
import type { SourceTester } from '../engine';

export function defaultSources(): SourceSync[] {
  return [];
}

export function defaultTesters(): Partial<Record<SourceKind, SourceTester>> {
  return {};
}
