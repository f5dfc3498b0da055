// Process boundaries (DESIGN.md, STYLE.md): where code runs is visible from where it lives.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'worker_threads', 'stream', 'events', 'url', 'util', 'zlib', 'tls', 'dgram', 'dns', 'cluster', 'readline', 'perf_hooks', 'buffer', 'process'];
const forbid = (names, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: names, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/shared/**'], rules: forbid([...nodeBuiltins, 'electron', 'electron/*'], 'src/shared is pure: no Node built-ins, no electron.') },
  {
    files: ['src/renderer/**', 'src/audience/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: forbid([...nodeBuiltins, 'electron', 'electron/*', 'ws'], 'Browser code: no Node built-ins, no electron.'),
  },
  {
    // GitHub Desktop's rule: raw IPC lives in one file per side (src/main/ipc.ts, src/preload).
    files: ['src/main/**'],
    ignores: ['src/main/ipc.ts', 'src/main/core/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Only src/main/ipc.ts touches ipcMain.' }] }],
    },
  },
  // The plain-Node launcher runs before anything is built, so it is CommonJS as written.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['src/hub/**', 'src/simulator/**', 'src/main/core/**', 'tests/**', 'bench/**'],
    rules: forbid(['electron', 'electron/*'], 'Only src/main (outside core) and src/preload import electron.'),
  },
);
