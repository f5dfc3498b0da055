/**
 * Derived data for the screens, memoised on the identity of the view parts they read (the patch
 * applier shares unchanged objects), so a re-render with the same questions costs nothing.
 */
import { shareOfVoters } from '../../../shared/domain/poll-percent';
import type { PollView, QuestionView, QuizView, LeaderboardRowStaff, StaffView } from '../../../shared/domain/types';
import type { QaFilter, QaSort } from './slices/ui-slice';

export type StaffQuiz = QuizView<LeaderboardRowStaff>;

function memo1<A extends object, R>(fn: (a: A) => R): (a: A) => R {
  let lastA: A | null = null;
  let lastR: R | null = null;
  return (a) => {
    if (a !== lastA) {
      lastR = fn(a);
      lastA = a;
    }
    return lastR as R;
  };
}

export type QaCounts = Record<QaFilter, number>;

const countsOf = memo1((questions: Record<string, QuestionView>): QaCounts => {
  const c: QaCounts = { pending: 0, approved: 0, answered: 0, rejected: 0, archived: 0, flagged: 0, all: 0 };
  for (const q of Object.values(questions)) {
    c[q.status]++;
    c.all++;
    if (q.flagged) c.flagged++;
  }
  return c;
});
export const qaCounts = (doc: StaffView | null): QaCounts | null => (doc ? countsOf(doc.questions) : null);

const SORTS: Record<QaSort, (a: QuestionView, b: QuestionView) => number> = {
  upvotes: (a, b) => b.upvotes - a.upvotes || a.askedAt - b.askedAt || (a.id < b.id ? -1 : 1),
  newest: (a, b) => b.askedAt - a.askedAt || (a.id < b.id ? -1 : 1),
  oldest: (a, b) => a.askedAt - b.askedAt || (a.id < b.id ? -1 : 1),
};

let qaKey: { questions: Record<string, QuestionView>; filter: QaFilter; sort: QaSort } | null = null;
let qaValue: QuestionView[] = [];

/** The moderation queue: filtered by status (or flagged), sorted. */
export function qaQueue(doc: StaffView | null, filter: QaFilter, sort: QaSort): QuestionView[] {
  if (!doc) return [];
  if (qaKey && qaKey.questions === doc.questions && qaKey.filter === filter && qaKey.sort === sort) return qaValue;
  const all = Object.values(doc.questions);
  const kept = filter === 'all' ? all : filter === 'flagged' ? all.filter((q) => q.flagged) : all.filter((q) => q.status === filter);
  qaValue = kept.sort(SORTS[sort]);
  qaKey = { questions: doc.questions, filter, sort };
  return qaValue;
}

/** What the audience sees (P21): approved or answered, never flagged; pinned first, then by upvotes. */
export const audienceQuestions = memo1((questions: Record<string, QuestionView>): QuestionView[] =>
  Object.values(questions)
    .filter((q) => (q.status === 'approved' || q.status === 'answered') && !q.flagged)
    .sort((a, b) => Number(b.pinned) - Number(a.pinned) || SORTS.upvotes(a, b)),
);

/** Chat messages newer than the last one read on the Chat screen (the view holds at most 100). */
export function unreadCount(chat: ReadonlyArray<{ ts: number }>, seenTs: number): number {
  let n = 0;
  for (let i = chat.length - 1; i >= 0 && (chat[i]?.ts ?? 0) > seenTs; i--) n++;
  return n;
}

export const pollList = memo1((polls: Record<string, PollView>): PollView[] => Object.values(polls));
export const quizList = memo1((quizzes: Record<string, StaffQuiz>): StaffQuiz[] => Object.values(quizzes));

export interface BarRow {
  key: string;
  label: string;
  count: number;
  /** 0..1 of the largest count (bar length). */
  share: number;
  /** 0..1 of the poll's voters (the percentage shown; shared/domain/poll-percent.ts). */
  ofTotal: number;
}

/** Result bars for a choice or rating poll, in option order. */
export function pollBars(poll: PollView): BarRow[] {
  const tallies = poll.tallies ?? {};
  const counts = poll.options.map((o) => tallies[o.id] ?? 0);
  const max = Math.max(1, ...counts);
  return poll.options.map((o, i) => {
    const count = counts[i] ?? 0;
    return { key: o.id, label: o.label, count, share: count / max, ofTotal: shareOfVoters(count, poll.ballots) };
  });
}

/** The most frequent words of a word cloud, biggest first (bounded: a cloud of 5,000 words shows its top 60). */
export function cloudWords(poll: PollView, limit = 60): BarRow[] {
  const entries = Object.entries(poll.tallies ?? {}).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  const max = Math.max(1, ...entries.map((e) => e[1]));
  return entries.map(([word, count]) => ({ key: word, label: word, count, share: count / max, ofTotal: shareOfVoters(count, poll.ballots) }));
}

/** Average of a rating poll (scale points read as numbers when they are numbers, else their position). */
export function ratingAverage(poll: PollView): number | null {
  const t = poll.tallies ?? {};
  let n = 0;
  let sum = 0;
  poll.options.forEach((o, i) => {
    const v = Number(o.label);
    const c = t[o.id] ?? 0;
    n += c;
    sum += c * (Number.isFinite(v) ? v : i + 1);
  });
  return n ? sum / n : null;
}

export type RunCue = { kind: 'poll'; id: string; poll: PollView } | { kind: 'quiz'; id: string; quiz: StaffQuiz };

/** Polls and quizzes in the run-of-show order (P28); ids the order does not name (an older hub) follow by creation. */
export function cuesInOrder(polls: Record<string, PollView> | null, quizzes: Record<string, StaffQuiz> | null, order: readonly string[] | null): RunCue[] {
  const out: RunCue[] = [];
  const seen = new Set<string>();
  const add = (id: string): void => {
    if (seen.has(id)) return;
    const poll = polls && Object.hasOwn(polls, id) ? polls[id] : undefined;
    const quiz = quizzes && Object.hasOwn(quizzes, id) ? quizzes[id] : undefined;
    if (poll) out.push({ kind: 'poll', id, poll });
    else if (quiz) out.push({ kind: 'quiz', id, quiz });
    else return;
    seen.add(id);
  };
  for (const id of order ?? []) add(id);
  for (const p of polls ? pollList(polls) : []) add(p.id);
  for (const q of quizzes ? quizList(quizzes) : []) add(q.id);
  return out;
}
