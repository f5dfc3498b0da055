/**
 * Reactions on stream: emoji float up, driven by how much each counter grew since the last
 * view (the first view only sets the baseline). Bursts are capped so a flood stays watchable.
 */
import { useEffect, useRef, useState } from 'react';
import type { AudienceView } from '../../shared/domain/types';
import { EmojiGlyph, preloadGlyphs } from '../../shared/ui/emoji-glyph';

interface Floater {
  id: number;
  emoji: string;
  left: number;
  delay: number;
  drift: number;
}

const MAX_ON_SCREEN = 60;
const MAX_PER_UPDATE = 15;

export function ReactionsOverlay({ view }: { view: AudienceView }) {
  const last = useRef<Record<string, number> | null>(null);
  const seq = useRef(0);
  const [floaters, setFloaters] = useState<Floater[]>([]);

  const set = view.event.settings.reactions;
  // The glyphs are fetched before the first reaction needs one, so a floater is never blank.
  useEffect(() => preloadGlyphs(set), [set]);

  useEffect(() => {
    const now = view.reactions;
    const before = last.current;
    last.current = { ...now };
    if (!before) return;
    const born: Floater[] = [];
    for (const [emoji, n] of Object.entries(now)) {
      const prev = Object.hasOwn(before, emoji) ? (before[emoji] ?? 0) : 0;
      for (let i = 0; i < Math.min(n - prev, MAX_PER_UPDATE) && born.length < MAX_PER_UPDATE; i++)
        born.push({ id: ++seq.current, emoji, left: 5 + Math.random() * 90, delay: Math.random() * 0.6, drift: Math.random() * 60 - 30 });
    }
    if (born.length) setFloaters((f) => [...f, ...born].slice(-MAX_ON_SCREEN));
  }, [view.reactions]);

  return (
    <div className="ov-reactions" aria-hidden="true">
      {floaters.map((f) => (
        <span
          key={f.id}
          className="ov-floater"
          style={{ left: `${f.left}%`, animationDelay: `${f.delay}s`, ['--drift' as string]: `${f.drift}px` }}
          onAnimationEnd={() => setFloaters((all) => all.filter((x) => x.id !== f.id))}
        >
          <EmojiGlyph emoji={f.emoji} />
        </span>
      ))}
    </div>
  );
}
