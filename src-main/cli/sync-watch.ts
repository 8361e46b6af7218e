// `skvoz sync --watch`: keeps running (a systemd service, a `screen`) and syncs on the workspace's
// schedule with the app's own scheduler (engine/sync/schedule.ts): every sync.intervalMinutes of
// the workspace (or --every), the next one due an interval after the later of the last run's end
// and the last success — a failed run is retried after the interval, not at once; no network →
// probed again every minute, the sync runs as soon as it is back. One log line per run on stderr;
// SIGTERM / SIGINT end it after the run in progress is cancelled (exit 0). A workspace with no
// source to sync (no webhook, no Calltouch token in the environment) fails at once (exit 1).
import type { SourceKind } from '@shared/contract';
import type { Engine } from '../engine/engine';
import { setLogLevel, type Logger } from '../engine/log';
import { SyncScheduler, dnsOnline } from '../engine/sync/schedule';
import { fail } from './errors';

/** `--every`: 90s, 15m, 1h or plain minutes; at least 10 s. */
export function parseEvery(text: string): number {
  const m = /^(\d+(?:[.,]\d+)?)\s*(s|с|m|м|min|h|ч)?$/i.exec(text.trim());
  const n = m ? Number(m[1]!.replace(',', '.')) : Number.NaN;
  const unit = (m?.[2] ?? 'm').toLowerCase();
  const minutes = unit === 's' || unit === 'с' ? n / 60 : unit === 'h' || unit === 'ч' ? n * 60 : n;
  if (!Number.isFinite(minutes) || minutes * 60 < 10) {
    fail(`--every «${text}»: нужен интервал не меньше 10 с, например 30s, 15m или 1h`, `--every "${text}": give an interval of at least 10 s, e.g. 30s, 15m or 1h`);
  }
  return minutes;
}

const stamp = (t = Date.now()) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const line = (text: string) => process.stderr.write(`${stamp()} ${text}\n`);

/** The host whose name resolving means "online": the sources this process talks to. */
function probeHost(engine: Engine): string {
  const env = process.env;
  const s = engine.workspace.settings;
  const urls = [env.SKVOZ_BITRIX24_WEBHOOK, s.bitrix24.baseUrl, env.SKVOZ_CALLTOUCH_BASE_URL, s.calltouch.baseUrl, env.SKVOZ_YANDEX_DIRECT_BASE_URL, env.SKVOZ_VK_ADS_BASE_URL];
  for (const u of urls) {
    try {
      if (u) return new URL(u).hostname;
    } catch {
      // not a URL: the next one
    }
  }
  return 'api.calltouch.ru';
}

/** The scheduler's own notes (offline, back online) as log lines of this command. */
function scheduleLog(): Logger {
  const write = (...args: unknown[]) => line(args.map(String).join(' '));
  const log: Logger = { debug: () => {}, info: write, warn: write, error: write, child: () => log };
  return log;
}

export async function watch(engine: Engine, opts: { sources?: SourceKind[]; everyMinutes?: number }): Promise<number> {
  if (process.env.SKVOZ_LOG_LEVEL === undefined) setLogLevel('error'); // the engine's info lines would bury the one line per run
  const ws = engine.workspace;
  const interval = () => opts.everyMinutes ?? ws.settings.sync.intervalMinutes;
  if (!(interval() > 0)) {
    fail(
      'синхронизация по расписанию в настройках выключена (sync.intervalMinutes = 0) — задайте интервал: --every 15m',
      'scheduled sync is off in the settings (sync.intervalMinutes = 0); give an interval: --every 15m',
    );
  }
  if ((await engine.sync.configured(ws, opts.sources)).length === 0) {
    fail(
      'нечего синхронизировать: задайте SKVOZ_BITRIX24_WEBHOOK, SKVOZ_CALLTOUCH_SITES="siteId:token", SKVOZ_YANDEX_DIRECT_TOKEN или SKVOZ_VK_ADS_TOKEN в окружении',
      'nothing to sync: set SKVOZ_BITRIX24_WEBHOOK, SKVOZ_CALLTOUCH_SITES, SKVOZ_YANDEX_DIRECT_TOKEN or SKVOZ_VK_ADS_TOKEN in the environment',
    );
  }
  const minutes = interval();
  /** a run that could not even start (nothing to sync): waiting will not change that */
  let fatal: unknown = null;
  let finish: () => void = () => {};
  const finished = new Promise<void>((r) => (finish = r));
  const scheduler = new SyncScheduler({
    intervalMinutes: interval,
    online: dnsOnline(probeHost(engine)),
    busy: () => engine.sync.running,
    lastSyncAt: () => (ws.db.prepare('SELECT max(last_success_at) AS t FROM sync_status').get() as { t: number | null }).t,
    log: scheduleLog(),
    run: async () => {
      const t0 = Date.now();
      const next = () => new Date(Date.now() + interval() * 60_000).toISOString().slice(11, 16);
      try {
        const { done } = await engine.sync.start(ws, { sources: opts.sources, full: false });
        const r = await done;
        const rows = Object.entries(r.rows).map(([k, v]) => `${k} ${v}`).join(', ') || '0';
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        if (r.ok) line(`синхронизация: готово за ${secs} с, строк: ${rows}; следующая в ${next()} UTC / sync ok`);
        else if (r.error?.code !== 'cancelled') line(`синхронизация не удалась за ${secs} с: ${r.error?.message ?? '?'} (строк: ${rows}); повтор в ${next()} UTC / sync failed (${r.error?.code})`);
      } catch (err) {
        fatal = err;
        finish();
      }
    },
  });
  const stop = () => finish();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // the scheduler's timers do not keep the process alive; this does, until a signal
  const alive = setInterval(() => {}, 1 << 30);
  line(`skvoz sync --watch: «${ws.meta.name}», каждые ${minutes >= 1 ? `${+minutes.toFixed(2)} мин` : `${Math.round(minutes * 60)} с`} (${ws.dir}) / watching`);
  scheduler.start();
  try {
    await finished;
  } finally {
    clearInterval(alive);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    scheduler.stop();
    engine.sync.cancel();
    await scheduler.idle();
  }
  if (fatal) throw fatal;
  line('skvoz sync --watch: остановлено / stopped');
  return 0;
}
