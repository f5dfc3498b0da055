/** Modules the audience build generates (vite.audience.config.ts). */
declare module 'virtual:reaction-glyphs' {
  /** glyphKey(emoji) → URL of its shipped SVG, for every REACTION_PALETTE emoji. */
  export const GLYPHS: Readonly<Record<string, string>>;
}
