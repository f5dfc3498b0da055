/** A word cloud as sized words (largest most frequent), counts in text; flagged words marked and kept from the audience. */
import type { PollView } from '../../../../shared/domain/types';
import { cloudWords } from '../../store/selectors';

export function WordCloud({ poll }: { poll: PollView }) {
  const words = cloudWords(poll);
  const flagged = new Set(poll.flaggedWords ?? []);
  if (words.length === 0 && flagged.size === 0) return <p className="empty">No words yet.</p>;
  return (
    <>
      <ul className="cloud" aria-label="Words, most frequent first">
        {words.map((w) => (
          <li key={w.key} style={{ fontSize: `${(0.85 + w.share * 1.9).toFixed(2)}rem` }} data-count={w.count}>
            {w.label} <span className="cloud-count">{w.count}</span>
          </li>
        ))}
      </ul>
      {flagged.size > 0 && (
        <p className="muted">
          <span aria-hidden="true">⚑ </span>Flagged and hidden from the audience: {[...flagged].slice(0, 20).join(', ')}
        </p>
      )}
    </>
  );
}
