#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx resolves the @shared alias from tsconfig.json).
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
register({ tsconfig: join(root, 'tsconfig.json') });
const { main } = await import('../src-main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
