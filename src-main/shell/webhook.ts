// Shape checks for the secrets a user pastes. Pure (no Node, no Electron) so it could move to
// src-shared and be reused by the settings form.

export type Checked = { ok: true; value: string; host: string | null } | { ok: false; message: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
// /rest/<user id>/<webhook code>/ — optionally followed by one method name the user copied along
// (`profile`, `crm.deal.list.json`), which is dropped. The code's alphabet matches the
// logger's redaction pattern, so every accepted webhook is also redacted in logs.
const REST_PATH = /^\/rest\/(\d{1,10})\/([A-Za-z0-9_-]{4,100})\/?(?:[a-z][a-z0-9_.]*\/?)?$/;

const EXAMPLE = 'https://ваш-портал.bitrix24.ru/rest/1/код_вебхука/';

/**
 * Validates a Bitrix24 incoming webhook URL and normalises it to
 * `https://<portal>/rest/<user>/<code>/`. https is required; plain http only for a loopback
 * host (the local test servers). Messages are in Russian, for the settings form.
 */
export function checkBitrixWebhook(raw: string): Checked {
  const text = raw.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return { ok: false, message: `Это не похоже на адрес. Вставьте адрес вебхука целиком, например ${EXAMPLE}` };
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname))) {
    return {
      ok: false,
      message: u.protocol === 'http:' ? 'Адрес вебхука должен начинаться с https:// — Bitrix24 не принимает вебхуки по http.' : `Адрес вебхука должен начинаться с https://, например ${EXAMPLE}`,
    };
  }
  if (u.username !== '' || u.password !== '') {
    return { ok: false, message: 'В адресе вебхука не должно быть логина и пароля.' };
  }
  if (u.search !== '' || u.hash !== '') {
    return { ok: false, message: `Уберите из адреса параметры после «?» или «#»: нужен адрес вида ${EXAMPLE}` };
  }
  const m = REST_PATH.exec(u.pathname);
  if (!m) {
    return {
      ok: false,
      message: `Адрес не похож на входящий вебхук Bitrix24. Он выглядит так: ${EXAMPLE} — скопируйте его из раздела «Разработчикам → Входящий вебхук».`,
    };
  }
  return { ok: true, value: `${u.protocol}//${u.host}/rest/${m[1]}/${m[2]}/`, host: u.host };
}

/** Calltouch API token: one word of printable characters. */
export function checkCalltouchToken(raw: string): Checked {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'Вставьте токен API Calltouch.' };
  if (!/^[\x21-\x7e]+$/.test(text)) {
    return { ok: false, message: 'Токен API Calltouch — это строка без пробелов и русских букв. Скопируйте его из раздела «Интеграции» кабинета Calltouch.' };
  }
  if (text.length < 8) return { ok: false, message: 'Токен API Calltouch слишком короткий — скопируйте его целиком.' };
  return { ok: true, value: text, host: null };
}

/** Yandex Direct OAuth token: one word of printable characters (y0_… or a 39-char legacy token). */
export function checkYandexDirectToken(raw: string): Checked {
  const text = raw.trim().replace(/^(Bearer|OAuth)\s+/i, '');
  if (text === '') return { ok: false, message: 'Вставьте OAuth-токен Яндекс Директа.' };
  if (!/^[\x21-\x7e]+$/.test(text)) {
    return { ok: false, message: 'OAuth-токен Директа — строка без пробелов и русских букв. Получите его на oauth.yandex.ru для приложения с доступом к API Директа.' };
  }
  if (text.length < 20) return { ok: false, message: 'OAuth-токен Директа слишком короткий — скопируйте его целиком.' };
  return { ok: true, value: text, host: null };
}

/** VK Ads: `client_id:client_secret` from «Настройки → Доступ к API», or a ready access token. */
export function checkVkAdsCredentials(raw: string): Checked {
  const text = raw.trim();
  if (text === '') return { ok: false, message: 'Вставьте client_id и client_secret VK Рекламы через двоеточие.' };
  if (!/^[\x21-\x7e]+$/.test(text)) {
    return { ok: false, message: 'Ключи VK Рекламы — строки без пробелов и русских букв: client_id:client_secret из «Настройки → Доступ к API».' };
  }
  const [id, secret] = text.split(':');
  if (text.includes(':') && (!id || !secret)) return { ok: false, message: 'Нужны оба ключа через двоеточие: client_id:client_secret.' };
  if (text.length < 10) return { ok: false, message: 'Ключ VK Рекламы слишком короткий — скопируйте его целиком.' };
  return { ok: true, value: text, host: null };
}
