// Raw API records as the references document them, with overridable fields.
import type { B24DealItemRaw, B24LeadRaw } from '../../src-main/engine/sources/bitrix24/api-types';
import type { CtCallRaw, CtRequestRaw } from '../../src-main/engine/sources/calltouch/api-types';

export function leadRaw(over: Partial<B24LeadRaw> = {}): B24LeadRaw {
  return {
    ID: '3307',
    TITLE: 'Заявка с сайта',
    STATUS_ID: 'IN_PROCESS',
    STATUS_SEMANTIC_ID: 'P',
    SOURCE_ID: 'WEBFORM',
    UTM_SOURCE: 'yandex',
    UTM_MEDIUM: 'cpc',
    UTM_CAMPAIGN: 'spring_sale',
    UTM_CONTENT: '',
    UTM_TERM: null,
    OPPORTUNITY: '54000.00',
    CURRENCY_ID: 'RUB',
    DATE_CREATE: '2025-03-09T18:22:05+03:00',
    DATE_MODIFY: '2025-03-10T10:41:17+03:00',
    DATE_CLOSED: '',
    CONTACT_ID: '0',
    ASSIGNED_BY_ID: '12',
    PHONE: [
      { ID: '5120', VALUE_TYPE: 'MOBILE', VALUE: '8 (916) 123-45-67', TYPE_ID: 'PHONE' },
      { ID: '5121', VALUE_TYPE: 'WORK', VALUE: '+7 916 123 45 67', TYPE_ID: 'PHONE' },
      { ID: '5122', VALUE_TYPE: 'OTHER', VALUE: 'нет', TYPE_ID: 'PHONE' },
    ],
    EMAIL: [{ ID: '5123', VALUE_TYPE: 'WORK', VALUE: ' Ivan@Mail.RU ', TYPE_ID: 'EMAIL' }],
    ...over,
  };
}

export function dealRaw(over: Partial<B24DealItemRaw> = {}): B24DealItemRaw {
  return {
    id: 1842,
    title: 'Visit #77 — showroom',
    categoryId: 0,
    stageId: 'WON',
    stageSemanticId: 'S',
    opportunity: 54000,
    currencyId: 'RUB',
    createdTime: '2025-03-09T18:22:05+03:00',
    updatedTime: '2025-03-10T10:41:17+03:00',
    movedTime: '2025-03-10T10:41:17+03:00',
    closedate: '2025-03-10T00:00:00+03:00',
    closed: 'Y',
    sourceId: 'ADVERTISING',
    utmSource: 'yandex',
    utmMedium: 'cpc',
    utmCampaign: 'spring_sale',
    utmContent: null,
    utmTerm: 'sofa buy',
    leadId: 3307,
    contactId: 911,
    contactIds: [911, 954],
    companyId: 0,
    assignedById: 12,
    ...over,
  };
}

export function callRaw(over: Partial<CtCallRaw> = {}): CtCallRaw {
  return {
    callId: 48213377,
    callphase: 'calldisconnected',
    attribution: 1,
    date: '14/03/2024 11:52:07',
    timestamp: 1710406327,
    duration: 134,
    callerNumber: '79161234567',
    phoneNumber: '74951234567',
    redirectNumber: '74957654321',
    successful: true,
    uniqueCall: true,
    targetCall: true,
    uniqTargetCall: true,
    callbackCall: false,
    city: 'Москва',
    source: 'yandex',
    medium: 'cpc',
    keyword: 'купить диван',
    utmSource: 'yandex',
    utmMedium: 'cpc',
    utmCampaign: 'sofas_msk',
    utmContent: 'ad_8812',
    utmTerm: 'купить диван',
    sessionId: 912345678,
    ctGlobalId: null,
    callTags: [{ category: '…', type: 'MANUAL', names: ['Запись', 'Целевой'] }],
    yandexDirect: { campaignId: 81234567, adGroupId: 5123456789, adId: 14123456789, criteriaId: 41234567890 },
    orders: [],
    mapVisits: null,
    ...over,
  };
}

export function requestRaw(over: Partial<CtRequestRaw> = {}): CtRequestRaw {
  return {
    requestId: 7788990,
    requestNumber: 'form-5521',
    requestType: null,
    subject: 'Заявка на замер',
    date: 1710406327000,
    dateStr: '14/03/2024 11:52:07',
    siteId: 43769,
    uniqueRequest: true,
    targetRequest: 'True',
    uniqTargetRequest: 'true',
    client: {
      clientId: 555001,
      fio: 'Иван Петров',
      phones: [{ phoneNumber: '79161234567', phoneType: '…' }],
      contacts: [
        { contactType: 'email', contactValue: 'Ivan@Example.ru' },
        { contactType: '…', contactValue: 'second@example.ru' },
        { contactType: 'telegram', contactValue: '@ivan' },
      ],
    },
    session: {
      sessionId: 912345678,
      source: 'yandex',
      medium: 'cpc',
      keywords: 'замер окон',
      utmSource: null,
      utmMedium: '',
      utmCampaign: 'okna_msk',
      utmContent: 'ad_77',
      utmTerm: null,
    },
    RequestTags: [{ category: 'Заявки', type: 'MANUAL', names: ['Замер'] }],
    orders: [],
    comments: [],
    ...over,
  };
}
