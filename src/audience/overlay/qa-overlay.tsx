/** Q&A on stream: the pinned (else most upvoted) question large, the next two smaller. */
import type { AudienceView } from '../../shared/domain/types';
import { sortedQuestions } from '../lib/select';

export function QaOverlay({ view }: { view: AudienceView }) {
  const questions = sortedQuestions(view).filter((q) => q.status === 'approved');
  const [top, ...rest] = questions;
  if (!top) return null;
  return (
    <section className="ov-qa" aria-label="Questions">
      <article className="ov-panel ov-question">
        <p className="ov-kicker">{top.pinned ? 'Now answering' : 'Top question'}</p>
        <h1 className="ov-title">{top.text}</h1>
        <p className="ov-meta">
          {top.authorName ?? 'Anonymous'} · ▲ <span className="ov-num">{top.upvotes}</span>
        </p>
      </article>
      {rest.slice(0, 2).map((q) => (
        <article key={q.id} className="ov-panel ov-question ov-small">
          <p className="ov-qtext">{q.text}</p>
          <p className="ov-meta">
            {q.authorName ?? 'Anonymous'} · ▲ <span className="ov-num">{q.upvotes}</span>
          </p>
        </article>
      ))}
    </section>
  );
}
