/** Polls and quizzes created here but not yet on the hub (offline): shown so the host knows they exist. */
import { useMemo } from 'react';
import { isPending } from '../../store/outbox-merge';
import { useConsole } from '../../store/store';
import { stateLabel } from '../common/pending-badge';

export function QueuedCues() {
  const outbox = useConsole((s) => s.outbox);
  const polls = useConsole((s) => s.view?.doc.polls ?? null);
  const quizzes = useConsole((s) => s.view?.doc.quizzes ?? null);
  const queued = useMemo(
    () =>
      outbox.filter((i) => {
        if (!isPending(i) || (i.name !== 'poll.create' && i.name !== 'quiz.create')) return false;
        const d = i.data as { pollId?: string; quizId?: string };
        return i.name === 'poll.create' ? !(d.pollId && polls && Object.hasOwn(polls, d.pollId)) : !(d.quizId && quizzes && Object.hasOwn(quizzes, d.quizId));
      }),
    [outbox, polls, quizzes],
  );
  if (queued.length === 0) return null;
  return (
    <ul className="cue-list queued" aria-label="Created, not yet on the hub">
      {queued.map((i) => {
        const d = i.data as { question?: string; title?: string };
        return (
          <li key={i.id} className="cue-item static">
            <span className="cue-kind">{i.name === 'poll.create' ? 'Poll' : 'Quiz'}</span>
            <span className="cue-title">{d.question ?? d.title ?? ''}</span>
            <span className="tag tag-queued">
              <span aria-hidden="true">⏳ </span>Create — {stateLabel(i)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
