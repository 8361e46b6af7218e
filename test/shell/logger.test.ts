import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addLogSink, createLogger, redact, writeLogLine } from '../../src-main/engine/log';
import { toAppError } from '../../src-main/engine/errors';
import { fileLogSink } from '../../src-main/shell/log-file';

const WEBHOOK = 'https://x.bitrix24.ru/rest/1/abc123secret/';
const CT_TOKEN = 'Zx9TopSecretCalltouchToken42';
const CT_URL = `https://api.calltouch.ru/calls-service/RestAPI/43769/calls-diary/calls?clientApiId=${CT_TOKEN}&dateFrom=01/03/2024`;
const SECRETS = ['abc123secret', CT_TOKEN];

const dir = mkdtempSync(join(tmpdir(), 'skvoz-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const stop = addLogSink((l) => lines.push(l));
  return { lines, stop };
}

function expectClean(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
}

describe('redacting logger', () => {
  it('redact() removes the webhook code and clientApiId', () => {
    const out = redact(`${WEBHOOK} ${CT_URL}`);
    expectClean(out);
    expect(out).toContain('https://x.bitrix24.ru/rest/1/***');
    expect(out).toContain('clientApiId=***');
    expect(out).toContain('dateFrom=01/03/2024');
  });

  it('no logger call lets a secret through: strings, errors, objects, child scopes', () => {
    const { lines, stop } = capture();
    const log = createLogger('test').child('sub');
    log.info('calling', WEBHOOK, 'then', CT_URL);
    log.warn(new Error(`fetch failed for ${WEBHOOK}crm.deal.list`));
    log.error('request', { url: CT_URL, webhook: WEBHOOK, headers: { 'Access-Token': CT_TOKEN } });
    log.error(`Access-Token: ${CT_TOKEN}`);
    stop();
    expect(lines).toHaveLength(4);
    expectClean(lines.join('\n'));
  });

  it('lines relayed from the worker are redacted again', () => {
    const { lines, stop } = capture();
    writeLogLine(`2024-01-01 INFO [engine] ${WEBHOOK} ${CT_URL}`);
    stop();
    expectClean(lines.join('\n'));
  });

  it('error envelopes shown to the user are redacted', () => {
    const e = toAppError(new Error(`ECONNRESET ${WEBHOOK} ${CT_URL}`));
    expect(e.code).toBe('internal');
    expectClean(e.message);
  });

  it('the log file under userData/logs never holds a secret', () => {
    const { sink, file } = fileLogSink(join(dir, 'logs'));
    const stop = addLogSink(sink);
    createLogger('shell').error('sync failed', WEBHOOK, CT_URL, new Error(WEBHOOK));
    stop();
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('sync failed');
    expectClean(text);
  });
});
