/**
 * View selectors (PROTOCOL.md P20-P22): pure functions of the state, memoised per sub-object by
 * identity (see memo.ts), so after one more entry only the changed poll, question or quiz is
 * rebuilt and every other part of the view is the very same object as before.
 */
import { declareDelta } from '../json-patch';
import { audienceLeaderboard, leaderboard, ranks } from './leaderboard';
import { memo } from './memo';
import { setOwn } from './own';
import { pchangedKeys, pforEach, pget, type PMap } from './pmap';
import { ballotOptionIds } from './polls';
import { audienceSees } from './questions';
import type { ChatMessage, EventState, PollState, QuestionState, QuizState } from './state';
import type {
  AudienceView,
  ChatMessageView,
  EventView,
  LeaderboardRowAudience,
  LeaderboardRowStaff,
  PollView,
  QuestionView,
  QuizQuestionView,
  QuizView,
  SelfView,
  StaffView,
} from './types';

/** Past this many changed keys a full diff is as cheap as a declared delta. */
const DELTA_LIMIT = 256;
/**
 * Big records remembered per selector, to find the one a new record was derived from: one per
 * event the hub serves in turn. With more big events than this, some diffs walk every key (still
 * correct, just slower).
 */
const RECENT = 8;

/**
 * A memoised map → record selector; items mapped to null are left out. The record is rebuilt
 * whole (views are immutable), but it tells json-patch which keys can differ from the record
 * built before it for the same map lineage, so diffing 10,000 questions costs one question.
 */
function recordOf<T, V>(item: (t: T) => V | null): (m: PMap<T>) => Record<string, V> {
  const recent: Array<{ map: PMap<T>; record: Record<string, V> }> = [];
  return memo((m: PMap<T>) => {
    const record: Record<string, V> = {};
    pforEach(m, (t, key) => {
      const v = item(t);
      if (v !== null) setOwn(record, key, v);
    });
    if (m.size <= DELTA_LIMIT) return record;
    // An unrelated map (another event's) gives up after DELTA_LIMIT differences: cheap to try.
    for (const prev of recent) {
      const keys = pchangedKeys(prev.map, m, DELTA_LIMIT);
      if (keys) {
        declareDelta(prev.record, record, keys);
        break;
      }
    }
    recent.unshift({ map: m, record });
    if (recent.length > RECENT) recent.pop();
    return record;
  });
}

const wordCounts = recordOf((n: number) => n);

/** Staff tallies: optionId → count for option polls, word → count for word clouds. */
const tallyRecord = memo((p: PollState): Record<string, number> => {
  if (p.kind === 'wordcloud') return wordCounts(p.words);
  const out: Record<string, number> = {};
  p.options.forEach((o, i) => setOwn(out, o.id, p.counts[i] ?? 0));
  return out;
});

// ---- staff (P20) ----------------------------------------------------------------------
const staffPoll = memo(
  (p: PollState): PollView => ({
    id: p.id,
    question: p.question,
    kind: p.kind,
    options: p.options,
    status: p.status,
    resultsVisible: p.resultsVisible,
    tallies: tallyRecord(p),
    ballots: p.ballots,
    ...(p.kind === 'wordcloud' ? { flaggedWords: p.flaggedWords } : {}),
    durationMs: p.durationMs,
    closesAt: p.closesAt,
  }),
);

const staffQuestion = memo(
  (q: QuestionState): QuestionView => ({
    id: q.id,
    text: q.text,
    authorName: q.authorName,
    status: q.status,
    pinned: q.pinned,
    upvotes: q.upvotes,
    askedAt: q.askedAt,
    assignee: q.assignee,
    flagged: q.flagged,
  }),
);

const staffQuiz = memo(
  (q: QuizState): QuizView<LeaderboardRowStaff> => ({
    id: q.id,
    title: q.title,
    status: q.status,
    questions: q.questions,
    currentIndex: q.currentIndex,
    current: q.current,
    leaderboard: leaderboard(q.players),
    autoReveal: q.autoReveal,
  }),
);

const chatMessage = memo((m: ChatMessage): ChatMessageView => ({ id: m.id, authorName: m.authorName, role: m.role, text: m.text, ts: m.ts }));
/** Staff and audience see the same chat (neither sees clientIds). */
const chatView = memo((chat: ChatMessage[]): ChatMessageView[] => chat.map(chatMessage));

const staffPolls = recordOf(staffPoll);
const staffQuestions = recordOf(staffQuestion);
const staffQuizzes = recordOf(staffQuiz);

export const staffView = memo(
  (s: EventState): StaffView => ({
    event: s.event,
    polls: staffPolls(s.polls),
    questions: staffQuestions(s.questions),
    quizzes: staffQuizzes(s.quizzes),
    reactions: s.reactions,
    chat: chatView(s.chat),
    audience: s.audience,
    order: s.order,
  }),
);

