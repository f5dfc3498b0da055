/** The show's cues (polls and quizzes), selectable; j/k move through them. */
import { useEffect, useRef } from 'react';
import type { PollView } from '../../../../shared/domain/types';
import type { StaffQuiz } from '../../store/selectors';
import { selectCue } from '../../store/ui-actions';
import { PendingBadge } from '../common/pending-badge';
import { pollStatusText } from './poll-card';
import { quizStatusText } from './quiz-card';

export type Cue = { kind: 'poll'; id: string; poll: PollView } | { kind: 'quiz'; id: string; quiz: StaffQuiz };

export function CueList({ cues, selected }: { cues: Cue[]; selected: string | null }) {
  const list = useRef<HTMLUListElement>(null);
  // The focus ring follows the selection (j/k move both), so they never sit on different cues (issue 14.7).
  useEffect(() => {
    const el = list.current;
    if (!el || !selected || !el.contains(document.activeElement)) return;
    el.querySelector<HTMLButtonElement>(`button[data-cue-id="${CSS.escape(selected)}"]`)?.focus();
  }, [selected]);
  if (cues.length === 0) return null;
  return (
    <ul className="cue-list" aria-label="Polls and quizzes" ref={list}>
      {cues.map((c) => (
        <li key={c.id}>
          <button type="button" className="cue-item" aria-current={selected === c.id ? 'true' : undefined} onClick={() => selectCue(c.id)} data-cue-id={c.id}>
            <span className="cue-kind">{c.kind === 'poll' ? 'Poll' : 'Quiz'}</span>
            <span className="cue-title">{c.kind === 'poll' ? c.poll.question : c.quiz.title}</span>
            <span className="cue-status">{c.kind === 'poll' ? `${pollStatusText(c.poll)} · ${c.poll.ballots} ballots` : `${quizStatusText(c.quiz)}${c.quiz.currentIndex !== null && c.quiz.status === 'running' ? ` · question ${c.quiz.currentIndex + 1} of ${c.quiz.questions.length}` : ''}`}</span>
            <PendingBadge target={c.id} />
          </button>
        </li>
      ))}
    </ul>
  );
}
