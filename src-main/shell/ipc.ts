// The one IPC wrapper: every contract call goes through `handleCall`, which
//   1. checks the sender frame's origin (nothing else runs for a foreign page),
//   2. validates the input with the contract's zod schema,
//   3. routes secrets:* to the secret store and everything else to the engine host.
// Engine events reach the window only for the contract's event channels.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CALL_CHANNELS, EVENT_CHANNELS, isShellChannel, type CallChannel, type EngineChannel, type EventChannel, type ShellChannel } from '@shared/channels';
import { inputSchemas, type Output, type Parsed, type Result, type SecretsStatus } from '@shared/contract';
import { fromZod } from '../engine/errors';
import { createLogger } from '../engine/log';
import { isAllowedOrigin, originOf } from './origin';

export const FOREIGN_SENDER_MESSAGE = 'Запрос отклонён: он пришёл не из окна Skvoz.';

export interface EngineCaller {
  call(channel: EngineChannel, input: unknown): Promise<Result<unknown>>;
  readonly currentWorkspaceId: string | null;
}

export interface SecretsHandler {
  status(workspaceId: string | null): SecretsStatus;
  set(workspaceId: string | null, input: Parsed<'secrets:set'>): Result<SecretsStatus>;
  clear(workspaceId: string | null, input: Parsed<'secrets:clear'>): Result<SecretsStatus>;
  forgetWorkspace(workspaceId: string): void;
}

/** Dialogs, PDF and PNG of exports (shell/exports.ts). */
export interface ExportsHandler {
  chooseSave(input: Parsed<'files:chooseSave'>): Promise<Result<{ path: string | null }>>;
  chooseFolder(input: Parsed<'files:chooseFolder'>): Promise<Result<{ path: string | null }>>;
  pdf(input: Parsed<'export:pdf'>): Promise<Result<{ path: string; bytes: number }>>;
  png(input: Parsed<'export:png'>): Promise<Result<{ path: string; bytes: number }>>;
  /** engine calls that write files must name a path picked in a dialog */
  checkEngineCall(channel: string, input: unknown): Result<never> | null;
}

/** Links out of the app (links.ts): a Bitrix24 card, a touch's landing page, an exported file. */
export interface LinksHandler {
  openCrm(input: Parsed<'bitrix24:open'>): Promise<Result<{ url: string }>>;
  openLanding(input: Parsed<'touches:openLanding'>): Promise<Result<{ url: string }>>;
  openFile(input: Parsed<'files:open'>): Promise<Result<{ opened: boolean }>>;
  revealFile(input: Parsed<'files:reveal'>): Result<{ opened: boolean }>;
}

export interface IpcDeps {
  /** Origins allowed to call (see origin.ts `allowedOrigins`). */
  allowedOrigins: readonly string[];
  engine: EngineCaller;
  secrets: SecretsHandler;
  exports?: ExportsHandler;
  links?: LinksHandler;
}

/** The part of the invoke event we look at. */
export type SenderEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

const log = createLogger('shell/ipc');

function senderUrl(event: SenderEvent): string | null {
  try {
    const url = event.senderFrame?.url;
    return typeof url === 'string' ? url : null;
  } catch {
    // accessing a destroyed frame throws
    return null;
  }
}

async function routeShell(channel: ShellChannel, input: unknown, deps: IpcDeps): Promise<Result<unknown>> {
  const ws = deps.engine.currentWorkspaceId;
  switch (channel) {
    case 'secrets:status':
      return { ok: true, value: deps.secrets.status(ws) };
    case 'secrets:set':
      return deps.secrets.set(ws, input as Parsed<'secrets:set'>);
    case 'secrets:clear':
      return deps.secrets.clear(ws, input as Parsed<'secrets:clear'>);
    case 'bitrix24:open':
    case 'touches:openLanding':
    case 'files:open':
    case 'files:reveal': {
      const links = deps.links;
      if (!links) return { ok: false, error: { code: 'internal', message: 'Ссылки недоступны в этом окне.' } };
      if (channel === 'bitrix24:open') return links.openCrm(input as Parsed<'bitrix24:open'>);
      if (channel === 'touches:openLanding') return links.openLanding(input as Parsed<'touches:openLanding'>);
      if (channel === 'files:open') return links.openFile(input as Parsed<'files:open'>);
      return links.revealFile(input as Parsed<'files:reveal'>);
    }
  }
  const ex = deps.exports;
  if (!ex) return { ok: false, error: { code: 'internal', message: 'Выгрузка в файл недоступна в этом окне.' } };
  switch (channel) {
    case 'files:chooseSave':
      return ex.chooseSave(input as Parsed<'files:chooseSave'>);
    case 'files:chooseFolder':
      return ex.chooseFolder(input as Parsed<'files:chooseFolder'>);
    case 'export:pdf':
      return ex.pdf(input as Parsed<'export:pdf'>);
    case 'export:png':
      return ex.png(input as Parsed<'export:png'>);
  }
}

/** Sender check → schema → route. Never throws; always a Result envelope. */
export async function handleCall(deps: IpcDeps, channel: CallChannel, event: SenderEvent, rawInput: unknown): Promise<Result<unknown>> {
  const url = senderUrl(event);
  if (!isAllowedOrigin(url, deps.allowedOrigins)) {
    log.warn('rejected call from a foreign frame', channel, 'origin', originOf(url) ?? 'none');
    return { ok: false, error: { code: 'invalid_input', message: FOREIGN_SENDER_MESSAGE } };
  }
  const parsed = inputSchemas[channel].safeParse(rawInput);
  if (!parsed.success) return { ok: false, error: fromZod(parsed.error) };
  try {
    if (isShellChannel(channel)) return await routeShell(channel, parsed.data, deps);
    const refused = deps.exports?.checkEngineCall(channel, parsed.data);
    if (refused) return refused;
    const result = await deps.engine.call(channel, parsed.data);
    if (channel === 'workspaces:delete' && result.ok) {
      deps.secrets.forgetWorkspace((result.value as Output<'workspaces:delete'>).deleted);
    }
    return result;
  } catch (err) {
    log.error('handler failed', channel, err);
    return { ok: false, error: { code: 'internal', message: 'Внутренняя ошибка приложения. Подробности — в журнале.' } };
  }
}

/** Registers one ipcMain handler per contract channel; returns the unregister function. */
export function registerIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, deps: IpcDeps): () => void {
  for (const channel of CALL_CHANNELS) {
    ipcMain.handle(channel, (event, input: unknown) => handleCall(deps, channel, event, input));
  }
  return () => {
    for (const channel of CALL_CHANNELS) ipcMain.removeHandler(channel);
  };
}

export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && (EVENT_CHANNELS as readonly string[]).includes(name);
}

/** Sends an engine event to the window — only the contract's event channels, only the payload. */
export function sendEvent(target: Pick<WebContents, 'send' | 'isDestroyed'> | null | undefined, name: unknown, payload: unknown): boolean {
  if (!isEventChannel(name)) {
    log.warn('event not in the contract dropped', String(name));
    return false;
  }
  if (!target || target.isDestroyed()) return false;
  target.send(name, payload);
  return true;
}
