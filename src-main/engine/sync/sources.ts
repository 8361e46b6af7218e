// The source connectors the engine knows. Each connector issue adds its SourceSync here.
import type { SourceSync } from './orchestrator';

export function defaultSources(): SourceSync[] {
  return [];
}
