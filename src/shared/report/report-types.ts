/**
 * The post-event report (issue 14.11) as data: what the console folds out of the event's whole
 * log (report-fold.ts) plus the delivery figures it recorded live (P27). The CSV files and the
 * printable HTML report are both drawn from this one value. Times are hub clock, ms since epoch.
 */
import type { LeaderboardRowStaff, OptionView, PollView, QuestionStatus, QuizStatus, EventStatus } from '../domain/types';

/** P27: the most audience connections that had reached a cue while it was live, as the console saw it. */
export interface CueReach {
  /** Audience connections that reported a state at or after the cue's opening. */
  reached: number;
  /** Audience connections subscribed at that moment. */
  subscribers: number;
  at: number;
}

/** What the console recorded of P27 while the event ran: per cue, and per quiz question. */
export interface RecordedReach {
  cues: ReadonlyMap<string, CueReach>;
  questions: ReadonlyMap<string, ReadonlyMap<string, CueReach>>;
}

export interface ReportPoll {
  /** The poll as the staff view shows it after the last entry. */
  poll: PollView;
  /** First opening; null when never opened. */
  openedAt: number | null;
  /** The close that ended its last opening (by the host, its timer or the event's end); null while open or never opened. */
  closedAt: number | null;
  /** How many times it was opened (a reopened poll counts twice). */
  opens: number;
  reach: CueReach | null;
}

export interface ReportQuizAnswer {
  optionId: string;
  correct: boolean;
  /** Points this answer earned before any streak bonus (0 when wrong). */
  points: number;
}

export interface ReportQuizQuestion {
  id: string;
  prompt: string;
  options: OptionView[];
  correctOptionId: string | null;
  points: number;
  openedAt: number | null;
  /** Answers per option id. */
  counts: Record<string, number>;
  answers: number;
  /** Audience connections that showed this question while it was open (P27). */
  reach: CueReach | null;
}

export interface ReportQuizPlayer extends LeaderboardRowStaff {
  rank: number;
  correct: number;
  /** By question id. */
  answers: Record<string, ReportQuizAnswer>;
}

export interface ReportQuiz {
  id: string;
  title: string;
  status: QuizStatus;
  startedAt: number | null;
  endedAt: number | null;
  questions: ReportQuizQuestion[];
  /** Everyone who answered, ranked as the leaderboard ranks (score, then first to score). */
  players: ReportQuizPlayer[];
  reach: CueReach | null;
}

export interface ReportQuestion {
  id: string;
  text: string;
  authorName: string | null;
  status: QuestionStatus;
  upvotes: number;
  pinned: boolean;
  flagged: boolean;
  askedAt: number;
  assignee: string | null;
  /** The assignee's display name, from their own entries in the log; null when they never published. */
  assigneeName: string | null;
  /** The last time it was marked answered; null when never. */
  answeredAt: number | null;
}

export interface ReportParticipation {
  /** Distinct audience clientIds with at least one entry in the log (a vote, question, upvote, answer, reaction or chat). */
  uniqueParticipants: number;
  peakOnline: number;
  peakAt: number | null;
  /** Audience online over the event (hub presence entries), at most MAX_ONLINE_POINTS points. */
  online: Array<{ t: number; online: number }>;
  voters: number;
  askers: number;
  upvoters: number;
  quizPlayers: number;
  reactors: number;
  chatters: number;
  reactions: number;
}

export interface ReportData {
  event: { id: string; title: string; status: EventStatus; joinCode: string | null; firstAt: number | null; lastAt: number | null; serial: number; generatedAt: number };
  participation: ReportParticipation;
  /** In run-of-show order. */
  polls: ReportPoll[];
  quizzes: ReportQuiz[];
  /** Oldest first. */
  questions: ReportQuestion[];
}

export const MAX_ONLINE_POINTS = 600;
