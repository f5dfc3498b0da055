/**
 * The audience web app and the streaming overlays (issue 6): plain Vite, two HTML entries,
 * built into out/audience, which the hub serves (src/hub/http/static-files.ts).
 */
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = path.resolve(__dirname, 'src/audience');

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(__dirname, 'out/audience'),
    emptyOutDir: true,
    target: 'es2022',
    // The hub's CSP (script-src 'self') forbids inline scripts; never inline assets as data: scripts either.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        index: path.join(root, 'index.html'),
        overlay: path.join(root, 'overlay.html'),
      },
    },
  },
});
