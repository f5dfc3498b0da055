/**
 * Issue 14.9: finished items (an ended quiz's leaderboard, closed polls with their results) sit
 * under one compact "Earlier" disclosure below what is live. It starts collapsed while something
 * is live and open when nothing is; once the person toggles it, their choice stands.
 */
import { useId, useState } from 'react';
import { cueKey, type PhoneCue } from '../lib/select';
import { CueCard } from './cue-card';

const cueTitle = (c: PhoneCue): string => (c.kind === 'quiz' ? c.quiz.title : c.poll.question);

export function EarlierSection({ cues, anythingLive }: { cues: PhoneCue[]; anythingLive: boolean }) {
  const [chosen, setChosen] = useState<boolean | null>(null);
  const listId = useId();
  const headingId = useId();
  if (cues.length === 0) return null;
  const expanded = chosen ?? !anythingLive;
  return (
    <section className="earlier" aria-labelledby={headingId} data-testid="earlier">
      <h2 id={headingId} className="earlier-head">
        <button type="button" className="earlier-toggle" aria-expanded={expanded} aria-controls={listId} onClick={() => setChosen(!expanded)}>
          <span className="earlier-title">Earlier</span>
          <span className="earlier-count">{cues.length === 1 ? '1 finished item' : `${cues.length} finished items`}</span>
          <span className="earlier-chevron" aria-hidden="true">
            {expanded ? '▴' : '▾'}
          </span>
        </button>
      </h2>
      {!expanded && (
        <p className="earlier-summary muted small">
          {cues.map(cueTitle).join(' · ')}
        </p>
      )}
      <div id={listId} className="earlier-list" hidden={!expanded}>
        {expanded && cues.map((c) => <CueCard key={cueKey(c)} cue={c} />)}
      </div>
    </section>
  );
}
