/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { SkvozApi } from '@shared/contract';

declare global {
  interface Window {
    /** The engine, through the preload (Electron) or the e2e bridge (Chromium). */
    skvoz: SkvozApi;
  }
}

export {};
