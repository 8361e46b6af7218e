// Lint with the process boundaries of DESIGN.md §1 as rules.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'https', 'net', 'url', 'util', 'stream', 'events'];

const noElectron = { group: ['electron', 'electron/*'], message: 'Electron is allowed only in src-main/shell and src-main/preload.' };
const noNode = { group: nodeBuiltins, message: 'The renderer and src-shared run without Node: no node:* imports.' };
const noMainFromUi = { group: ['**/src-main/**', '../src-main/**'], message: 'Talk to the engine through window.skvoz (the contract).' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noNode, noMainFromUi] }] },
  },
  {
    files: ['src-shared/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron, noNode, noMainFromUi] }] },
  },
  {
    files: ['src-main/engine/**', 'src-main/cli.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron] }] },
  },
  {
    files: ['src-main/preload/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noNode, { group: ['zod'], message: 'Preload stays tiny: no zod.' }] }] },
  },
  {
    // The CLI, tests, benchmarks and scripts talk to people on the console.
    files: ['src-main/cli.ts', 'src-main/cli/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
