/**
 * The audience web app and the streaming overlays (issue 6): plain Vite, two HTML entries,
 * built into out/audience, which the hub serves (src/hub/http/static-files.ts). Phones on
 * venue Wi-Fi download little: Preact stands in for React (preact/compat, same components),
 * and every text file gets a brotli and a gzip twin at build time, so the hub never
 * compresses per request.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { reactionGlyphs } from './src/shared/node/reaction-glyphs-plugin';

const COMPRESSIBLE = /\.(html|js|css|svg|json|webmanifest|txt)$/;

/** Writes file.br (quality 11) and file.gz (level 9) beside every text file of the build. */
const precompress = (outDir: string): Plugin => ({
  name: 'stagecall-precompress',
  apply: 'build',
  closeBundle() {
    const walk = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    for (const file of walk(outDir)) {
      if (!COMPRESSIBLE.test(file)) continue;
      const raw = fs.readFileSync(file);
      const br = zlib.brotliCompressSync(raw, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      });
      fs.writeFileSync(`${file}.br`, br);
      fs.writeFileSync(`${file}.gz`, zlib.gzipSync(raw, { level: 9 }));
    }
  },
});

const outDir = path.resolve(__dirname, 'out/audience');

const root = path.resolve(__dirname, 'src/audience');

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), reactionGlyphs(__dirname), precompress(outDir)],
  resolve: {
    // Exact-match aliases: the components keep React's API and types; the bundle carries Preact.
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react(-dom)?$/, replacement: 'preact/compat' },
    ],
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // The hub's CSP (script-src 'self') forbids inline scripts; never inline assets as data: scripts either.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // The code both pages share is one chunk; a neutral name, not whichever module came first.
      output: { chunkFileNames: 'assets/shared-[hash].js' },
      input: {
        index: path.join(root, 'index.html'),
        overlay: path.join(root, 'overlay.html'),
      },
    },
  },
});
