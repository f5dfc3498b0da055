/**
 * The event's domain: the log entry the reducer folds, and the view shapes of PROTOCOL.md
 * P20-P22. Views are plain JSON (they are diffed into RFC 6902 patches and sent as is).
 */
import type { Role } from '../protocol/roles';
import type { EventSettings } from '../protocol/messages';

/** One entry of an event's log, as the reducer sees it (issue 2: entry shape). */
export interface LogEntry {
  serial: number;
  /** Hub clock, ms since epoch, stamped when the hub accepted the pub. The reducer's only clock. */
  ts: number;
  clientId: string;
  /** Message name: a section-6 name, or a hub-authored `hub.*` name. */
  name: string;
  role: Role;
  /** Display name from the publisher's token (`name` claim); null when it had none. */
  author?: string | null;
  /** The publishing connection's median RTT, stamped by the hub (quiz lag compensation). */
  rttMs?: number;
  /** P30: stamped by the hub on entries from a stream viewer (token claim `wat`); absent for the room. */
  watching?: 'stream';
  id: string;
  data: unknown;
}

/** Outcome of applying one entry: P12's `applied` and `reason`. */
export type ApplyResult<S> = { state: S; applied: true } | { state: S; applied: false; reason: string };

export type EventStatus = 'scheduled' | 'live' | 'ended';
export type PollKind = 'single' | 'multiple' | 'rating' | 'wordcloud';
export type PollStatus = 'draft' | 'open' | 'closed';
export type QuestionStatus = 'pending' | 'approved' | 'rejected' | 'answered' | 'archived';
export type QuizStatus = 'draft' | 'running' | 'ended';

export interface ResolvedSettings {
  moderation: 'pre' | 'post';
  anonymousQuestions: boolean;
  chat: 'on' | 'off';
  reactions: string[];
  wordFilter: 'flag' | 'off';
  filterWords: string[];
  /** P30: 0-60,000 ms; 0 = no stream delay. */
  streamDelayMs: number;
}
export type SettingsInput = EventSettings;

export interface OptionView { id: string; label: string }

export interface PollView {
  id: string;
  question: string;
  kind: PollKind;
  options: OptionView[];
  status: PollStatus;
  resultsVisible: boolean;
  /** Staff: always a map. Audience: null while results are hidden (P21). */
  tallies: Record<string, number> | null;
  ballots: number;
  /** Staff only: word-cloud words that matched the word filter (kept out of audience tallies). */
  flaggedWords?: string[];
  /** P28: the timer, or null. */
  durationMs: number | null;
  /** P28: hub time an open timed poll closes by itself, else null. */
  closesAt: number | null;
}

export interface QuestionView {
  id: string;
  text: string;
  authorName: string | null;
  status: QuestionStatus;
  pinned: boolean;
  upvotes: number;
  askedAt: number;
  /** Staff only (a clientId never reaches the audience, P21). */
  assignee?: string | null;
  /** Staff only. */
  flagged?: boolean;
}

export interface QuizQuestionView {
  id: string;
  prompt: string;
  options: OptionView[];
  /** Staff always; audience only once the question was revealed. */
  correctOptionId?: string;
  timeLimitMs: number;
  points: number;
  revealed: boolean;
}

export interface QuizCurrentView {
  questionId: string;
  openedAt: number;
  closesAt: number;
  /** Number of answers received. */
  answers: number;
  revealed: boolean;
  /** After reveal: answers per option. */
  distribution: Record<string, number> | null;
}

export interface LeaderboardRowStaff { clientId: string; name: string; score: number; streak: number }
export interface LeaderboardRowAudience { name: string; score: number; streak: number }

export interface QuizView<Row> {
  id: string;
  title: string;
  status: QuizStatus;
  questions: QuizQuestionView[];
  currentIndex: number | null;
  current: QuizCurrentView | null;
  leaderboard: Row[];
  /** P28: the hub reveals each question when its time is up. */
  autoReveal: boolean;
}

export interface ChatMessageView { id: string; authorName: string | null; role: Role; text: string; ts: number }

export interface EventView {
  id: string;
  title: string;
  status: EventStatus;
  settings: ResolvedSettings;
}

interface ViewBase<Row> {
  event: EventView;
  polls: Record<string, PollView>;
  questions: Record<string, QuestionView>;
  quizzes: Record<string, QuizView<Row>>;
  reactions: Record<string, number>;
  chat: ChatMessageView[];
  audience: { online: number; peak: number };
}
/** P20, plus P28's run-of-show `order` (every poll and quiz id). */
export type StaffView = ViewBase<LeaderboardRowStaff> & { order: string[] };
/** P21. */
export type AudienceView = ViewBase<LeaderboardRowAudience>;

/** P22. */
export interface SelfView {
  ballots: Record<string, string[]>;
  upvoted: string[];
  questions: Record<string, QuestionStatus>;
  quiz: { score: number; rank: number | null; streak: number };
}
