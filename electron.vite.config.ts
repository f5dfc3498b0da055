/**
 * electron-vite builds the console into out/: main (src/main/index.ts, with the core, the
 * embedded hub and the simulator's worker beside it), the sandboxed preload
 * (one CommonJS file: a sandboxed preload cannot require siblings) and the renderer
 * (src/renderer). `npm run build` runs this, the audience build and the plain-Node programs'
 * build (vite.node.config.ts: the hub, the web host, `npm start`); start, hub, console:web and
 * dist all go through it.
 */
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { reactionGlyphs } from './src/shared/node/reaction-glyphs-plugin';

const r = (p: string): string => path.resolve(__dirname, p);

/** The dev server needs React's inline refresh preamble and HMR's socket; builds keep the strict meta CSP. */
const devCsp = (): Plugin => ({
  name: 'stagecall-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: http:"),
});

export default defineConfig({
  main: {
    build: {
      outDir: r('out/main'),
      rolldownOptions: {
        // worker.js must sit beside index.js: the simulator starts it from __dirname (rehearsals).
        input: {
          index: r('src/main/index.ts'),
          worker: r('src/simulator/worker.ts'),
        },
        // Shared chunks beside the entries too: modules find out/audience and out/renderer from __dirname.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: r('out/preload'),
      rolldownOptions: {
        input: { index: r('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: r('src/renderer'),
    base: './',
    // The same shipped Twemoji SVGs as the phone and overlays (issue 14.10): bundled assets, so img-src 'self' covers them.
    plugins: [react(), devCsp(), reactionGlyphs(__dirname)],
    build: {
      outDir: r('out/renderer'),
      emptyOutDir: true,
      target: 'es2022',
      minify: true, // electron-vite leaves the renderer unminified by default
      assetsInlineLimit: 0, // script-src 'self': nothing inlined as data: URLs
      modulePreload: { polyfill: false },
      rolldownOptions: { input: { index: r('src/renderer/index.html') } },
    },
  },
});
