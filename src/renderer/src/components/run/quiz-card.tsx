/** One quiz in detail: the current question with its countdown, reveal, next, and the leaderboard. */
import { quizEnd, quizNext, quizReveal } from '../../store/actions';
import type { BarRow, StaffQuiz } from '../../store/selectors';
import { PendingBadge } from '../common/pending-badge';
import { Countdown } from './countdown';
import { CueReach } from './cue-reach';
import { Leaderboard } from './leaderboard';
import { ResultBars } from './result-bars';

const STATUS: Record<StaffQuiz['status'], string> = { draft: '○ Not started', running: '● Running', ended: '■ Ended' };

export const quizStatusText = (q: StaffQuiz): string => STATUS[q.status];

/** Ending cannot be undone (no more answers, final leaderboard), so it asks first (issue 14.6). */
function confirmEnd(quiz: StaffQuiz): void {
  const left = quiz.questions.length - (quiz.currentIndex ?? -1) - 1;
  const more = left > 0 ? ` ${left} question${left === 1 ? '' : 's'} will not be played.` : '';
  if (window.confirm(`End the quiz “${quiz.title}” for everyone? Nobody can answer after this and it cannot be undone.${more}`)) void quizEnd(quiz.id);
}

export function QuizCard({ quiz, canControl }: { quiz: StaffQuiz; canControl: boolean }) {
  const index = quiz.currentIndex;
  const question = index === null ? null : quiz.questions[index];
  const cur = quiz.current;
  const hasNext = (index ?? -1) + 1 < quiz.questions.length;
  const ended = quiz.status === 'ended';
  // The likely next cue gets the emphasis: reveal while a question runs, otherwise next.
  const revealNext = !ended && cur !== null && !cur.revealed;
  const bars: BarRow[] | null =
    question && cur?.revealed && cur.distribution
      ? (() => {
          const counts = question.options.map((o) => cur.distribution?.[o.id] ?? 0);
          const max = Math.max(1, ...counts);
          const total = counts.reduce((a, b) => a + b, 0);
          return question.options.map((o, i) => ({ key: o.id, label: o.label, count: counts[i] ?? 0, share: (counts[i] ?? 0) / max, ofTotal: total ? (counts[i] ?? 0) / total : 0 }));
        })()
      : null;

  return (
    <article className="card cue-detail" aria-labelledby={`quiz-${quiz.id}-t`} data-testid="quiz-card">
      <header className="cue-head">
        <span className="muted">Quiz · {quiz.questions.length} questions</span>
        <span className="tag">{STATUS[quiz.status]}</span>
        {index !== null && <span className="tag">Question {index + 1} of {quiz.questions.length}</span>}
      </header>
      <h3 id={`quiz-${quiz.id}-t`} className="cue-question">
        {quiz.title}
      </h3>
      {canControl && (
        <div className="row wrap controls" role="group" aria-label="Quiz controls">
          <button type="button" className={revealNext ? 'button' : 'button primary'} onClick={() => void quizNext(quiz.id)} disabled={ended || !hasNext} aria-keyshortcuts="n">
            {index === null ? 'Start: first question' : 'Next question'}
          </button>
          <button type="button" className={revealNext ? 'button primary' : 'button'} onClick={() => void quizReveal(quiz.id)} disabled={ended || !cur || cur.revealed} aria-keyshortcuts="v">
            Reveal answer
          </button>
          <button type="button" className="button ghost" onClick={() => confirmEnd(quiz)} disabled={ended || quiz.status === 'draft'}>
            End quiz
          </button>
        </div>
      )}
      <PendingBadge target={quiz.id} />
      <div className="quiz-body">
        <div>
          {question && cur ? (
            <section className="quiz-current" aria-label="Current question">
              <p className="quiz-prompt">{question.prompt}</p>
              <Countdown closesAt={cur.closesAt} openedAt={cur.openedAt} revealed={cur.revealed} />
              <p className="figure">
                <strong data-testid="quiz-answers">{cur.answers}</strong> {cur.answers === 1 ? 'answer' : 'answers'} · {question.points} points · {Math.round(question.timeLimitMs / 1000)} s
              </p>
              {quiz.status === 'running' && <CueReach cueId={quiz.id} what="question" />}
              {bars ? (
                <ResultBars rows={bars} label="Answers" correct={question.correctOptionId ?? null} />
              ) : (
                <ol className="quiz-options">
                  {question.options.map((o) => (
                    <li key={o.id} className={o.id === question.correctOptionId ? 'correct' : undefined}>
                      {o.id === question.correctOptionId && <span aria-hidden="true">✓ </span>}
                      {o.label}
                      {o.id === question.correctOptionId && <span className="note"> correct answer, hidden from the audience until revealed</span>}
                    </li>
                  ))}
                </ol>
              )}
            </section>
          ) : (
            <p className="empty">{ended ? 'This quiz has ended.' : 'Not started. “Start” opens the first question for everyone.'}</p>
          )}
        </div>
        <section aria-labelledby={`quiz-${quiz.id}-lb`}>
          <h4 id={`quiz-${quiz.id}-lb`}>Leaderboard</h4>
          <Leaderboard rows={quiz.leaderboard} />
        </section>
      </div>
    </article>
  );
}
