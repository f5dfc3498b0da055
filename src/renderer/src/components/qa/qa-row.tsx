/** One question in the queue: what it says, who asked, its state, and the moderator's buttons. */
import { memo } from 'react';
import type { QuestionView } from '../../../../shared/domain/types';
import { assignQuestion, moderate, pinQuestion } from '../../store/actions';
import type { Teammate } from '../../store/slices/session-slice';
import { setQaCursor, toggleQaSelected } from '../../store/ui-actions';
import { PendingBadge } from '../common/pending-badge';
import { fmtAgo } from '../../lib/format';
import { QuestionStatusTag } from './question-status';

interface Props {
  q: QuestionView;
  index: number;
  active: boolean;
  selected: boolean;
  team: Record<string, Teammate>;
  me: string | null;
  now: number;
}

const short = (t: string): string => (t.length > 60 ? `${t.slice(0, 57)}…` : t);


function QaRowImpl({ q, index, active, selected, team, me, now }: Props) {
  const assignee = q.assignee ? (q.assignee === me ? 'me' : (team[q.assignee]?.name ?? q.assignee)) : null;
  return (
    <div className={`qa-row${active ? ' active' : ''}${q.flagged ? ' flagged' : ''}`} aria-current={active ? 'true' : undefined} data-question-id={q.id} data-status={q.status} onMouseDown={() => setQaCursor(q.id, index)}>
      <label className="qa-check">
        <input type="checkbox" checked={selected} onChange={() => toggleQaSelected(q.id)} aria-label={`Select question: ${short(q.text)}`} />
      </label>
      <div className="qa-votes" aria-label={`${q.upvotes} upvotes`}>
        <span aria-hidden="true">▲</span>
        <strong>{q.upvotes}</strong>
      </div>
      <div className="qa-body">
        <p className="qa-text">
          {active && <span className="sr-only">Current: </span>}
          {q.text}
        </p>
        <div className="qa-foot">
          <p className="qa-meta">
            <span>{q.authorName ?? 'Anonymous'}</span> · <span>{fmtAgo(q.askedAt, now)}</span>
            <QuestionStatusTag status={q.status} />
            {q.pinned && <span className="tag tag-pinned">📌 Pinned</span>}
            {q.flagged && <span className="tag tag-flagged">⚑ Flagged by word filter</span>}
            {assignee && <span className="tag">→ {assignee}</span>}
            <PendingBadge target={q.id} />
          </p>
          <div className="qa-actions" role="group" aria-label="Moderate">
            <button type="button" className="button small" onClick={() => void moderate(q.id, 'approved')} disabled={q.status === 'approved'} aria-keyshortcuts="a">
              Approve
            </button>
            <button type="button" className="button small" onClick={() => void moderate(q.id, 'rejected')} disabled={q.status === 'rejected'} aria-keyshortcuts="r">
              Reject
            </button>
            <button type="button" className="button small" onClick={() => void moderate(q.id, 'answered')} disabled={q.status === 'answered'} aria-keyshortcuts="d">
              Answered
            </button>
            <button type="button" className="button small" onClick={() => void pinQuestion(q.id, !q.pinned)} aria-pressed={q.pinned} aria-keyshortcuts="p">
              {q.pinned ? 'Unpin' : 'Pin'}
            </button>
            <button type="button" className="button small" onClick={() => void moderate(q.id, 'archived')} disabled={q.status === 'archived'} aria-keyshortcuts="e">
              Archive
            </button>
            <select className="small" value={q.assignee ?? ''} onChange={(e) => void assignQuestion(q.id, e.target.value || null)} aria-label="Assign to">
              <option value="">Unassigned</option>
              {me && <option value={me}>Me</option>}
              {Object.entries(team)
                .filter(([id]) => id !== me)
                .map(([id, t]) => (
                  <option key={id} value={id}>
                    {t.name} ({t.role})
                  </option>
                ))}
              {q.assignee && q.assignee !== me && !team[q.assignee] && <option value={q.assignee}>{q.assignee}</option>}
            </select>
          </div>
        </div>
      </div>
    </div>
  );
}

export const QaRow = memo(QaRowImpl);
