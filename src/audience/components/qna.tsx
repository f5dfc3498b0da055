/**
 * Q&A (the phone's Q&A tab): ask, see your own questions with their status (pending ones only you
 * can see, from the `self` frame plus the text kept in your outbox), upvote the open ones, and
 * read the answered ones in their own list (issue 14.9).
 */
import { useId } from 'react';
import type { QuestionStatus, QuestionView } from '../../shared/domain/types';
import { isUpvoted, ownQuestions } from '../lib/own-state';
import { questionLists } from '../lib/select';
import { useAudience } from '../lib/store';
import { AskForm } from './ask-form';
import { SendState } from './send-state';

const STATUS_TEXT: Record<QuestionStatus, string> = {
  pending: 'Waiting for the moderator (only you can see it)',
  approved: 'On the board',
  answered: 'Answered',
  rejected: 'Not selected',
  archived: 'Archived',
};

export function QnA() {
  const view = useAudience((s) => s.view);
  const self = useAudience((s) => s.self);
  const records = useAudience((s) => s.outbox);
  const actions = useAudience((s) => s.actions);
  const headingId = useId();
  if (!view) return null;
  const mine = ownQuestions(records, self);
  const mineIds = new Set(mine.map((q) => q.id));
  const { open: board, answered } = questionLists(view);

  return (
    <section className="card qna" aria-labelledby={headingId}>
      <header className="card-head">
        <h2 id={headingId}>Questions</h2>
      </header>
      <AskForm allowAnonymous={view.event.settings.anonymousQuestions} />
      {mine.length > 0 && (
        <div className="own-questions">
          <h3>Your questions</h3>
          <ul aria-label="Your questions">
            {mine.map((q) => (
              <li key={q.id} className="own-question" data-status={q.status ?? 'unknown'}>
                <p className="q-text">{q.text}</p>
                <SendState record={q.send} noun="question" receipt />
                {q.status && <p className={`q-status status-${q.status}`}>{STATUS_TEXT[q.status]}</p>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>From the audience</h3>
      {board.length === 0 ? (
        <p className="muted">{answered.length > 0 ? 'No open questions right now.' : 'No questions on the board yet.'}</p>
      ) : (
        <ul className="board" aria-label="Audience questions">
          {board.map((q) => {
            const up = isUpvoted(records, self, q.id);
            return (
              <li key={q.id} className={`question ${q.pinned ? 'pinned' : ''}`} data-question={q.id}>
                <div className="q-body">
                  {q.pinned && <span className="chip">Pinned</span>}
                  <p className="q-text">{q.text}</p>
                  <Author q={q} mine={mineIds.has(q.id)} />
                </div>
                <button
                  type="button"
                  className="upvote"
                  aria-pressed={up}
                  aria-label={`Upvote: ${q.text.length > 80 ? `${q.text.slice(0, 80)}…` : q.text}`}
                  disabled={!actions}
                  onClick={() => actions?.toggleUpvote(q.id, up)}
                >
                  <span aria-hidden="true">▲</span>
                  <span className="n">{q.upvotes}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {answered.length > 0 && (
        <>
          <h3>Answered</h3>
          <ul className="board answered" aria-label="Answered questions">
            {answered.map((q) => (
              <li key={q.id} className="question" data-question={q.id}>
                <div className="q-body">
                  <p className="q-text">{q.text}</p>
                  <Author q={q} mine={mineIds.has(q.id)} />
                </div>
                <span className="upvotes-done">
                  <span aria-hidden="true">▲</span> {q.upvotes}
                  <span className="sr-only"> upvotes</span>
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function Author({ q, mine }: { q: QuestionView; mine: boolean }) {
  return (
    <p className="q-author">
      {q.authorName ?? 'Anonymous'}
      {mine ? ' (you)' : ''}
    </p>
  );
}
