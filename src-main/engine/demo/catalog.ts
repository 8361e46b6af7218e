// What the demo company ("Уют", a Moscow furniture maker) advertises and who its clients are.
// Plain data; the generator draws from it. Shares are of a lead's first (acquiring) channel.

export interface Campaign {
  /** utm_campaign (null for organic / direct / referral) */
  name: string | null;
  weight: number;
  contents: readonly string[];
  terms: readonly string[];
  /** target cost per lead, RUB (paid campaigns) */
  cpl: number;
  /** costs are reported per keyword (yandex search) instead of per campaign */
  termCosts?: boolean;
  /** active part of the year, as fractions of the 12 months (0 = first day) */
  from?: number;
  to?: number;
  /** overrides the channel's source (referral sites) */
  source?: string;
}

export interface Channel {
  key: string;
  source: string;
  medium: string;
  /** share of leads first acquired here */
  weight: number;
  /** share of touches from people who never become leads */
  anonWeight: number;
  /** probability that a lead from here becomes a deal (before the size's factor) */
  dealRate: number;
  /** UTM tags reach the site (paid and e-mail traffic) */
  utm: boolean;
  paid: boolean;
  /** Calltouch referrer */
  ref: string | null;
  campaigns: readonly Campaign[];
}

const none: Campaign = { name: null, weight: 1, contents: [], terms: [], cpl: 0 };

export const CHANNELS: readonly Channel[] = [
  {
    key: 'yandex_cpc', source: 'yandex', medium: 'cpc', weight: 30, anonWeight: 26, dealRate: 0.27,
    utm: true, paid: true, ref: 'https://yandex.ru/',
    campaigns: [
      {
        name: 'divany_poisk_msk', weight: 5, cpl: 1900, termCosts: true,
        contents: ['ad_tekst_1', 'ad_tekst_2', 'ad_skidka_15'],
        terms: ['купить диван', 'диван недорого', 'угловой диван купить', 'диван кровать москва', 'диван от производителя'],
      },
      {
        name: 'krovati_poisk_msk', weight: 3, cpl: 2200, termCosts: true, from: 0.15,
        contents: ['ad_krovat_1', 'ad_krovat_2'],
        terms: ['кровать с подъемным механизмом', 'двуспальная кровать купить', 'кровать 160х200'],
      },
      { name: 'rsya_retarget', weight: 3, cpl: 1400, contents: ['smart_banner', 'banner_240x400', 'video_6s'], terms: [] },
      { name: 'brand_poisk', weight: 1.5, cpl: 600, termCosts: true, contents: ['brand_ad'], terms: ['уют мебель', 'мебельная фабрика уют'] },
    ],
  },
  {
    key: 'google_cpc', source: 'google', medium: 'cpc', weight: 6, anonWeight: 5, dealRate: 0.24,
    utm: true, paid: true, ref: 'https://www.google.com/',
    campaigns: [
      { name: 'divany_search', weight: 2, cpl: 2500, contents: ['rsa_1', 'rsa_2'], terms: ['купить диван москва', 'диван от производителя'] },
      { name: 'pmax_mebel', weight: 1, cpl: 2100, contents: ['pmax'], terms: [], to: 0.7 },
    ],
  },
  {
    key: 'vk_cpc', source: 'vk', medium: 'cpc', weight: 9, anonWeight: 8, dealRate: 0.18,
    utm: true, paid: true, ref: 'https://vk.com/',
    campaigns: [
      { name: 'vk_lookalike_divany', weight: 2, cpl: 1700, contents: ['carousel_divany', 'video_15s'], terms: [] },
      { name: 'vk_retarget_korzina', weight: 1, cpl: 1200, contents: ['banner_skidka_10'], terms: [] },
    ],
  },
  {
    key: 'telegram', source: 'telegram', medium: 'social', weight: 4, anonWeight: 3, dealRate: 0.16,
    utm: true, paid: true, ref: 'https://t.me/',
    campaigns: [{ name: 'tg_posev_interiery', weight: 1, cpl: 2600, contents: ['post_dizayn_kanal', 'post_remont_kanal'], terms: [], from: 0.35 }],
  },
  {
    key: 'avito', source: 'avito', medium: 'classified', weight: 7, anonWeight: 9, dealRate: 0.2,
    utm: true, paid: true, ref: 'https://www.avito.ru/',
    campaigns: [
      { name: 'avito_divany', weight: 2, cpl: 1100, contents: ['obyavlenie_premium', 'obyavlenie_standart'], terms: [] },
      { name: 'avito_shkafy', weight: 1, cpl: 1300, contents: ['obyavlenie_standart'], terms: [] },
    ],
  },
  {
    key: 'email', source: 'email', medium: 'newsletter', weight: 4, anonWeight: 2, dealRate: 0.33,
    utm: true, paid: false, ref: 'https://e.mail.ru/',
    campaigns: [
      { name: 'rassylka_skidki', weight: 2, cpl: 0, contents: ['knopka_katalog', 'banner_top'], terms: [] },
      { name: 'rassylka_novinki', weight: 1, cpl: 0, contents: ['knopka_katalog'], terms: [] },
    ],
  },
  { key: 'yandex_organic', source: 'yandex', medium: 'organic', weight: 11, anonWeight: 12, dealRate: 0.29, utm: false, paid: false, ref: 'https://yandex.ru/', campaigns: [none] },
  { key: 'google_organic', source: 'google', medium: 'organic', weight: 4, anonWeight: 4, dealRate: 0.28, utm: false, paid: false, ref: 'https://www.google.com/', campaigns: [none] },
  { key: 'direct', source: '(direct)', medium: '(none)', weight: 13, anonWeight: 24, dealRate: 0.33, utm: false, paid: false, ref: null, campaigns: [none] },
  {
    key: 'referral', source: 'referral', medium: 'referral', weight: 4, anonWeight: 4, dealRate: 0.25, utm: false, paid: false, ref: null,
    campaigns: [
      { ...none, weight: 3, source: 'zoon.ru' },
      { ...none, weight: 2, source: 'dzen.ru' },
      { ...none, weight: 2, source: 'market.yandex.ru' },
      { ...none, weight: 1, source: 'houzz.ru' },
    ],
  },
];

