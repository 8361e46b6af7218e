// Form validation with the contract's own zod schemas (a rule is written once, DESIGN.md §1).
import type { AppError } from '@shared/contract';

interface Issue {
  path: PropertyKey[];
  message: string;
}

/** zod issues → { 'field.path': 'first message' }, the same shape as `AppError.fields`. */
export function issuesToFields(issues: readonly Issue[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (!(key in fields)) fields[key] = issue.message;
  }
  return fields;
}

/** Field messages to show: the engine's when it answered with an error, else the local ones. */
export function mergeFields(local: Record<string, string>, error: AppError | null): Record<string, string> {
  return { ...local, ...(error?.fields ?? {}) };
}
