// Process boundaries (DESIGN.md, STYLE.md): where code runs is visible from where it lives.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import path from 'node:path';

// Each program imports only src/shared and its own folder (DESIGN.md). The console's main
// process hosts the embedded hub, so src/main may also import src/hub, and its rehearsal mode
// runs the simulator through the simulator's library entry (src/simulator/index.ts) only; the
// renderer may take the preload's types. Resolved against the importing file, so folder names cannot fool it.
const programs = ['hub', 'main', 'preload', 'renderer', 'audience', 'simulator', 'shared'];
const mayImport = {
  hub: ['hub', 'shared'],
  main: ['main', 'shared', 'hub', 'preload', 'simulator'],
  preload: ['preload', 'shared'],
  renderer: ['renderer', 'shared', 'preload'],
  audience: ['audience', 'shared'],
  simulator: ['simulator', 'shared'],
  shared: ['shared'],
};
const entryOnly = { main: { simulator: path.resolve('src/simulator') } };
const srcRoot = path.resolve('src');
const programOf = (file) => {
  const rel = path.relative(srcRoot, file);
  const top = rel.split(path.sep)[0];
  return rel.startsWith('..') || !programs.includes(top) ? undefined : top;
};
const boundaries = {
  rules: {
    'program-imports': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const from = programOf(context.filename);
        if (!from) return {};
        const check = (node) => {
          const spec = node.source?.value;
          if (typeof spec !== 'string' || !spec.startsWith('.')) return;
          const target = path.resolve(path.dirname(context.filename), spec);
          const to = programOf(target);
          const entry = entryOnly[from]?.[to];
          if (entry && target !== entry && target !== path.join(entry, 'index')) {
            context.report({ node, message: `src/${from} may import src/${to} only through its entry (src/${to}/index.ts).` });
          } else if (to && !mayImport[from].includes(to)) context.report({ node, message: `src/${from} may import only ${mayImport[from].map((p) => `src/${p}`).join(', ')}; move what both need into src/shared (found src/${to}).` });
        };
        return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
      },
    },
  },
};

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'worker_threads', 'stream', 'events', 'url', 'util', 'zlib', 'tls', 'dgram', 'dns', 'cluster', 'readline', 'perf_hooks', 'buffer', 'process'];
const forbid = (names, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: names, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', 'playwright-report/**', 'bench/results/**'] },
  js.configs.recommended,
  { files: ['src/**/*.{ts,tsx}'], plugins: { boundaries }, rules: { 'boundaries/program-imports': 'error' } },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/shared/**'],
    // cli-args wraps node:util's parseArgs, a pure function; only the CLIs import it.
    ignores: ['src/shared/cli-args.ts'],
    rules: forbid([...nodeBuiltins, 'electron', 'electron/*'], 'src/shared is pure: no Node built-ins, no electron.'),
  },
  {
    files: ['src/shared/cli-args.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: nodeBuiltins.filter((n) => n !== 'node:*'), message: 'cli-args may use node:util only.' }, { regex: '^node:(?!util$)', message: 'cli-args may use node:util only.' }] }],
    },
  },
  // The one Node corner of src/shared: code both Node programs (hub, console main) use, e.g. file-lock.
  { files: ['src/shared/node/**'], rules: forbid(['electron', 'electron/*'], 'src/shared/node runs under plain Node: no electron.') },
  {
    files: ['src/renderer/**', 'src/audience/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: forbid([...nodeBuiltins, 'electron', 'electron/*', 'ws'], 'Browser code: no Node built-ins, no electron.'),
  },
  {
    // The renderer validates nothing itself (the core does): a value import of a zod-carrying module
    // would ship zod in the console's bundle (tests/console/renderer-bundle.test.ts). Types are free.
    files: ['src/renderer/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['zod', 'zod/*', '**/shared/console-api', '**/shared/protocol/frames', '**/shared/protocol/messages', '**/shared/protocol/roles', '**/shared/protocol/decode'], allowTypeImports: true, message: 'Renderer: types only from zod-carrying modules (use a zod-free module such as shared/log-watch for values).' }] },
      ],
    },
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
