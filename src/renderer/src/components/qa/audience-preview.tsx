/** Exactly what the audience's Q&A shows (P21), kept apart from the queue so nobody confuses the two. */
import { audienceQuestions } from '../../store/selectors';
import { useConsole } from '../../store/store';

const SHOW = 30;

export function AudiencePreview() {
  const questions = useConsole((s) => s.view?.doc.questions ?? null);
  const list = questions ? audienceQuestions(questions) : [];
  return (
    <aside className="card audience-preview" aria-labelledby="aud-title" data-testid="audience-preview">
      <h3 id="aud-title">
        <span aria-hidden="true">👁 </span>Audience sees <span className="count">{list.length}</span>
      </h3>
      <p className="muted small">Approved and answered questions, pinned first. Pending, rejected, archived and flagged ones are not shown.</p>
      {list.length === 0 ? (
        <p className="empty">Nothing yet: approve a question to show it.</p>
      ) : (
        <ol className="aud-list">
          {list.slice(0, SHOW).map((q) => (
            <li key={q.id} className={q.pinned ? 'pinned' : undefined} data-question-id={q.id}>
              {q.pinned && <span className="tag tag-pinned">📌 Pinned</span>}
              {q.status === 'answered' && <span className="tag tag-q-answered">✔ Answered</span>}
              <span className="aud-text">{q.text}</span>
              <span className="muted small">
                ▲ {q.upvotes} · {q.authorName ?? 'Anonymous'}
              </span>
            </li>
          ))}
        </ol>
      )}
      {list.length > SHOW && <p className="muted small">…and {list.length - SHOW} more</p>}
    </aside>
  );
}