// ---- audience (P21): the same shape, less what the audience must not see ------------------
/** The extra filter words stay with the staff: showing them would teach how to dodge them. */
const audienceEvent = memo((e: EventView): EventView =>
  e.settings.filterWords.length ? { ...e, settings: { ...e.settings, filterWords: [] } } : e,
);

/** Tallies only once revealed, and never a flagged word. */
function audienceTallies(p: PollState): Record<string, number> | null {
  if (!p.resultsVisible) return null;
  const all = tallyRecord(p);
  if (p.flaggedWords.length === 0) return all;
  const flagged = new Set(p.flaggedWords);
  const out: Record<string, number> = {};
  for (const [word, n] of Object.entries(all)) if (!flagged.has(word)) setOwn(out, word, n);
  return out;
}

/** A draft poll is the host's preparation: the audience sees it once it opens (P21). */
const audiencePoll = memo((p: PollState): PollView | null =>
  p.status === 'draft'
    ? null
    : {
    id: p.id,
    question: p.question,
    kind: p.kind,
    options: p.options,
    status: p.status,
    resultsVisible: p.resultsVisible,
    tallies: audienceTallies(p),
    ballots: p.ballots,
    durationMs: p.durationMs,
    closesAt: p.closesAt,
  },
);

/** Only approved or answered, never flagged, and no assignee/flagged fields. */
const audienceQuestion = memo((q: QuestionState): QuestionView | null =>
  audienceSees(q)
    ? { id: q.id, text: q.text, authorName: q.authorName, status: q.status, pinned: q.pinned, upvotes: q.upvotes, askedAt: q.askedAt }
    : null,
);

const audienceQuizQuestion = memo((q: QuizQuestionView): QuizQuestionView => {
  if (q.revealed) return q;
  const { correctOptionId: _hidden, ...rest } = q;
  return rest;
});
/** Questions up to the current one: upcoming prompts stay with the host, as in any quiz show. */
const audienceQuizQuestions = (qs: QuizQuestionView[], currentIndex: number | null): QuizQuestionView[] =>
  qs.slice(0, (currentIndex ?? -1) + 1).map(audienceQuizQuestion);

/** A draft quiz is not shown at all (P21). */
const audienceQuiz = memo((q: QuizState): QuizView<LeaderboardRowAudience> | null =>
  q.status === 'draft'
    ? null
    : {
    id: q.id,
    title: q.title,
    status: q.status,
    questions: audienceQuizQuestions(q.questions, q.currentIndex),
    currentIndex: q.currentIndex,
    current: q.current,
    leaderboard: audienceLeaderboard(leaderboard(q.players)),
    autoReveal: q.autoReveal,
  },
);

const audiencePolls = recordOf(audiencePoll);
const audienceQuestions = recordOf(audienceQuestion);
const audienceQuizzes = recordOf(audienceQuiz);

/** One view for every audience subscriber (P21): nothing in it names a client. */
export const audienceView = memo(
  (s: EventState): AudienceView => ({
    event: audienceEvent(s.event),
    polls: audiencePolls(s.polls),
    questions: audienceQuestions(s.questions),
    quizzes: audienceQuizzes(s.quizzes),
    reactions: s.reactions,
    chat: chatView(s.chat),
    audience: s.audience,
  }),
);

// ---- self (P22) -------------------------------------------------------------------------
/** The most recent (by start) running or ended quiz in which `clientId` has a score. */
function latestQuizOf(s: EventState, clientId: string): QuizState | null {
  let best: QuizState | null = null;
  pforEach(s.quizzes, (q) => {
    if (q.startedSerial === null || q.status === 'draft' || !pget(q.players, clientId)) return;
    if (!best || (best.startedSerial ?? 0) < q.startedSerial) best = q;
  });
  return best;
}

/** One client's own state: O(polls + quizzes + own questions), computed per client on change. */
export function selfView(s: EventState, clientId: string): SelfView {
  const ballots: Record<string, string[]> = {};
  pforEach(s.polls, (p, pollId) => {
    const b = pget(p.votes, clientId);
    if (typeof b === 'string') setOwn(ballots, pollId, [b]);
    else if (typeof b === 'number') setOwn(ballots, pollId, ballotOptionIds(p.options, b));
  });
  const own = pget(s.clients, clientId);
  const questions: SelfView['questions'] = {};
  for (const id of own?.asked ?? []) {
    const q = pget(s.questions, id);
    if (q) setOwn(questions, id, q.status);
  }
  const quiz = latestQuizOf(s, clientId);
  const player = quiz ? pget(quiz.players, clientId) : undefined;
  return {
    ballots,
    upvoted: own?.upvoted ?? [],
    questions,
    quiz:
      quiz && player
        ? { score: player.score, rank: ranks(quiz.players).get(clientId) ?? null, streak: player.streak }
        : { score: 0, rank: null, streak: 0 },
  };
}
