/**
 * One reaction emoji, drawn from its shipped SVG when it has one (issue 14.10), so machines with
 * no emoji font (OBS on Linux) show the emoji, not a box. Others fall back to the system font.
 * The image is decorative: the control around it carries the name ("React 👍").
 */
import { GLYPHS } from 'virtual:reaction-glyphs';
import { glyphKey } from '../domain/reaction-palette';

export const glyphUrl = (emoji: string): string | undefined => {
  const key = glyphKey(emoji);
  return Object.hasOwn(GLYPHS, key) ? GLYPHS[key] : undefined;
};

/** Starts fetching the glyphs of an event's set, so the first reaction on screen is not blank. */
export function preloadGlyphs(emoji: readonly string[]): void {
  for (const e of emoji) {
    const url = glyphUrl(e);
    if (url) new Image().src = url;
  }
}

export function EmojiGlyph({ emoji }: { emoji: string }) {
  const url = glyphUrl(emoji);
  if (!url) return <span className="emoji-text">{emoji}</span>;
  return <img className="emoji-img" src={url} alt="" draggable={false} data-emoji={emoji} />;
}
