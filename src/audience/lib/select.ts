/** What to show, picked from the audience view: shared by the phone screens and the overlays. */
import { percentOfVoters } from '../../shared/domain/poll-percent';
import type { AudienceView, LeaderboardRowAudience, PollView, QuestionView, QuizView } from '../../shared/domain/types';

export type AudienceQuiz = QuizView<LeaderboardRowAudience>;

/** Polls in the order the host created them, newest first (maps keep insertion order on the wire). */
const newestFirst = <T>(rec: Record<string, T>): T[] => Object.values(rec).reverse();

/** Open polls, then the newest closed poll whose results are out. Drafts never. */
export function visiblePolls(view: AudienceView): PollView[] {
  const all = newestFirst(view.polls);
  const open = all.filter((p) => p.status === 'open');
  const revealed = all.find((p) => p.status === 'closed' && p.resultsVisible && p.tallies !== null);
  return revealed ? [...open, revealed] : open;
}

/** The poll an overlay shows: the newest open one, else the newest revealed one. */
export function overlayPoll(view: AudienceView): PollView | null {
  const all = newestFirst(view.polls);
  return all.find((p) => p.status === 'open') ?? all.find((p) => p.status === 'closed' && p.resultsVisible) ?? null;
}

/** The running quiz, else the newest ended one (for its final leaderboard). */
export function activeQuiz(view: AudienceView): AudienceQuiz | null {
  const all = newestFirst(view.quizzes);
  return all.find((q) => q.status === 'running') ?? all.find((q) => q.status === 'ended') ?? null;
}

/** Pinned first, then most upvoted, then oldest. */
export function sortedQuestions(view: AudienceView): QuestionView[] {
  return Object.values(view.questions).sort(
    (a, b) => Number(b.pinned) - Number(a.pinned) || b.upvotes - a.upvotes || a.askedAt - b.askedAt,
  );
}

export interface TallyRow {
  key: string;
  label: string;
  count: number;
  /** 0-100, of the poll's voters (shared/domain/poll-percent.ts). */
  pct: number;
}

/** Results rows; null while the host keeps them hidden (P21: tallies is null then). */
export function tallyRows(poll: PollView): TallyRow[] | null {
  const t = poll.tallies;
  if (!t) return null;
  const count = (k: string): number => (Object.hasOwn(t, k) && typeof t[k] === 'number' ? t[k] : 0);
  const rows: TallyRow[] =
    poll.kind === 'wordcloud'
      ? Object.keys(t)
          .map((w) => ({ key: w, label: w, count: count(w), pct: 0 }))
          .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label))
          .slice(0, 30)
      : poll.options.map((o) => ({ key: o.id, label: o.label, count: count(o.id), pct: 0 }));
  for (const r of rows) r.pct = percentOfVoters(r.count, poll.ballots);
  return rows;
}
