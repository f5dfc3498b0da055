/**
 * The quiz: the question with a countdown on the hub's clock, one answer, then the correct
 * option, this person's score and rank, and the top of the leaderboard.
 */
import { useId } from 'react';
import { quizAnswer } from '../lib/own-state';
import type { AudienceQuiz } from '../lib/select';
import { useAudience } from '../lib/store';
import { SendState } from './send-state';
import { useHubNow } from './use-hub-now';

export function QuizCard({ quiz }: { quiz: AudienceQuiz }) {
  const records = useAudience((s) => s.outbox);
  const own = useAudience((s) => s.self?.quiz ?? null);
  const actions = useAudience((s) => s.actions);
  const headingId = useId();
  const cur = quiz.status === 'running' ? quiz.current : null;
  const question = cur ? quiz.questions.find((q) => q.id === cur.questionId) ?? null : null;
  const counting = !!cur && !cur.revealed;
  const now = useHubNow(counting);

  const answer = cur ? quizAnswer(records, quiz.id, cur.questionId) : null;
  const picked = typeof answer?.data.optionId === 'string' ? answer.data.optionId : null;
  const remainingMs = cur ? Math.max(0, cur.closesAt - now) : 0;
  const timeUp = !!cur && !cur.revealed && remainingMs <= 0;
  const canAnswer = !!cur && !cur.revealed && !timeUp && !picked && !!actions;
  const total = cur ? Math.max(1, cur.closesAt - cur.openedAt) : 1;
  const correct = cur?.revealed ? question?.correctOptionId ?? null : null;

  return (
    <section className="card quiz" aria-labelledby={headingId}>
      <header className="card-head">
        <span className={`chip ${quiz.status === 'running' ? 'chip-live' : ''}`}>
          {quiz.status === 'running' ? 'Quiz' : 'Quiz · ended'} · {quiz.title}
        </span>
        <h2 id={headingId}>{question ? question.prompt : quiz.status === 'ended' ? 'Final leaderboard' : 'Get ready…'}</h2>
      </header>
      {cur && question && !cur.revealed && (
        <div className="countdown" role="timer" aria-label="Time left">
          <div className="bar" aria-hidden="true">
            <div className="bar-fill" style={{ width: `${Math.round((remainingMs / total) * 100)}%` }} />
          </div>
          <span>{timeUp ? 'Time is up' : `${Math.ceil(remainingMs / 1000)} s left`}</span>
        </div>
      )}
      {cur && question && (
        <div className="options" role="group" aria-label="Answers">
          {question.options.map((o) => {
            const cls = ['option', correct === o.id ? 'correct' : '', correct && picked === o.id && correct !== o.id ? 'wrong' : ''].join(' ');
            return (
              <button
                key={o.id}
                type="button"
                className={cls.trim()}
                aria-pressed={picked === o.id}
                disabled={!canAnswer && picked !== o.id}
                onClick={() => canAnswer && actions?.answer(quiz.id, cur.questionId, o.id)}
              >
                {o.label}
                {correct === o.id && <span className="tag"> ✓ correct</span>}
              </button>
            );
          })}
        </div>
      )}
      {cur && <SendState record={answer} noun="answer" receipt />}
      {cur?.revealed && (
        <p className="verdict" role="status">
          {!picked ? 'You did not answer this one.' : picked === correct ? 'Correct! Well done.' : 'Not this time.'}
        </p>
      )}
      {timeUp && !cur?.revealed && <p className="muted">Waiting for the answer…</p>}
      {own && (cur?.revealed || quiz.status === 'ended') && (
        <p className="score" aria-label="Your score">
          Your score: <strong>{own.score}</strong>
          {own.rank !== null && (
            <>
              {' '}
              · Rank <strong>#{own.rank}</strong>
            </>
          )}
          {own.streak > 1 && <> · Streak {own.streak}</>}
        </p>
      )}
      {(cur?.revealed || quiz.status === 'ended') && quiz.leaderboard.length > 0 && (
        <ol className="leaderboard" aria-label="Leaderboard">
          {quiz.leaderboard.slice(0, 5).map((r, i) => (
            <li key={`${i}-${r.name}`}>
              <span className="rank">{i + 1}</span>
              <span className="who">{r.name || 'Anonymous'}</span>
              <span className="pts">{r.score}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