export const OFFLINE_VISIT = 'офлайн-визит';
export const DIRECT = CHANNELS.findIndex((c) => c.key === 'direct');
export const YANDEX_ORGANIC = CHANNELS.findIndex((c) => c.key === 'yandex_organic');
export const EMAIL = CHANNELS.findIndex((c) => c.key === 'email');
export const YANDEX_CPC = CHANNELS.findIndex((c) => c.key === 'yandex_cpc');

export const SITE_HOST = 'uyut-mebel.ru';
export const SITE_PAGES = ['/', '/catalog/divany/', '/catalog/divany/uglovye/', '/catalog/krovati/', '/catalog/shkafy/', '/akcii/', '/kontakty/', '/dostavka/'];
/** pages visitors land on (a campaign's ads lead to one of them) */
export const LANDING_PAGES = [
  '/',
  '/catalog/divany/',
  '/catalog/divany/uglovye/',
  '/catalog/divany/pryamye/',
  '/catalog/krovati/',
  '/catalog/shkafy/',
  '/catalog/kuhni/',
  '/catalog/matrasy/',
  '/akcii/',
  '/akcii/rassrochka/',
  '/dizajn-proekt/',
  '/blog/kak-vybrat-divan/',
];
/** device categories with the user agents their visitors send */
export const DEVICES = [
  { device: 'mobile', os: 'Android', browser: 'Chrome Mobile', userAgent: 'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36' },
  { device: 'mobile', os: 'iOS', browser: 'Safari', userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.1 Mobile/15E148 Safari/604.1' },
  { device: 'desktop', os: 'Windows', browser: 'Yandex Browser', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/118.0 YaBrowser/23.11 Safari/537.36' },
  { device: 'desktop', os: 'macOS', browser: 'Chrome', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/120.0 Safari/537.36' },
  { device: 'tablet', os: 'iPadOS', browser: 'Safari', userAgent: 'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Version/17.1 Mobile/15E148 Safari/604.1' },
] as const;

export const FORM_SUBJECTS = ['Заявка на замер', 'Обратный звонок', 'Расчёт стоимости', 'Консультация дизайнера', 'Заказ образцов ткани', 'Вопрос по доставке'];

export const PRODUCTS = ['Диван угловой', 'Диван-кровать', 'Кровать с подъёмным механизмом', 'Шкаф-купе', 'Кухонный гарнитур', 'Матрас ортопедический', 'Стол обеденный', 'Кресло'];
export const COMPANIES = ['ООО «Домострой»', 'ООО «Интерьер Плюс»', 'ИП Кравцов', 'ООО «Гостиничный двор»', 'ООО «Офис-Сити»', 'ООО «Мебель-Опт»', 'АО «Северная гостиница»', 'ООО «Кафе Прованс»'];

export const MALE_NAMES = ['Александр', 'Дмитрий', 'Максим', 'Сергей', 'Андрей', 'Алексей', 'Иван', 'Михаил', 'Артём', 'Никита', 'Евгений', 'Павел', 'Роман', 'Олег', 'Владимир'];
export const FEMALE_NAMES = ['Анна', 'Мария', 'Елена', 'Ольга', 'Наталья', 'Татьяна', 'Екатерина', 'Юлия', 'Ирина', 'Светлана', 'Дарья', 'Ксения', 'Алина', 'Виктория', 'Полина'];
/** masculine forms; the feminine adds "а" */
export const LAST_NAMES = ['Иванов', 'Смирнов', 'Кузнецов', 'Попов', 'Васильев', 'Петров', 'Соколов', 'Михайлов', 'Новиков', 'Фёдоров', 'Морозов', 'Волков', 'Алексеев', 'Лебедев', 'Семёнов', 'Егоров', 'Павлов', 'Козлов', 'Степанов', 'Николаев', 'Орлов', 'Андреев', 'Макаров', 'Никитин', 'Захаров'];
export const EMAIL_DOMAINS = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'ya.ru'];
export const CITIES = [
  'Москва', 'Москва', 'Москва', 'Москва', 'Москва', 'Москва', 'Химки', 'Балашиха', 'Подольск', 'Мытищи', 'Королёв',
  'Санкт-Петербург', 'Санкт-Петербург', 'Тула', 'Казань', 'Нижний Новгород', 'Екатеринбург',
];

/** Bitrix24 users (user.get) with the share of leads each one takes */
export const USERS = [
  { id: 1, name: 'Анна', last: 'Смирнова', share: 0.5 },
  { id: 7, name: 'Дмитрий', last: 'Волков', share: 3 },
  { id: 9, name: 'Ольга', last: 'Кузнецова', share: 3 },
  { id: 12, name: 'Сергей', last: 'Морозов', share: 2.5 },
  { id: 15, name: 'Екатерина', last: 'Лебедева', share: 2 },
  { id: 18, name: 'Игорь', last: 'Новиков', share: 1.5 },
] as const;

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o',
  п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

const translitCache = new Map<string, string>();

export function translit(s: string): string {
  let out = translitCache.get(s);
  if (out === undefined) {
    out = '';
    for (const ch of s.toLowerCase()) out += TRANSLIT[ch] ?? ch;
    if (translitCache.size < 10_000) translitCache.set(s, out);
  }
  return out;
}

/** month (1..12) multipliers: furniture sells before the new year and in the autumn */
export const SEASON = [0, 0.72, 0.85, 1.02, 1.05, 0.92, 0.84, 0.83, 0.95, 1.12, 1.16, 1.24, 1.1];
/** ISO weekday (1 = Monday) multipliers */
export const WEEKDAY = [0, 1.12, 1.1, 1.06, 1.02, 0.96, 0.84, 0.72];
/** share of leads / calls by hour of day (Moscow business hours with evening forms) */
export const HOURS_CALLS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 2.2, 4.5, 6.5, 7.5, 7.6, 7.2, 7.0, 6.8, 6.6, 6.4, 5.8, 4.8, 3.6, 2.4, 1.3, 0.6];
export const HOURS_FORMS = [1.4, 0.8, 0.4, 0.3, 0.3, 0.4, 0.8, 1.8, 3.2, 4.6, 5.4, 5.8, 5.9, 5.8, 5.7, 5.6, 5.6, 5.7, 5.9, 6.2, 6.4, 6.0, 4.6, 2.8];
