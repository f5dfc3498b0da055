/** What to show, picked from the audience view: shared by the phone screens and the overlays. */
import { percentOfVoters } from '../../shared/domain/poll-percent';
import type { AudienceView, LeaderboardRowAudience, PollView, QuestionView, QuizView } from '../../shared/domain/types';

export type AudienceQuiz = QuizView<LeaderboardRowAudience>;

/** Polls in the order the host created them, newest first (maps keep insertion order on the wire). */
const newestFirst = <T>(rec: Record<string, T>): T[] => Object.values(rec).reverse();

/** One card on the phone's Live tab. */
export type PhoneCue = { kind: 'quiz'; quiz: AudienceQuiz } | { kind: 'poll'; poll: PollView };

export interface PhoneCues {
  /** What the audience can act on now: running quizzes, then open polls, newest first. */
  live: PhoneCue[];
  /** Finished and worth a look: ended quizzes (their leaderboard), closed polls with results out. */
  earlier: PhoneCue[];
}

/**
 * Issue 14.9: what is live comes first, finished items go to "Earlier". Drafts never show, nor a
 * closed poll whose results are hidden (there is nothing of it to see).
 */
export function phoneCues(view: AudienceView): PhoneCues {
  const polls = newestFirst(view.polls);
  const quizzes = newestFirst(view.quizzes);
  const quiz = (q: AudienceQuiz): PhoneCue => ({ kind: 'quiz', quiz: q });
  const poll = (p: PollView): PhoneCue => ({ kind: 'poll', poll: p });
  return {
    live: [...quizzes.filter((q) => q.status === 'running').map(quiz), ...polls.filter((p) => p.status === 'open').map(poll)],
    earlier: [
      ...quizzes.filter((q) => q.status === 'ended').map(quiz),
      ...polls.filter((p) => p.status === 'closed' && p.resultsVisible && p.tallies !== null).map(poll),
    ],
  };
}

export const cueKey = (c: PhoneCue): string => (c.kind === 'quiz' ? `quiz:${c.quiz.id}` : `poll:${c.poll.id}`);

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

/** The Q&A tab's two lists: still open (approved) and answered, each in board order. */
export function questionLists(view: AudienceView): { open: QuestionView[]; answered: QuestionView[] } {
  const all = sortedQuestions(view);
  return { open: all.filter((q) => q.status === 'approved'), answered: all.filter((q) => q.status === 'answered') };
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
