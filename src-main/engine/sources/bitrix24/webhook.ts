// The incoming-webhook URL a user pastes (reference/bitrix24.md §1.1):
//   https://<portal>/rest/<USER_ID>/<WEBHOOK_CODE>/[<method>[.json]]
// The code is a full-access secret: it lives only inside `Webhook.base`, never in messages or
// logs (the redacting logger masks /rest/<id>/<code> as well). Plain http is refused by the
// portal ("Https required", §1.1) and accepted here only for loopback hosts (tests and fakes).
import { SkvozError } from '../../errors';

export type WebhookProblem = 'not_https' | 'bad_url';

export class WebhookError extends SkvozError {
  constructor(
    readonly problem: WebhookProblem,
    message: string,
  ) {
    super('invalid_input', message, { webhook: message });
    this.name = 'WebhookError';
  }
}

export interface Webhook {
  /** scheme://host[:port] of the portal, e.g. https://example.bitrix24.ru */
  origin: string;
  /** host[:port] — safe to show */
  host: string;
  userId: number;
  /** origin + /rest/<userId>/<code>/ — secret, method names are appended to it */
  base: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
// /rest/<digits>/<code>[/<method>[.json|.xml]][/]
const PATH = /^\/rest\/(\d{1,10})\/([A-Za-z0-9_]{8,64})(?:\/(?:[A-Za-z0-9_.]+)?)?\/?$/;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.has(hostname.toLowerCase());
}

/** A portal origin (after a rename or from an override) checked with the same https rule. */
export function checkOrigin(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new WebhookError('bad_url', 'Адрес портала Bitrix24 не похож на ссылку (https://портал.bitrix24.ru).');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
    throw new WebhookError(
      'not_https',
      `Адрес портала должен начинаться с https:// — Bitrix24 принимает вебхуки только по защищённому соединению (сейчас ${u.protocol.replace(':', '')}).`,
    );
  }
  return u.origin;
}

/**
 * Parses and validates a webhook URL. Throws WebhookError (code invalid_input) with a Russian
 * message naming what is wrong. `originOverride` (a renamed portal, a test base URL) replaces
 * scheme and host but keeps the user id and code.
 */
export function parseWebhook(input: string, originOverride?: string | null): Webhook {
  const text = input.trim();
  if (text === '') throw new WebhookError('bad_url', 'Вставьте адрес входящего вебхука Bitrix24.');
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new WebhookError(
      'bad_url',
      'Адрес вебхука не похож на ссылку. Он выглядит так: https://ваш-портал.bitrix24.ru/rest/1/код/',
    );
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    throw new WebhookError('bad_url', 'Адрес вебхука должен начинаться с https://');
  }
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new WebhookError(
      'not_https',
      'Адрес вебхука начинается с http:// — Bitrix24 принимает вебхуки только по https://. Скопируйте адрес из Bitrix24 целиком.',
    );
  }
  if (u.username || u.password) throw new WebhookError('bad_url', 'В адресе вебхука не должно быть имени пользователя и пароля.');
  if (u.search || u.hash) {
    throw new WebhookError('bad_url', 'В адресе вебхука лишние параметры после «?» или «#»: оставьте адрес вида https://портал/rest/1/код/');
  }
  const m = PATH.exec(u.pathname);
  if (!m) {
    throw new WebhookError(
      'bad_url',
      'Адрес не похож на входящий вебхук: ожидается https://портал/rest/<номер пользователя>/<код вебхука>/ — скопируйте его из Bitrix24 («Разработчикам» → «Входящий вебхук»).',
    );
  }
  const origin = originOverride ? checkOrigin(originOverride) : u.origin;
  const host = new URL(origin).host;
  return { origin, host, userId: Number(m[1]), base: `${origin}/rest/${m[1]}/${m[2]}/` };
}

/** The same webhook on another origin (portal renamed, §2). */
export function withOrigin(w: Webhook, origin: string): Webhook {
  const o = checkOrigin(origin);
  const path = w.base.slice(w.origin.length);
  return { ...w, origin: o, host: new URL(o).host, base: `${o}${path}` };
}
