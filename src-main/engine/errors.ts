// Engine errors carry a stable code (contract ErrorCode) and a Russian message for the user.
import type { AppError, ErrorCode } from '@shared/contract';
import { z } from 'zod';
import { redact } from './log';
import { busyMessage, CORRUPT_TEXT, isBusy, isCorrupt, isReadonly, READONLY_TEXT } from './db/busy';

export class SkvozError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'SkvozError';
  }
}

export function invalidInput(message: string, fields?: Record<string, string>): SkvozError {
  return new SkvozError('invalid_input', message, fields);
}

export function notFound(message: string): SkvozError {
  return new SkvozError('not_found', message);
}

/** Turns a zod failure into a contract error with per-field messages. */
export function fromZod(err: z.ZodError): AppError {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.map(String).join('.') || '_';
    if (!(key in fields)) fields[key] = issue.message;
  }
  const first = err.issues[0];
  const where = first && first.path.length ? ` (${first.path.join('.')})` : '';
  return {
    code: 'invalid_input',
    message: `Неверные данные${where}: ${first?.message ?? 'проверьте поля'}`,
    fields,
  };
}

/** Any thrown value → contract error; unknown errors become `internal` with a redacted text. */
export function toAppError(err: unknown): AppError {
  if (err instanceof SkvozError) {
    return err.fields ? { code: err.code, message: err.message, fields: err.fields } : { code: err.code, message: err.message };
  }
  if (err instanceof z.ZodError) return fromZod(err);
  if (isBusy(err)) return { code: 'busy', message: busyMessage(null) };
  if (isCorrupt(err)) return { code: 'internal', message: CORRUPT_TEXT };
  if (isReadonly(err)) return { code: 'conflict', message: READONLY_TEXT };
  const text = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: `Внутренняя ошибка: ${redact(text)}` };
}
