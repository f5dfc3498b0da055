/** question.ask / upvote / unvote / moderate / pin / assign (PROTOCOL.md section 6). */
import { isBool, isId, isText, oneOf, type Data } from './data-guards';
import { emptyMap, pdelete, pget, pset } from './pmap';
import { no, ok, type Handler, type Result } from './result';
import type { ClientIndex, EventState, QuestionState } from './state';
import type { QuestionStatus } from './types';
import { isFlagged } from './word-filter';

const STATUSES: readonly QuestionStatus[] = ['pending', 'approved', 'rejected', 'answered', 'archived'];

/** What the audience view shows (P21); upvotes are only taken on these. */
export const audienceSees = (q: QuestionState): boolean => !q.flagged && (q.status === 'approved' || q.status === 'answered');

const withQuestion = (s: EventState, q: QuestionState): EventState => ({ ...s, questions: pset(s.questions, q.id, q) });

function withClient(s: EventState, clientId: string, change: (c: ClientIndex) => ClientIndex): EventState {
  const c = pget(s.clients, clientId) ?? { asked: [], upvoted: [] };
  return { ...s, clients: pset(s.clients, clientId, change(c)) };
}

export const questionAsk: Handler = (s, e, d) => {
  const { questionId, text, anonymous } = d;
  if (!isId(questionId) || !isText(text) || (anonymous !== undefined && !isBool(anonymous))) return no(s, 'invalid');
  if (pget(s.questions, questionId)) return no(s, 'duplicate_id');
  const settings = s.event.settings;
  const flagged = settings.wordFilter === 'flag' && isFlagged(text, settings.filterWords);
  // A flagged question always waits for a moderator, whatever the moderation mode.
  const status: QuestionStatus = !flagged && settings.moderation === 'post' ? 'approved' : 'pending';
  const hideName = anonymous === true && settings.anonymousQuestions;
  const q: QuestionState = {
    id: questionId,
    text,
    authorName: hideName ? null : (e.author ?? null),
    status,
    pinned: false,
    upvotes: 0,
    askedAt: e.ts,
    assignee: null,
    flagged,
    upvoters: emptyMap(),
  };
  const next = withQuestion(s, q);
  return ok(withClient(next, e.clientId, (c) => ({ ...c, asked: [...c.asked, questionId] })));
};

function findQuestion(s: EventState, d: Data): QuestionState | string {
  if (!isId(d.questionId)) return 'invalid';
  return pget(s.questions, d.questionId) ?? 'unknown_question';
}

export const questionUpvote: Handler = (s, e, d) => {
  const q = findQuestion(s, d);
  if (typeof q === 'string') return no(s, q);
  // A question the audience cannot see is unknown to it: the reason leaks nothing.
  if (!audienceSees(q)) return no(s, 'unknown_question');
  if (pget(q.upvoters, e.clientId)) return no(s, 'already_upvoted');
  const next = withQuestion(s, { ...q, upvotes: q.upvotes + 1, upvoters: pset(q.upvoters, e.clientId, true) });
  return ok(withClient(next, e.clientId, (c) => ({ ...c, upvoted: [...c.upvoted, q.id] })));
};

/** Taking an upvote back works whatever the question's status. */
export const questionUnvote: Handler = (s, e, d) => {
  const q = findQuestion(s, d);
  if (typeof q === 'string') return no(s, q);
  if (!pget(q.upvoters, e.clientId)) return no(s, 'not_upvoted');
  const next = withQuestion(s, { ...q, upvotes: q.upvotes - 1, upvoters: pdelete(q.upvoters, e.clientId) });
  return ok(withClient(next, e.clientId, (c) => ({ ...c, upvoted: c.upvoted.filter((id) => id !== q.id) })));
};

/** A staff change of one field; setting the value it already has is `no_change`. */
function setField<K extends 'status' | 'pinned' | 'assignee'>(
  s: EventState,
  d: Data,
  key: K,
  value: QuestionState[K],
): Result {
  const q = findQuestion(s, d);
  if (typeof q === 'string') return no(s, q);
  if (q[key] === value) return no(s, 'no_change');
  return ok(withQuestion(s, { ...q, [key]: value }));
}

/** Any status to any status; a flagged question stays hidden from the audience even when approved (P21). */
export const questionModerate: Handler = (s, _e, d) =>
  oneOf(d.status, STATUSES) ? setField(s, d, 'status', d.status) : no(s, 'invalid');

export const questionPin: Handler = (s, _e, d) => (isBool(d.pinned) ? setField(s, d, 'pinned', d.pinned) : no(s, 'invalid'));

export const questionAssign: Handler = (s, _e, d) =>
  d.to === null || isId(d.to) ? setField(s, d, 'assignee', d.to) : no(s, 'invalid');
