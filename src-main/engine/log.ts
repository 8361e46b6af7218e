// A small scoped logger that redacts secrets before anything reaches a sink.
// Sinks: stderr by default; the shell adds a file sink. Never log a webhook URL or token unredacted.

export type Level = 'debug' | 'info' | 'warn' | 'error';
export type Sink = (line: string) => void;

const sinks: Sink[] = [];
let minLevel: Level = (process.env.SKVOZ_LOG_LEVEL as Level | undefined) ?? 'info';
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

const PATTERNS: [RegExp, string][] = [
  // Bitrix24 webhook: /rest/<user>/<code>/  (code is the secret)
  [/(\/rest\/\d+\/)[A-Za-z0-9_-]{4,}/g, '$1***'],
  // Calltouch read API token in query strings
  [/([?&](?:clientApiId|access_token|auth|token)=)[^&#\s"']+/gi, '$1***'],
  // headers / JSON keys that carry secrets
  [/((?:access-token|authorization|x-api-key)\s*[:=]\s*)(?:bearer\s+)?[^\s,"'}]+/gi, '$1***'],
  [/("(?:[a-z_-]*(?:token|secret|apikey|api_key|password|webhook|authorization|clientapiid)[a-z_-]*)"\s*:\s*")[^"]*"/gi, '$1***"'],
  [/(\b(?:token|secret|apikey|password|webhook)\s*[=:]\s*)[^\s,;"'}]+/gi, '$1***'],
  [/(bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, '$1***'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

function format(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}${value.stack ? `\n${value.stack}` : ''}`;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export function addLogSink(sink: Sink): () => void {
  sinks.push(sink);
  return () => {
    const i = sinks.indexOf(sink);
    if (i >= 0) sinks.splice(i, 1);
  };
}

/**
 * Writes an already formatted line (e.g. one relayed from the engine worker) to the sinks,
 * redacted once more on the way.
 */
export function writeLogLine(line: string): void {
  const safe = redact(line);
  if (sinks.length === 0) process.stderr.write(`${safe}\n`);
  else for (const s of sinks) s(safe);
}

export function setLogLevel(level: Level): void {
  minLevel = level;
}

export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  child(scope: string): Logger;
}

export function createLogger(scope: string): Logger {
  const write = (level: Level, args: unknown[]) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    writeLogLine(`${new Date().toISOString()} ${level.toUpperCase()} [${scope}] ${args.map(format).join(' ')}`);
  };
  return {
    debug: (...a) => write('debug', a),
    info: (...a) => write('info', a),
    warn: (...a) => write('warn', a),
    error: (...a) => write('error', a),
    child: (sub) => createLogger(`${scope}/${sub}`),
  };
}
