/** The running totals the engagement rates are derived from, read off one staff view. */
import type { StaffView } from '../../../../shared/domain/types';

export interface ViewCounts {
  /** Ballots per poll (`p:<id>`) and answers per quiz question (`q:<quiz>:<question>`). */
  ballots: Map<string, number>;
  reactions: number;
  questions: number;
}

export function viewCounts(doc: StaffView): ViewCounts {
  const ballots = new Map<string, number>();
  for (const p of Object.values(doc.polls)) ballots.set(`p:${p.id}`, p.ballots);
  for (const q of Object.values(doc.quizzes)) if (q.current) ballots.set(`q:${q.id}:${q.current.questionId}`, q.current.answers);
  let reactions = 0;
  for (const n of Object.values(doc.reactions)) reactions += n;
  return { ballots, reactions, questions: Object.keys(doc.questions).length };
}

/**
 * Votes and quiz answers counted between two views: each poll's and quiz question's growth (a
 * poll deleted or a quiz moving on counts nothing, never a negative; a question new since
 * `prev` counts all its answers). What the per-vote log stream used to be subscribed for.
 */
export function ballotsBetween(prev: ViewCounts, next: ViewCounts): number {
  let n = 0;
  for (const [key, count] of next.ballots) n += Math.max(0, count - (prev.ballots.get(key) ?? 0));
  return n;
}

/** The newest hub stamp in a view: its last chat message's `ts` (chat is in order), or null. */
export function newestStamp(doc: StaffView): number | null {
  const last = doc.chat[doc.chat.length - 1];
  return last ? last.ts : null;
}
