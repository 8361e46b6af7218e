// Channel names of the contract. Kept free of zod so the preload bundle stays tiny.
// Every renderer→engine call is `domain:verb`; adding a channel here without a schema in
// contract.ts, a handler in the engine or the shell, is a compile error.

export const CALL_CHANNELS = [
  'app:info',
  'workspaces:list',
  'workspaces:create',
  'workspaces:open',
  'workspaces:current',
  'workspaces:rename',
  'workspaces:delete',
  'settings:get',
  'settings:update',
  'secrets:status',
  'secrets:set',
  'secrets:clear',
  'sync:start',
  'sync:cancel',
  'sync:status',
  'sources:test',
  'reports:query',
  'reports:series',
  'reports:models',
  'reports:deals',
  'reports:explain',
  'reports:options',
  // a call's or request's landing page address (issue 19), for the shell to open
  'reports:landing',
  'visits:create',
  'visits:list',
  'visits:preview',
  'visits:update',
  'visits:cancel',
  'visits:retry',
  'visits:send',
  'costs:import',
  'costs:list',
  'costs:delete',
  'costs:sources',
  'costs:coverage',
  'views:list',
  'views:save',
  'views:delete',
  'health:summary',
  'health:records',
  'health:values',
  'export:run',
  'export:cancel',
  'export:html',
  'export:pdf',
  'export:png',
  'files:chooseSave',
  'files:chooseFolder',
  'schedules:list',
  'schedules:save',
  'schedules:delete',
  'storage:status',
  'storage:check',
  'storage:backup',
  'storage:restore',
  'channels:values',
  'channels:export',
  'channels:import',
  // the shell's links out: a record on the Bitrix24 portal, a touch's landing page, an exported file
  'bitrix24:open',
  'touches:openLanding',
  'files:open',
  'files:reveal',
] as const;

export const EVENT_CHANNELS = ['sync:progress', 'sync:finished', 'workspaces:changed', 'workspaces:progress', 'visits:changed', 'export:progress', 'export:finished', 'attribution:progress'] as const;

/** Channels the Electron shell answers itself (secrets live in the main process only). */
export const SHELL_CHANNELS = [
  'secrets:status',
  'secrets:set',
  'secrets:clear',
  // exports: dialogs, printToPDF and chart images need the main process
  'files:chooseSave',
  'files:chooseFolder',
  'export:pdf',
  'export:png',
  'bitrix24:open',
  'touches:openLanding',
  'files:open',
  'files:reveal',
] as const;

export type CallChannel = (typeof CALL_CHANNELS)[number];
export type EventChannel = (typeof EVENT_CHANNELS)[number];
export type ShellChannel = (typeof SHELL_CHANNELS)[number];
export type EngineChannel = Exclude<CallChannel, ShellChannel>;

export function isCallChannel(name: unknown): name is CallChannel {
  return typeof name === 'string' && (CALL_CHANNELS as readonly string[]).includes(name);
}

export function isShellChannel(name: CallChannel): name is ShellChannel {
  return (SHELL_CHANNELS as readonly string[]).includes(name);
}

/** `reports:query` → ['reports', 'query'] */
export function splitChannel<C extends string>(channel: C): [string, string] {
  const i = channel.indexOf(':');
  return [channel.slice(0, i), channel.slice(i + 1)];
}
