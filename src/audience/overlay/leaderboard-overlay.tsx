/** The quiz leaderboard on stream (names and scores only, P21). */
import type { AudienceView } from '../../shared/domain/types';
import { activeQuiz } from '../lib/select';

/** `cue`: always this quiz's board, else the running (or last ended) quiz's. */
export function LeaderboardOverlay({ view, cue }: { view: AudienceView; cue: string | null }) {
  const quiz = cue ? (Object.hasOwn(view.quizzes, cue) ? (view.quizzes[cue] ?? null) : null) : activeQuiz(view);
  if (!quiz || quiz.leaderboard.length === 0) return null;
  return (
    <section className="ov-panel ov-board" aria-label="Leaderboard">
      <p className="ov-kicker">{quiz.status === 'ended' ? 'Final standings' : 'Leaderboard'}</p>
      <h1 className="ov-title">{quiz.title}</h1>
      <ol>
        {quiz.leaderboard.slice(0, 5).map((r, i) => (
          <li key={`${i}-${r.name}`}>
            <span className="ov-rank">{i + 1}</span>
            <span className="ov-name">{r.name || 'Anonymous'}</span>
            <span className="ov-num">{r.score}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
