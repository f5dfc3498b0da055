/** The running totals the engagement rates are derived from, read off one staff view. */
import type { StaffView } from '../../../../shared/domain/types';

export interface ViewCounts {
  ballots: number;
  reactions: number;
  questions: number;
}

export function viewCounts(doc: StaffView): ViewCounts {
  let ballots = 0;
  for (const p of Object.values(doc.polls)) ballots += p.ballots;
  for (const q of Object.values(doc.quizzes)) ballots += q.current?.answers ?? 0;
  let reactions = 0;
  for (const n of Object.values(doc.reactions)) reactions += n;
  return { ballots, reactions, questions: Object.keys(doc.questions).length };
}
