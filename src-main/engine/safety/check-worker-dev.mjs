// Development and tests: the integrity check thread runs check-worker.ts from source. Registers
// tsx (with the project's tsconfig, for the @shared alias) before loading it. Built apps load
// db-check.js instead (electron.vite.config.ts).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import(new URL('./check-worker.ts', import.meta.url).href);
