/**
 * The reaction emoji the phone and the overlays draw from shipped images (issue 14.10): Linux
 * machines without an emoji font (OBS on Linux) show boxes for system emoji. The audience build
 * turns each of these into one small SVG (Twemoji, CC-BY 4.0); an emoji a host picks outside
 * this list still works, drawn by the system's font.
 */

/** An event's reactions until the host changes them (`event.update` settings). */
export const DEFAULT_REACTIONS = ['👍', '❤️', '😂', '👏', '🎉', '😮'];

/** Everything with a shipped glyph: the defaults, then the reactions hosts pick most. */
export const REACTION_PALETTE: readonly string[] = [
  ...DEFAULT_REACTIONS,
  '🔥', '🚀', '💡', '🙌', '💯', '🤔', '😢', '👎', '✨', '😍', '🥳', '🤯', '✅', '❓',
  '👋', '🙏', '🤣', '😅', '😎', '🤩', '👀', '⭐', '💜', '🎶', '🍕', '☕',
];

/**
 * The key of an emoji's glyph: its code points in lower-case hex joined by "-", without the
 * emoji presentation selector U+FE0F, so "❤️" and "❤" find the same image.
 */
export function glyphKey(emoji: string): string {
  return [...emoji]
    .map((c) => c.codePointAt(0) ?? 0)
    .filter((cp) => cp !== 0xfe0f)
    .map((cp) => cp.toString(16))
    .join('-');
}
