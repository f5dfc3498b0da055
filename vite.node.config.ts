/**
 * The plain-Node programs that src/main/launch.cjs runs (`npm run hub`, `npm run console:web`,
 * `npm start`), built into out/node with their dependencies bundled and minified: one file
 * each to read and compile instead of hundreds under node_modules is most of why the hub is
 * ready within 3x of bare Node listening (docs/benchmarks.md, `npm run bench -- startup`).
 * What only some runs need stays a lazily loaded chunk (the Redis engine and its client).
 * The simulator's worker sits beside web-host.js: rehearsals start it from __dirname.
 * The packaged console does not carry out/node (electron-builder.yml); Electron's main
 * process is built by electron.vite.config.ts.
 */
import path from 'node:path';
import { defineConfig } from 'vite';

const r = (p: string): string => path.resolve(__dirname, p);

export default defineConfig({
  build: {
    ssr: true,
    outDir: r('out/node'),
    emptyOutDir: true,
    target: 'node20',
    minify: true,
    // Maps for reading a stack trace by hand; Node does not load them (that would cost start-up).
    sourcemap: true,
    reportCompressedSize: false,
    rolldownOptions: {
      input: {
        hub: r('src/hub/cli.ts'),
        'web-host': r('src/main/web-host-cli.ts'),
        start: r('src/main/start.ts'),
        worker: r('src/simulator/worker.ts'),
      },
      // ws's optional native helpers and the development-only pretty printer: used when installed.
      external: ['bufferutil', 'utf-8-validate', 'pino-pretty'],
      output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
    },
  },
  // Bundle every dependency (SSR builds leave node_modules external by default).
  ssr: { noExternal: true, target: 'node' },
});
