// Strict validation of lead-service deal bodies, per reference/calltouch.md §6–§7 and §11:
// structural problems refuse the whole request (HTTP 400, data.validationErrorData, nothing
// stored) — the fake's choice; the real service's split between 400 and per-order errors is
// unknown (open question 7).
export interface Problem {
  field: string;
  message: string;
}

const DATE_TIME = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

/** "19-07-2021 16:42:32" and a real calendar date/time. */
export function isLeadServiceDate(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  const m = DATE_TIME.exec(v);
  if (!m) return false;
  const [d, mo, y, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

const PARAMS_KEY: Record<string, string | null> = {
  call: 'callParams',
  request: 'requestParams',
  chat: 'chatParams',
  callContact: 'callContactParams',
  requestContact: 'requestContactParams',
  leadContact: 'leadContactParams',
  chatContact: 'chatContactParams',
  session: 'sessionParams',
  customSources: 'customSourceParams',
  withoutSource: null,
};
const FALLBACKS = new Set(['customSources', 'withoutSource']);
const TO_MATCH = new Set(['nearest', 'nearestUniq', 'nearestUniqLead']);

const CREATE_KEYS = new Set([
  'matching', 'orderNumber', 'funnel', 'status', 'statusDate', 'orderDate', 'currency', 'revenue', 'margin', 'manager',
  'orderLink', 'orderName', 'comment', 'addTags', 'addTagsToLead', 'customFields', 'products', 'orderContacts',
]);
const UPDATE_KEYS = new Set([
  'orderNumber', 'funnel', 'status', 'statusDate', 'updateDate', 'currency', 'revenue', 'margin', 'manager', 'leadManager',
  'orderLink', 'orderName', 'addNewComment', 'addTags', 'addTagsToLead', 'customFields', 'addCustomFieldsToLead', 'products',
  'orderContacts', 'reMatching',
]);
const CONTACT_KEYS = new Set(['phones', 'md5Phones', 'emails', 'date', 'tags', 'tagsLogic', 'callTypeToMatch', 'requestTypeToMatch', 'searchDepth']);
const SOURCE_KEYS = new Set(['source', 'medium', 'campaign', 'content', 'term']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string' && x.trim() !== '');
}

const PHONE = /^\+?[\d\s()-]{10,20}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function contactParams(p: unknown, type: string, at: string, out: Problem[]): void {
  if (!isObj(p)) {
    out.push({ field: at, message: `${type}: нет параметров` });
    return;
  }
  for (const k of Object.keys(p)) if (!CONTACT_KEYS.has(k)) out.push({ field: `${at}.${k}`, message: 'неизвестное поле' });
  const phones = p.phones;
  const emails = p.emails;
  if (phones !== undefined && (!strings(phones) || !phones.every((x) => PHONE.test(x)))) out.push({ field: `${at}.phones`, message: 'телефоны — массив номеров' });
  if (emails !== undefined && (!strings(emails) || !emails.every((x) => EMAIL.test(x)))) out.push({ field: `${at}.emails`, message: 'e-mail — массив адресов' });
  const n = (Array.isArray(phones) ? phones.length : 0) + (Array.isArray(emails) ? emails.length : 0);
  if (n === 0) out.push({ field: at, message: 'нужен хотя бы один телефон или e-mail' });
  if (type === 'callContact' && emails !== undefined) out.push({ field: `${at}.emails`, message: 'callContact ищет только по телефонам' });
  if (!isLeadServiceDate(p.date)) out.push({ field: `${at}.date`, message: 'дата в формате dd-mm-yyyy HH:MM:SS' });
  const toMatch = type === 'callContact' ? 'callTypeToMatch' : 'requestTypeToMatch';
  const other = type === 'callContact' ? 'requestTypeToMatch' : 'callTypeToMatch';
  if (p[toMatch] !== undefined && !TO_MATCH.has(String(p[toMatch]))) out.push({ field: `${at}.${toMatch}`, message: 'неизвестное значение' });
  if (p[other] !== undefined) out.push({ field: `${at}.${other}`, message: `не для ${type}` });
  if (p.searchDepth !== undefined && !(Number.isInteger(p.searchDepth) && (p.searchDepth as number) > 0)) {
    out.push({ field: `${at}.searchDepth`, message: 'целое число минут' });
  }
}

export function validateMatching(m: unknown, at: string, out: Problem[]): void {
  if (!Array.isArray(m) || m.length === 0) {
    out.push({ field: at, message: 'matching — непустой массив' });
    return;
  }
  m.forEach((e, i) => {
    const f = `${at}[${i}]`;
    if (!isObj(e) || typeof e.type !== 'string' || !(e.type in PARAMS_KEY)) {
      out.push({ field: `${f}.type`, message: 'неизвестный тип сопоставления' });
      return;
    }
    const key = PARAMS_KEY[e.type];
    for (const k of Object.keys(e)) {
      if (k !== 'type' && k !== key) out.push({ field: `${f}.${k}`, message: `для ${e.type} параметры — ${key ?? 'не нужны'}` });
    }
    if (FALLBACKS.has(e.type) && i !== m.length - 1) out.push({ field: f, message: `${e.type} должен быть последним в matching` });
    if (e.type === 'callContact' || e.type === 'requestContact') contactParams(key ? e[key] : undefined, e.type, `${f}.${key}`, out);
    if (e.type === 'customSources') {
      const p = e.customSourceParams;
      if (!isObj(p) || typeof p.source !== 'string' || p.source.trim() === '') {
        out.push({ field: `${f}.customSourceParams.source`, message: 'нужен source' });
      } else {
        for (const [k, v] of Object.entries(p)) {
          if (!SOURCE_KEYS.has(k)) out.push({ field: `${f}.customSourceParams.${k}`, message: 'неизвестное поле' });
          else if (typeof v !== 'string') out.push({ field: `${f}.customSourceParams.${k}`, message: 'строка' });
        }
      }
    }
  });
}

function tagList(v: unknown): boolean {
  return Array.isArray(v) && v.every((t) => isObj(t) && Object.keys(t).length === 1 && typeof t.tag === 'string' && t.tag.trim() !== '');
}

function revenueOk(v: unknown): boolean {
  return typeof v === 'string' && /^\d+(\.\d{1,2})?$/.test(v);
}

function orderNumberOk(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '' && v.length <= 255;
}

export function validateCreateOrder(o: unknown, at: string, out: Problem[]): void {
  if (!isObj(o)) {
    out.push({ field: at, message: 'сделка — объект' });
    return;
  }
  for (const k of Object.keys(o)) {
    if (k === 'customSources' || k === 'customSourceParams' || k === 'type') {
      out.push({ field: `${at}.${k}`, message: 'customSources — элемент массива matching, а не поле сделки' });
    } else if (!CREATE_KEYS.has(k)) {
      out.push({ field: `${at}.${k}`, message: k === 'addNewComment' ? 'в create комментарий — comment{text}' : 'неизвестное поле' });
    }
  }
  if (!orderNumberOk(o.orderNumber)) out.push({ field: `${at}.orderNumber`, message: 'нужен orderNumber' });
  validateMatching(o.matching, `${at}.matching`, out);
  if (!isLeadServiceDate(o.orderDate)) out.push({ field: `${at}.orderDate`, message: 'дата в формате dd-mm-yyyy HH:MM:SS' });
  if (o.statusDate !== undefined && !isLeadServiceDate(o.statusDate)) out.push({ field: `${at}.statusDate`, message: 'дата в формате dd-mm-yyyy HH:MM:SS' });
  if (o.status !== undefined && (typeof o.status !== 'string' || o.status.trim() === '')) out.push({ field: `${at}.status`, message: 'строка' });
  if (o.revenue !== undefined && !revenueOk(o.revenue)) out.push({ field: `${at}.revenue`, message: 'сумма строкой, точка перед копейками: "1000.50"' });
  if (o.addTags !== undefined && !tagList(o.addTags)) out.push({ field: `${at}.addTags`, message: 'в create addTags — массив [{tag}]' });
  if (o.comment !== undefined && !(isObj(o.comment) && typeof o.comment.text === 'string' && Object.keys(o.comment).length === 1)) {
    out.push({ field: `${at}.comment`, message: 'comment — {text}' });
  }
}

export function validateUpdateOrder(o: unknown, at: string, out: Problem[]): void {
  if (!isObj(o)) {
    out.push({ field: at, message: 'сделка — объект' });
    return;
  }
  for (const k of Object.keys(o)) {
    if (!UPDATE_KEYS.has(k)) out.push({ field: `${at}.${k}`, message: k === 'comment' ? 'в update комментарий — addNewComment{text}' : 'неизвестное поле' });
  }
  if (!orderNumberOk(o.orderNumber)) out.push({ field: `${at}.orderNumber`, message: 'нужен orderNumber' });
  for (const k of ['statusDate', 'updateDate'] as const) {
    if (o[k] !== undefined && !isLeadServiceDate(o[k])) out.push({ field: `${at}.${k}`, message: 'дата в формате dd-mm-yyyy HH:MM:SS' });
  }
  if (o.revenue !== undefined && !revenueOk(o.revenue)) out.push({ field: `${at}.revenue`, message: 'сумма строкой, точка перед копейками' });
  if (o.addNewComment !== undefined && !(isObj(o.addNewComment) && typeof o.addNewComment.text === 'string')) {
    out.push({ field: `${at}.addNewComment`, message: 'addNewComment — {text}' });
  }
  if (o.addTags !== undefined && !(isObj(o.addTags) && typeof o.addTags.overwrite === 'boolean' && tagList(o.addTags.tags))) {
    out.push({ field: `${at}.addTags`, message: 'в update addTags — {overwrite, tags: [{tag}]}' });
  }
  if (o.reMatching !== undefined) validateMatching(o.reMatching, `${at}.reMatching`, out);
}

/** Request-level problems of a create or update body (≤ 100 orders, each valid). */
export function validateBody(kind: 'create' | 'update', body: unknown): Problem[] {
  const out: Problem[] = [];
  if (!isObj(body)) return [{ field: '', message: 'тело запроса — JSON-объект' }];
  for (const k of Object.keys(body)) if (k !== 'crm' && k !== 'orders') out.push({ field: k, message: 'неизвестное поле' });
  if (kind === 'create' && (typeof body.crm !== 'string' || body.crm.trim() === '')) out.push({ field: 'crm', message: 'нужно название CRM' });
  if (!Array.isArray(body.orders) || body.orders.length === 0) {
    out.push({ field: 'orders', message: 'orders — непустой массив' });
    return out;
  }
  if (body.orders.length > 100) out.push({ field: 'orders', message: `не больше 100 сделок в запросе (получено ${body.orders.length})` });
  body.orders.forEach((o, i) => (kind === 'create' ? validateCreateOrder : validateUpdateOrder)(o, `orders[${i}]`, out));
  return out;
}
