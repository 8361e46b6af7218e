// Bitrix24 error envelopes → one kind per retry decision (reference/bitrix24.md §8.3, §8.4).
// Legacy CRM methods answer HTTP 400 with `error: ""` — then the kind comes from
// error_description (§2). Messages are Russian and never contain the webhook URL.
import type { ErrorCode } from '@shared/contract';
import { SkvozError } from '../../errors';
import { redact } from '../../log';

export type B24ErrorKind =
  | 'rate' // 503 QUERY_LIMIT_EXCEEDED: back off, retry
  | 'operating' // 429 OPERATION_TIME_LIMIT: park the method until its reset
  | 'overload' // 503 OVERLOAD_LIMIT: manual block — stop, tell the user
  | 'auth' // wrong/revoked webhook code
  | 'scope' // webhook lacks a scope
  | 'denied' // ACCESS_DENIED / "Access denied." (plan without REST, or CRM permissions)
  | 'not_found'
  | 'client' // other 4xx: our request is wrong — never retried
  | 'server' // 5xx: retry with backoff
  | 'network' // no answer, reset, timeout: retry with backoff (not for *.add once sent)
  | 'bad_response'; // not JSON / truncated JSON: retry like a network fault

const AUTH = new Set(['NO_AUTH_FOUND', 'INVALID_CREDENTIALS', 'invalid_token', 'expired_token', 'user_access_error', 'authorization_error']);

function fromDescription(description: string): string {
  const d = description.toLowerCase();
  if (d.includes('access denied')) return 'ACCESS_DENIED';
  if (d.includes('not found')) return 'NOT_FOUND';
  if (d.includes('too many requests')) return 'QUERY_LIMIT_EXCEEDED';
  if (d.includes('operation time limit')) return 'OPERATION_TIME_LIMIT';
  if (d.includes('https required')) return 'INVALID_REQUEST';
  if (d.includes('general error')) return 'GENERAL_ERROR';
  return '';
}

/** The code to act on: `error`, or one read from the description when `error` is empty. */
export function effectiveCode(error: unknown, description: unknown): string {
  const e = typeof error === 'string' ? error.trim() : '';
  if (e) return e;
  return fromDescription(typeof description === 'string' ? description : '');
}

export function classify(status: number, code: string): B24ErrorKind {
  if (code === 'QUERY_LIMIT_EXCEEDED') return 'rate';
  if (code === 'OPERATION_TIME_LIMIT' || status === 429) return 'operating';
  if (code === 'OVERLOAD_LIMIT') return 'overload';
  if (AUTH.has(code)) return 'auth';
  if (code === 'insufficient_scope') return 'scope';
  if (code === 'ACCESS_DENIED') return 'denied';
  if (code === 'NOT_FOUND' || code === 'ERROR_METHOD_NOT_FOUND' || code === 'PORTAL_DELETED') return 'not_found';
  // "Failed to get list. General error." comes with 400 from legacy lists; it is a server hiccup
  if (code === 'GENERAL_ERROR' || code === 'INTERNAL_SERVER_ERROR' || code === 'ERROR_UNEXPECTED_ANSWER') return 'server';
  if (status === 401) return 'auth';
  if (status >= 500 || status === 408) return 'server';
  return 'client';
}

const CODE_OF: Record<B24ErrorKind, ErrorCode> = {
  rate: 'rate_limited',
  operating: 'rate_limited',
  overload: 'rate_limited',
  auth: 'auth_failed',
  scope: 'auth_failed',
  denied: 'auth_failed',
  not_found: 'not_found',
  client: 'internal',
  server: 'network',
  network: 'network',
  bad_response: 'network',
};

function messageFor(kind: B24ErrorKind, apiCode: string, method: string, host: string, detail: string): string {
  const why = detail ? ` (${detail})` : '';
  switch (kind) {
    case 'rate':
      return `Bitrix24 ограничил частоту запросов (QUERY_LIMIT_EXCEEDED) — синхронизация продолжится позже.`;
    case 'operating':
      return `Bitrix24 временно заблокировал метод ${method}: исчерпан лимит времени выполнения (OPERATION_TIME_LIMIT). Повторите через 10 минут.`;
    case 'overload':
      return 'Bitrix24 заблокировал REST API портала (OVERLOAD_LIMIT) — это ручная блокировка службой поддержки Bitrix24. Синхронизация остановлена; обратитесь в поддержку Bitrix24.';
    case 'auth':
      return `Bitrix24 не принял вебхук (${apiCode || 'ошибка авторизации'}): код вебхука неверен, вебхук удалён или истёк. Создайте вебхук заново и вставьте адрес в «Настройках».`;
    case 'scope':
      return 'У вебхука нет нужных прав (insufficient_scope): включите право «CRM (crm)» в настройках входящего вебхука Bitrix24.';
    case 'denied':
      return `Bitrix24 отказал в доступе к ${method} (${apiCode || 'Access denied'}): REST API недоступен на тарифе портала или у владельца вебхука нет прав на CRM.`;
    case 'not_found':
      return apiCode === 'PORTAL_DELETED'
        ? `Портал ${host} удалён или закрыт (PORTAL_DELETED).`
        : `Bitrix24 не нашёл ${method} (${apiCode || 'Not found'}).`;
    case 'client':
      return `Bitrix24 отклонил запрос ${method}${apiCode ? ` (${apiCode})` : ''}${why}.`;
    case 'server':
      return `Портал Bitrix24 ${host} отвечает ошибкой сервера${why} — повторите позже.`;
    case 'network':
      return `Нет связи с порталом Bitrix24 ${host}${why}. Проверьте интернет и адрес портала.`;
    case 'bad_response':
      return `Портал ${host} прислал неполный или не-JSON ответ на ${method}${why}.`;
  }
}

export class B24ApiError extends SkvozError {
  constructor(
    readonly kind: B24ErrorKind,
    readonly apiCode: string,
    readonly status: number,
    readonly method: string,
    readonly host: string,
    readonly description: string,
    /** the response body looked like an HTML page (not a Bitrix24 REST endpoint) */
    readonly html = false,
  ) {
    const detail = redact(description).slice(0, 200);
    super(CODE_OF[kind], messageFor(kind, apiCode, method, host, detail));
    this.name = 'B24ApiError';
  }
}
