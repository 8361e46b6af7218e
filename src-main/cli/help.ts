// `skvoz --help`. Plain text with no imports, so printing it loads nothing of the engine.

export const VISITS_HELP = `  skvoz visits add  --workspace DIR --phone ТЕЛЕФОН [--phone …] [--email …] --date ДАТА
                     [--revenue СУММА] [--status СТАТУС] [--name ИМЯ] [--tag ТЕГ …] [--comment ТЕКСТ] [--site ID]
      Записать офлайн-визит / record an offline visit. ДАТА: «YYYY-MM-DD HH:MM» (часовой пояс проекта)
      или ISO 8601; визит-дубль записывается с предупреждением / a duplicate is recorded with a warning.
  skvoz visits send --workspace DIR
      Отправить очередь в Calltouch (и Bitrix24) / send the outbox. Секреты — как у sync.
      Код 1, если что-то не отправлено (нет токена, ошибка Calltouch) / exit 1 when anything failed.
  skvoz visits list --workspace DIR [--state queued,failed,…] [--format json|table]
  skvoz visits cancel --workspace DIR --id N
      Отменить визит, пока он не отправлен / cancel a visit that has not been sent.`;

export const EXPORT_HELP = `  skvoz export --workspace DIR (--view НАЗВАНИЕ | --from YYYY-MM-DD --to YYYY-MM-DD [--group …]
               [--model MODEL] [--basis event|cohort] [--compare previous|weekdays|month|year])
               [--what report|dashboard|models|deals|health] --format xlsx|csv|pdf --out FILE|ПАПКА [--force]
               [--levels] [--pivot] [--models] [--delimiter ';'|','] [--decimal-comma]
      Выгрузка в файл / export to a file. --out ПАПКА → Skvoz_<отчёт>_<с>_<по>.<ext>; существующий
      файл заменяется только с --force / an existing file is replaced only with --force.
      PDF печатает установленный Chromium / Chrome / Edge (SKVOZ_CHROMIUM=путь), иначе — в приложении.`;

export const WORKSPACE_HELP = `  skvoz init --workspace DIR [--name НАЗВАНИЕ] [--timezone Europe/Moscow] [--currency RUB]
      Создать пустое рабочее пространство (для sync из cron) / create an empty workspace.
  skvoz settings show --workspace DIR [--format text|json]
  skvoz settings set  --workspace DIR КЛЮЧ=ЗНАЧЕНИЕ [КЛЮЧ=ЗНАЧЕНИЕ …]
      Настройки без секретов / non-secret settings. КЛЮЧ — как в «settings show»: name, timeZone, currency,
      lookbackDays, defaultModel, language, sync.intervalMinutes, calltouch.trailingDays, calltouch.sites (JSON)…`;

export const STORAGE_HELP = `  skvoz backup  --workspace DIR [--list]
      Резервная копия базы сейчас (хранятся 7 последних) или их список / back up now, or list backups.
  skvoz restore --workspace DIR (--latest | --file skvoz-ГГГГММДД-ЧЧММСС.db | --empty)
      Вернуть базу из копии (заменяемый файл сохраняется в replaced/) / restore a backup.
  skvoz check   --workspace DIR
      Проверка целостности файла базы (PRAGMA quick_check): код 0 — в порядке, 2 — повреждён /
      integrity check: exit 0 sound, 2 damaged.`;

export const HELP = `skvoz — сквозная аналитика Bitrix24 + Calltouch (Skvoz CLI)

Команды / commands:
  skvoz demo   --workspace DIR [--size small|medium|large] [--seed N]
      Создать демо-пространство в папке DIR / create a demo workspace in DIR.
  skvoz report --workspace DIR --from YYYY-MM-DD --to YYYY-MM-DD
               [--group channel,source,medium,campaign,content,term,city,device,landing] [--model MODEL]
               [--basis event|cohort] [--compare previous|weekdays|month|year]
               [--format json|csv] [--out FILE [--force]]
  skvoz report --workspace DIR --period PRESET [...]   (PRESET: lastMonth, thisMonth, last30, …)
      Отчёт по атрибуции (JSON как в docs/REPORTS.md) / attribution report. Период и период сравнения
      печатаются в stderr / the period and the comparison period are printed to stderr.
      MODEL: last_non_direct (по умолчанию), last, first, linear, position, time_decay, markov.
  skvoz sync   --workspace DIR [--only bitrix24|calltouch|yandex_direct|vk_ads] [--full]
      Синхронизация / sync. Секреты из окружения / secrets from the environment:
      SKVOZ_BITRIX24_WEBHOOK, SKVOZ_CALLTOUCH_SITES="siteId:token[,siteId:token]",
      SKVOZ_CALLTOUCH_BASE_URL (по умолчанию https://api.calltouch.ru),
      SKVOZ_YANDEX_DIRECT_TOKEN (OAuth), SKVOZ_YANDEX_DIRECT_TOKENS="login:token[,…]",
      SKVOZ_YANDEX_DIRECT_LOGINS="login1,login2" (агентство / agency),
      SKVOZ_VK_ADS_TOKEN="client_id:client_secret", SKVOZ_VK_ADS_CLIENTS="name1,name2",
      SKVOZ_YANDEX_DIRECT_BASE_URL, SKVOZ_VK_ADS_BASE_URL.
  skvoz sync   --workspace DIR --watch [--every 15m] [--only …]
      Работать постоянно (systemd) и синхронизировать по расписанию пространства (sync.intervalMinutes)
      или --every (30s, 15m, 1h); строка в журнале на каждый запуск / keep running, sync on schedule.
  skvoz costs import --workspace DIR FILE [--skip-errors]
      Загрузить расходы: CSV Яндекс Метрики, выгрузки Директа и VK Рекламы, своя таблица
      с колонками «Дата», «Источник», «Канал», «Кампания», «Расход», «Показы», «Клики» /
      import ad costs (Metrica CSV, Direct and VK Ads exports, Russian headers).
  skvoz channels export --workspace DIR --out FILE.json [--force]
  skvoz channels import --workspace DIR FILE.json
      Правила каналов в файл и из файла (одни правила для многих клиентов) /
      channel rules to and from a file; an import replaces the workspace's rules.
  skvoz views list --workspace DIR [--format table|json]
      Сохранённые отчёты (для export --view) / saved views (for export --view).
${WORKSPACE_HELP}
${VISITS_HELP}
${EXPORT_HELP}
${STORAGE_HELP}
  skvoz --help

Выход с кодом 1 и одной строкой ошибки (по-русски / in English) при неверных данных /
exit 1 with a one-line error on bad input.`;
