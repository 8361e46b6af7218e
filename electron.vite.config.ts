import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;
const alias = { '@shared': resolve(root, 'src-shared') };

export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(root, 'src-main/shell/index.ts'),
          'engine-worker': resolve(root, 'src-main/engine/worker.ts'),
          // the full attribution recompute's reader thread (found next to engine-worker.js)
          'attribution-reader': resolve(root, 'src-main/engine/attribution/reader-worker.ts'),
          // the integrity check's thread (PRAGMA quick_check; found next to engine-worker.js)
          'db-check': resolve(root, 'src-main/engine/safety/check-worker.ts'),
        },
      },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      outDir: 'out/preload',
      // sandboxed preload must be one CommonJS file that only requires `electron`
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    resolve: { alias },
    plugins: [svelte()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
