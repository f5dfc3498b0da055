/**
 * The build-time side of the shipped reaction glyphs (issue 14.10): a Vite plugin, run under
 * plain Node by the build configs, never shipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { glyphKey, REACTION_PALETTE } from '../domain/reaction-palette';

const GLYPHS_ID = 'virtual:reaction-glyphs';

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
 * Both the audience build (vite.audience.config.ts) and the console's renderer
 * (electron.vite.config.ts) use it, so phone, overlays and console draw the same images
 * (src/shared/ui/emoji-glyph.tsx). `root`: the repository (node_modules is read from there).
 */
export const reactionGlyphs = (root: string): Plugin => {
  const cache = path.join(root, 'node_modules/.cache/stagecall-reaction-glyphs');
  const twemoji = path.join(root, 'node_modules/@iconify-json/twemoji');
  return {
    name: 'stagecall-reaction-glyphs',
    resolveId: (id) => (id === GLYPHS_ID ? `\0${GLYPHS_ID}` : null),
    load(id) {
      if (id !== `\0${GLYPHS_ID}`) return null;
      const chars = JSON.parse(fs.readFileSync(path.join(twemoji, 'chars.json'), 'utf8')) as Record<string, string>;
      const set = JSON.parse(fs.readFileSync(path.join(twemoji, 'icons.json'), 'utf8')) as IconSet;
      fs.mkdirSync(cache, { recursive: true });
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
        const file = path.join(cache, `${key}.svg`);
        if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== svg) fs.writeFileSync(file, svg);
        lines.push(`import g${i} from ${JSON.stringify(`${file}?url`)};`);
        entries.push(`${JSON.stringify(key)}: g${i}`);
      });
      return `${lines.join('\n')}\nexport const GLYPHS = { ${entries.join(', ')} };\n`;
    },
  };
};
