// Preload: `window.skvoz` — one function per contract channel, grouped by domain, plus `on`.
// Nothing else is exposed (no ipcRenderer, no process, no paths). Builds to one CommonJS file
// that requires only `electron`, so it runs in the sandbox. Types come from the contract.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CALL_CHANNELS, EVENT_CHANNELS, splitChannel, type CallChannel, type EventChannel } from '@shared/channels';
import type { EventPayloads, Input, Output, Result, SkvozApi } from '@shared/contract';

const UNREACHABLE: Result<never> = {
  ok: false,
  error: { code: 'internal', message: 'Нет связи с основным процессом Skvoz. Перезапустите приложение.' },
};

/** One contract method: invoke the channel, always resolve with a Result envelope. */
function call<C extends CallChannel>(channel: C): (input?: Input<C>) => Promise<Result<Output<C>>> {
  return (input) =>
    (ipcRenderer.invoke(channel, input) as Promise<Result<Output<C>>>).catch((): Result<Output<C>> => UNREACHABLE);
}

function on<E extends EventChannel>(event: E, listener: (payload: EventPayloads[E]) => void): () => void {
  if (!(EVENT_CHANNELS as readonly string[]).includes(event)) throw new Error(`Unknown Skvoz event: ${String(event)}`);
  if (typeof listener !== 'function') throw new Error('Skvoz event listener must be a function');
  const wrapped = (_event: IpcRendererEvent, payload: EventPayloads[E]): void => listener(payload);
  ipcRenderer.on(event, wrapped);
  return () => {
    ipcRenderer.removeListener(event, wrapped);
  };
}

// The methods are built from CALL_CHANNELS by splitting `domain:verb` — exactly how the contract's
// SkvozApi type is built — so a channel added to the contract needs no edit here. The one cast
// below restates that construction as a type; `satisfies SkvozApi` then checks it against the
// contract, and test/shell/preload.test.ts checks the runtime object channel by channel.
type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;
type Methods = {
  [D in DomainOf<CallChannel>]: {
    [C in CallChannel as C extends `${D}:${infer V}` ? V : never]: (input?: Input<C>) => Promise<Result<Output<C>>>;
  };
};

function buildMethods(): Methods {
  const groups: Record<string, Record<string, (input?: never) => Promise<unknown>>> = {};
  for (const channel of CALL_CHANNELS) {
    const [domain, verb] = splitChannel(channel);
    (groups[domain] ??= {})[verb] = call(channel);
  }
  return groups as unknown as Methods;
}

const api = { ...buildMethods(), on } satisfies SkvozApi;

contextBridge.exposeInMainWorld('skvoz', api);
