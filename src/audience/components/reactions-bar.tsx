/** The reactions bar: the event's emoji set (shipped glyphs, 14.10); each tap floats the emoji up on this phone too. */
import { useRef, useState } from 'react';
import { useAudience } from '../lib/store';
import { EmojiGlyph } from '../../shared/ui/emoji-glyph';

interface Floater {
  id: number;
  emoji: string;
  left: number;
}

const MAX_FLOATERS = 24;
/** A stable empty list: a fresh [] per render would make the store selector loop. */
const NONE: string[] = [];

export function ReactionsBar() {
  const emoji = useAudience((s) => s.view?.event.settings.reactions ?? NONE);
  const actions = useAudience((s) => s.actions);
  const online = useAudience((s) => s.link.state === 'connected');
  const [floaters, setFloaters] = useState<Floater[]>([]);
  const seq = useRef(0);
  if (emoji.length === 0) return null;

  function react(e: string, index: number) {
    if (!actions?.react(e)) return;
    const left = ((index + 0.5) / emoji.length) * 100;
    setFloaters((f) => [...f.slice(-(MAX_FLOATERS - 1)), { id: ++seq.current, emoji: e, left }]);
  }

  return (
    <nav className="reactions" aria-label="Reactions">
      <div className="floaters" aria-hidden="true">
        {floaters.map((f) => (
          <span
            key={f.id}
            className="floater"
            style={{ left: `${f.left}%` }}
            onAnimationEnd={() => setFloaters((all) => all.filter((x) => x.id !== f.id))}
          >
            <EmojiGlyph emoji={f.emoji} />
          </span>
        ))}
      </div>
      {emoji.map((e, i) => (
        <button key={e} type="button" className="reaction" aria-label={`React ${e}`} disabled={!online} onClick={() => react(e, i)}>
          <EmojiGlyph emoji={e} />
        </button>
      ))}
    </nav>
  );
}
