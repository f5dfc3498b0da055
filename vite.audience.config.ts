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
import { glyphKey, REACTION_PALETTE } from './src/shared/domain/reaction-palette';

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

const GLYPHS_ID = 'virtual:reaction-glyphs';
const GLYPHS_CACHE = path.resolve(__dirname, 'node_modules/.cache/stagecall-reaction-glyphs');
const TWEMOJI = path.resolve(__dirname, 'node_modules/@iconify-json/twemoji');

interface IconSet {
  icons: Record<string, { body: string; width?: number; height?: number }>;
  aliases?: Record<string, { parent: string }>;
  width?: number;
  height?: number;
}

/**
 * Issue 14.10: `virtual:reaction-glyphs` maps each REACTION_PALETTE emoji (by glyphKey) to the URL
 * of one small Twemoji SVG (CC-BY 4.0, credited inside each file), cut at build time from
 * @iconify-json/twemoji. Each SVG is its own hashed asset, so a phone fetches only the ones its
 * event uses, after the first load. A palette emoji with no Twemoji glyph fails the build.
 */
const reactionGlyphs = (): Plugin => ({
  name: 'stagecall-reaction-glyphs',
  resolveId: (id) => (id === GLYPHS_ID ? `\0${GLYPHS_ID}` : null),
  load(id) {
    if (id !== `\0${GLYPHS_ID}`) return null;
    const chars = JSON.parse(fs.readFileSync(path.join(TWEMOJI, 'chars.json'), 'utf8')) as Record<string, string>;
    const set = JSON.parse(fs.readFileSync(path.join(TWEMOJI, 'icons.json'), 'utf8')) as IconSet;
    fs.mkdirSync(GLYPHS_CACHE, { recursive: true });
    const lines: string[] = [];
    const entries: string[] = [];
    REACTION_PALETTE.forEach((emoji, i) => {
      const key = glyphKey(emoji);
      const name = chars[key] ?? chars[`${key}-fe0f`];
      const icon = name ? (set.icons[name] ?? set.icons[set.aliases?.[name]?.parent ?? '']) : undefined;
      if (!icon) throw new Error(`reaction-glyphs: no Twemoji glyph for ${emoji} (${key}); drop it from REACTION_PALETTE`);
      const w = icon.width ?? set.width ?? 36;
      const h = icon.height ?? set.height ?? 36;
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}"><!-- Twemoji, (c) Twitter, Inc and other contributors, CC-BY 4.0 https://creativecommons.org/licenses/by/4.0/ -->${icon.body}</svg>\n`;
      const file = path.join(GLYPHS_CACHE, `${key}.svg`);
      if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== svg) fs.writeFileSync(file, svg);
      lines.push(`import g${i} from ${JSON.stringify(`${file}?url`)};`);
      entries.push(`${JSON.stringify(key)}: g${i}`);
    });
    return `${lines.join('\n')}\nexport const GLYPHS = { ${entries.join(', ')} };\n`;
  },
});

const outDir = path.resolve(__dirname, 'out/audience');

const root = path.resolve(__dirname, 'src/audience');

export default defineConfig({
  root,
  base: '/',
  plugins: [react(), reactionGlyphs(), precompress(outDir)],
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
