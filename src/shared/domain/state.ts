/**
 * The event's internal state: what the reducer folds the log into and the views are selected
 * from. Immutable with structural sharing (an unchanged poll, question or quiz keeps its object
 * identity across entries, so views memoise by reference), and plain JSON: a snapshot is
 * `JSON.stringify(state)`, and folding on from `JSON.parse(snapshot)` gives the same states.
 * Never store `undefined`, NaN or holes in here: JSON would not round-trip them.
 */
import type { Role } from '../protocol/roles';
import type {
  EventView,
  OptionView,
  PollKind,
  PollStatus,
  QuestionStatus,
  QuizCurrentView,
  QuizQuestionView,
  QuizStatus,
  ResolvedSettings,
} from './types';
import { emptyMap, type PMap } from './pmap';
import { DEFAULT_REACTIONS } from './reaction-palette';

/** 3: a word cloud's flaggedWords lists only words with a tally (a version 2 snapshot may list more, so it is folded again). */
export const STATE_VERSION = 3;

/** The clientId the hub writes its own entries with (`hub.*`, and P28's timed closes and reveals). */
export const HUB_CLIENT_ID = 'hub';

export { DEFAULT_REACTIONS };

export const DEFAULT_SETTINGS: ResolvedSettings = {
  moderation: 'pre',
  anonymousQuestions: true,
  chat: 'on',
  reactions: DEFAULT_REACTIONS,
  wordFilter: 'flag',
  filterWords: [],
  streamDelayMs: 0,
};

export interface PollState {
  id: string;
  question: string;
  kind: PollKind;
  options: OptionView[];
  status: PollStatus;
  resultsVisible: boolean;
  /** Option polls: ballots per option, in `options` order (word clouds: []). */
  counts: number[];
  /** Word clouds: normalised word → count, only while > 0 (option polls: empty). */
  words: PMap<number>;
  /** Number of clients holding a ballot. */
  ballots: number;
  /**
   * clientId → that client's latest ballot: a bit mask of option indices (bit i = options[i]),
   * or the normalised word for a word cloud.
   */
  votes: PMap<number | string>;
  /** Word clouds: words that matched the word filter, in order of first appearance. */
  flaggedWords: string[];
  /** P28: the poll's timer, or null. */
  durationMs: number | null;
  /** P28: hub time the open poll closes by itself (opening + durationMs); null when untimed or not open. */
  closesAt: number | null;
  /** Serial of the entry that last opened the poll: names the hub's close (`close:<pollId>:<serial>`). */
  openedSerial: number | null;
  /** P30: hub time the poll last closed (stream viewers vote until this plus the delay); null while open or never closed. */
  closedAt?: number | null;
}

export interface QuestionState {
  id: string;
  text: string;
  authorName: string | null;
  status: QuestionStatus;
  pinned: boolean;
  upvotes: number;
  askedAt: number;
  assignee: string | null;
  flagged: boolean;
  /** clientId → true; its size is `upvotes`. */
  upvoters: PMap<true>;
}

/** An answer to the quiz's current question, scored when it arrived, counted at reveal. */
export interface QuizAnswer {
  optionId: string;
  /** The answer score (0 when wrong); the streak bonus is added at reveal. */
  score: number;
  name: string;
}

export interface QuizPlayer {
  name: string;
  score: number;
  streak: number;
}

export interface QuizState {
  id: string;
  title: string;
  status: QuizStatus;
  /** Staff rows: with correctOptionId and revealed. */
  questions: QuizQuestionView[];
  currentIndex: number | null;
  current: QuizCurrentView | null;
  /** The current question's answers by clientId (reset by quiz.next). */
  answers: PMap<QuizAnswer>;
  /** Scores and streaks as of the last reveal: what the leaderboard and `self` show. */
  players: PMap<QuizPlayer>;
  /** Serial of the entry that first started the quiz: "most recent quiz" for `self`. */
  startedSerial: number | null;
  /** P28: the hub reveals the current question when its `closesAt` passes. */
  autoReveal: boolean;
  /** Serial of the `quiz.next` that opened the current question: names the hub's reveal. */
  currentSerial: number | null;
}

export interface ChatMessage {
  id: string;
  clientId: string;
  authorName: string | null;
  role: Role;
  text: string;
  ts: number;
}

/** What `self` needs per client without scanning every question. */
export interface ClientIndex {
  asked: string[];
  upvoted: string[];
}

export interface EventState {
  v: typeof STATE_VERSION;
  createdAt: number;
  /** Exactly the P20 `event` object, shared into the views. */
  event: EventView;
  polls: PMap<PollState>;
  questions: PMap<QuestionState>;
  quizzes: PMap<QuizState>;
  reactions: Record<string, number>;
  /** The latest CHAT_KEEP messages, oldest first. */
  chat: ChatMessage[];
  audience: { online: number; peak: number };
  clients: PMap<ClientIndex>;
  /** P28: the run of show, every poll and quiz id; creation order unless `cue.order` said otherwise. */
  order: string[];
}

export interface EventMetaInput {
  eventId: string;
  title: string;
  createdAt: number;
}

export function initialState(meta: EventMetaInput): EventState {
  return {
    v: STATE_VERSION,
    createdAt: meta.createdAt,
    event: { id: meta.eventId, title: meta.title, status: 'scheduled', settings: DEFAULT_SETTINGS },
    polls: emptyMap(),
    questions: emptyMap(),
    quizzes: emptyMap(),
    reactions: {},
    chat: [],
    audience: { online: 0, peak: 0 },
    clients: emptyMap(),
    order: [],
  };
}
