// «Проверить подключение» for Bitrix24: validates the webhook URL, then calls `scope` and
// `crm.settings.mode.get` and says in Russian exactly what is wrong (reference/bitrix24.md §1.1,
// §8.3, §9.3). Never echoes the webhook code.
import type { SourceTestResult } from '@shared/contract';
import type { SourceTester } from '../../engine';
import { SkvozError } from '../../errors';
import { createLogger } from '../../log';
import { B24ApiError } from './api-error';
import type { B24Client, B24ClientOptions } from './client';
import { makeClient, readWebhookSecret } from './sync';
import { WebhookError } from './webhook';

type Code = SourceTestResult['code'];

function result(ok: boolean, code: Code, message: string, details: SourceTestResult['details'] = {}): SourceTestResult {
  return { ok, code, message, details };
}

const AUTH_TEXT: Record<string, string> = {
  NO_AUTH_FOUND: 'портал не нашёл такой вебхук (NO_AUTH_FOUND): код неверный или вебхук удалён',
  INVALID_CREDENTIALS: 'портал отклонил код вебхука (INVALID_CREDENTIALS): код неверный или у владельца вебхука больше нет прав',
  invalid_token: 'код вебхука недействителен (invalid_token)',
  expired_token: 'срок действия вебхука истёк (expired_token)',
};

/** A failed call → the test's answer. */
export function explain(err: unknown, host: string): SourceTestResult {
  const details = { host };
  if (err instanceof B24ApiError) {
    switch (err.kind) {
      case 'auth':
        return result(
          false,
          'auth_failed',
          `Неверный вебхук: ${AUTH_TEXT[err.apiCode] ?? `портал отклонил код вебхука (${err.apiCode || `HTTP ${err.status}`})`}. ` +
            'Создайте входящий вебхук в Bitrix24 («Разработчикам» → «Другое» → «Входящий вебхук») и вставьте адрес целиком.',
          details,
        );
      case 'scope':
        return result(false, 'no_scope', 'У вебхука нет права «CRM (crm)» (insufficient_scope): отметьте его в настройках вебхука и сохраните.', details);
      case 'denied':
        return result(
          false,
          'plan',
          'REST API недоступен (ACCESS_DENIED): на бесплатном тарифе Bitrix24 вебхуки не работают, либо у владельца вебхука нет доступа к CRM. ' +
            'Проверьте тариф портала и права сотрудника, создавшего вебхук.',
          details,
        );
      case 'overload':
        return result(
          false,
          'blocked',
          'Портал заблокировал REST API (OVERLOAD_LIMIT) — это ручная блокировка службой поддержки Bitrix24 из-за перегрузки. Обратитесь в поддержку Bitrix24.',
          details,
        );
      case 'rate':
      case 'operating':
        return result(false, 'rate_limited', `${err.message} Проверьте подключение через несколько минут.`, details);
      case 'not_found':
        return err.apiCode === 'ERROR_METHOD_NOT_FOUND'
          ? result(false, 'bad_url', 'Портал не распознал адрес вебхука (ERROR_METHOD_NOT_FOUND): скопируйте адрес входящего вебхука заново.', details)
          : result(false, 'not_found', err.message, details);
      case 'bad_response':
      case 'client':
        if (err.html) {
          return result(false, 'html', `По адресу ${host} отвечает не REST API Bitrix24 (пришла HTML-страница). Проверьте адрес портала в вебхуке.`, details);
        }
        return result(false, err.kind === 'client' ? 'internal' : 'network', err.message, details);
      case 'network':
      case 'server':
        return result(false, 'network', `Портал ${host} недоступен: ${err.message}`, details);
    }
  }
  if (err instanceof SkvozError) return result(false, err.code, err.message, details);
  return result(false, 'internal', `Проверка не удалась: ${err instanceof Error ? err.message : String(err)}`, details);
}

/** Tester options: fewer retries and a shorter timeout than a sync — a person is waiting. */
export function createBitrix24Tester(client: Partial<Omit<B24ClientOptions, 'webhook' | 'onRename' | 'log'>> = {}): SourceTester {
  return async ({ ws, secrets, overrides }) => {
    let secret: string;
    let c: B24Client;
    try {
      secret = await readWebhookSecret(secrets);
      c = makeClient(ws, secret, overrides, { client: { maxAttempts: 2, timeoutMs: 15_000, maxRateRetries: 1, maxParks: 0, ...client } }, createLogger('bitrix24-test'));
    } catch (err) {
      if (err instanceof WebhookError) return result(false, err.problem, err.message);
      if (err instanceof SkvozError) return result(false, err.code, err.message);
      throw err;
    }
    const host = c.webhook.host;
    let scopes: string[];
    try {
      const ans = await c.call<unknown>('scope');
      scopes = Array.isArray(ans.result) ? ans.result.map(String) : [];
    } catch (err) {
      return explain(err, c.webhook.host);
    }
    const base: SourceTestResult['details'] = { host: c.webhook.host, scopes: scopes.join(', '), userScope: scopes.includes('user') };
    if (c.webhook.host !== host) base.renamedFrom = host;
    if (!scopes.includes('crm')) {
      return result(
        false,
        'no_scope',
        `У вебхука нет права «CRM (crm)»: сейчас разрешено ${scopes.length ? scopes.join(', ') : 'ничего'}. Отметьте «CRM» в настройках вебхука и сохраните.`,
        base,
      );
    }
    let mode: number;
    try {
      const ans = await c.call<unknown>('crm.settings.mode.get');
      mode = Number(ans.result) === 2 ? 2 : 1;
    } catch (err) {
      return explain(err, c.webhook.host);
    }
    const modeText = mode === 2 ? 'простой режим CRM (без лидов — будут загружаться только сделки)' : 'классический режим CRM (лиды и сделки)';
    const users = scopes.includes('user') ? '' : ' Права «Пользователи (user)» нет — имена ответственных не загрузятся.';
    const moved = c.webhook.host !== host ? ` Портал переехал с ${host} на ${c.webhook.host} — новый адрес сохранён.` : '';
    return result(true, null, `Подключение работает: ${c.webhook.host}, ${modeText}.${users}${moved}`, {
      ...base,
      crmMode: mode === 2 ? 'simple' : 'classic',
    });
  };
}
