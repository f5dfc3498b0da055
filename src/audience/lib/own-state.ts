/**
 * This person's view of their own actions: what the hub confirmed (`self`, P22) overlaid with
 * what is still on its way (the outbox), so a tap shows at once and survives an outage.
 */
import type { QuestionStatus, SelfView } from '../../shared/domain/types';
import { normaliseWord } from '../../shared/domain/word';
import type { OutboxRecord, OutboxState } from './outbox';

const isPending = (s: OutboxState): boolean => s === 'queued' || s === 'sent';

export function latest(records: readonly OutboxRecord[], match: (r: OutboxRecord) => boolean): OutboxRecord | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i];
    if (r && match(r)) return r;
  }
  return null;
}

export const lastVote = (records: readonly OutboxRecord[], pollId: string): OutboxRecord | null =>
  latest(records, (r) => r.name === 'vote.cast' && r.data.pollId === pollId);

/** The options this person's ballot holds: their latest unconfirmed vote, else the hub's record. */
export function ownBallot(records: readonly OutboxRecord[], self: SelfView | null, pollId: string): string[] {
  const v = lastVote(records, pollId);
  if (v && isPending(v.state)) {
    if (Array.isArray(v.data.optionIds)) return v.data.optionIds.filter((x): x is string => typeof x === 'string');
    if (typeof v.data.text === 'string') return [normaliseWord(v.data.text)];
  }
  const b = self && Object.hasOwn(self.ballots, pollId) ? self.ballots[pollId] : undefined;
  return Array.isArray(b) ? b : [];
}

export function isUpvoted(records: readonly OutboxRecord[], self: SelfView | null, questionId: string): boolean {
  const r = latest(records, (x) => (x.name === 'question.upvote' || x.name === 'question.unvote') && x.data.questionId === questionId);
  if (r && isPending(r.state)) return r.name === 'question.upvote';
  return self?.upvoted.includes(questionId) ?? false;
}

export const quizAnswer = (records: readonly OutboxRecord[], quizId: string, questionId: string): OutboxRecord | null =>
  latest(records, (r) => r.name === 'quiz.answer' && r.data.quizId === quizId && r.data.questionId === questionId && r.state !== 'refused');

export interface OwnQuestion {
  id: string;
  text: string;
  anonymous: boolean;
  send: OutboxRecord;
  /** The hub's status once it has it (P22). */
  status: QuestionStatus | null;
}

/** Questions this person asked, newest first, with text from the outbox (the hub never echoes pending ones). */
export function ownQuestions(records: readonly OutboxRecord[], self: SelfView | null): OwnQuestion[] {
  const out: OwnQuestion[] = [];
  for (const r of records) {
    if (r.name !== 'question.ask' || typeof r.data.questionId !== 'string' || typeof r.data.text !== 'string') continue;
    const id = r.data.questionId;
    const status = self && Object.hasOwn(self.questions, id) ? (self.questions[id] ?? null) : null;
    out.push({ id, text: r.data.text, anonymous: r.data.anonymous === true, send: r, status });
  }
  return out.reverse();
}
