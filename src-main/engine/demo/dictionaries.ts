// The demo portal's dictionaries as the API returns them: crm.status.list rows (SOURCE, STATUS,
// DEAL_STAGE, DEAL_STAGE_1 with "C1:" ids), crm.category.list categories, crm.currency.list
// rows (addendum) and user.get rows. Strings where the API sends strings.
import type { B24CategoryRaw, B24CurrencyRaw, B24StatusRaw, B24UserRaw } from '../sources/bitrix24/api-types';
import { USERS } from './catalog';

export interface DemoDictionaries {
  /** every crm.status.list row; filter by ENTITY_ID for one dictionary */
  statuses: B24StatusRaw[];
  categories: B24CategoryRaw[];
  currencies: B24CurrencyRaw[];
  users: B24UserRaw[];
}

type Sem = 'S' | 'F' | null;

const SOURCES: [string, string][] = [
  ['CALL', 'Звонок'],
  ['EMAIL', 'Электронная почта'],
  ['WEB', 'Веб-сайт'],
  ['ADVERTISING', 'Реклама'],
  ['PARTNER', 'Существующий клиент'],
  ['RECOMMENDATION', 'По рекомендации'],
  ['TRADE_SHOW', 'Выставка'],
  ['WEBFORM', 'CRM-форма'],
  ['CALLBACK', 'Обратный звонок'],
  ['RC_GENERATOR', 'Генератор продаж'],
  ['STORE', 'Интернет-магазин'],
  ['OTHER', 'Другое'],
  ['UC_7H2K1Q', 'Шоурум (офлайн-визит)'],
];

const LEAD_STATUSES: [string, string, Sem][] = [
  ['NEW', 'Не обработан', null],
  ['IN_PROCESS', 'В работе', null],
  ['PROCESSED', 'Обработан', null],
  ['CONVERTED', 'Качественный лид', 'S'],
  ['JUNK', 'Некачественный лид', 'F'],
];

const STAGES_0: [string, string, Sem][] = [
  ['NEW', 'Новая', null],
  ['PREPARATION', 'Подготовка документов', null],
  ['PREPAYMENT_INVOICE', 'Счёт на предоплату', null],
  ['EXECUTING', 'В работе', null],
  ['FINAL_INVOICE', 'Финальный счёт', null],
  ['WON', 'Сделка успешна', 'S'],
  ['LOSE', 'Сделка провалена', 'F'],
  ['APOLOGY', 'Анализ причины провала', 'F'],
];

const STAGES_1: [string, string, Sem][] = [
  ['C1:NEW', 'Новая заявка', null],
  ['C1:PREPARATION', 'Согласование КП', null],
  ['C1:EXECUTING', 'Отгрузка', null],
  ['C1:WON', 'Оплачено', 'S'],
  ['C1:LOSE', 'Отказ', 'F'],
];

const COLORS = ['#39A8EF', '#2FC6F6', '#55D0E0', '#47E4C2', '#FFA900', '#7BD500', '#FF5752', '#FF5752'];

export function demoDictionaries(): DemoDictionaries {
  const statuses: B24StatusRaw[] = [];
  let rowId = 1;
  const push = (entity: string, category: string | null, rows: [string, string, Sem][], extra: boolean) => {
    rows.forEach(([statusId, name, sem], i) => {
      const row: B24StatusRaw = {
        ID: String(rowId++),
        ENTITY_ID: entity,
        STATUS_ID: statusId,
        NAME: name,
        NAME_INIT: entity === 'SOURCE' && statusId.startsWith('UC_') ? '' : name,
        SORT: String((i + 1) * 10),
        SYSTEM: statusId.startsWith('UC_') ? 'N' : 'Y',
        CATEGORY_ID: category,
        COLOR: extra ? (COLORS[i] ?? null) : null,
        // in-progress stages come as null or "" (both occur)
        SEMANTICS: sem ?? (i % 2 === 0 ? null : ''),
      };
      if (extra) row.EXTRA = { SEMANTICS: sem === 'S' ? 'success' : sem === 'F' ? (statusId === 'APOLOGY' ? 'apology' : 'failure') : 'process', COLOR: COLORS[i] ?? '#39A8EF' };
      statuses.push(row);
    });
  };
  push('SOURCE', null, SOURCES.map(([id, name]) => [id, name, null]), false);
  push('STATUS', null, LEAD_STATUSES, true);
  push('DEAL_STAGE', '0', STAGES_0, true);
  push('DEAL_STAGE_1', '1', STAGES_1, true);

  const categories: B24CategoryRaw[] = [
    { id: 0, name: 'Основная', sort: 100, entityTypeId: 2, isDefault: 'Y' },
    { id: 1, name: 'Опт', sort: 200, entityTypeId: 2, isDefault: 'N', originId: '', originatorId: '' },
  ];

  const currencies: B24CurrencyRaw[] = [
    { CURRENCY: 'RUB', AMOUNT_CNT: '1', AMOUNT: '1.0000', SORT: '100', BASE: 'Y', FULL_NAME: 'Российский рубль', LID: 'ru', FORMAT_STRING: '# ₽', DEC_POINT: ',', THOUSANDS_SEP: '&nbsp;', DECIMALS: '2', DATE_UPDATE: '2026-01-29T12:28:40+03:00' },
    { CURRENCY: 'USD', AMOUNT_CNT: '1', AMOUNT: '90.5000', SORT: '200', BASE: 'N', FULL_NAME: 'Доллар США', LID: 'ru', FORMAT_STRING: '$#', DEC_POINT: '.', THOUSANDS_SEP: null, DECIMALS: '2', DATE_UPDATE: '2026-03-21T15:19:50+03:00' },
    { CURRENCY: 'EUR', AMOUNT_CNT: '1', AMOUNT: '98.2000', SORT: '300', BASE: 'N', FULL_NAME: 'Евро', LID: 'ru', FORMAT_STRING: '# €', DEC_POINT: ',', THOUSANDS_SEP: '&nbsp;', DECIMALS: '2', DATE_UPDATE: '2026-03-21T15:19:50+03:00' },
  ];

  const users: B24UserRaw[] = USERS.map((u) => ({ ID: String(u.id), NAME: u.name, LAST_NAME: u.last, ACTIVE: true }));
  return { statuses, categories, currencies, users };
}
