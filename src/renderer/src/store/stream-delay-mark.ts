/**
 * P30 measuring the stream delay: the producer presses "mark" when the stream shows the last cue
 * change (a poll opening or closing, results shown, a quiz question or its answer); the delay is
 * the press (hub clock) less that change's log `ts`, rounded to a tenth of a second and kept
 * inside P30's 0-60 s.
 */
import { MAX_STREAM_DELAY_MS } from '../../../shared/protocol/limits';
import type { StaffView } from '../../../shared/domain/types';
import type { WireEntry } from '../../../shared/protocol/frames';
import { tailPage } from './log-page';

/** Entries that change what a viewer sees of a cue (what a stream visibly shows). */
const CUE_CHANGES = new Set(['poll.open', 'poll.close', 'poll.reveal', 'quiz.next', 'quiz.reveal', 'quiz.end']);

/** The newest cue change in the log (newest last), if any. */
export function lastCueChange(log: readonly WireEntry[]): WireEntry | null {
  for (let i = log.length - 1; i >= 0; i--) {
    const e = log[i] as WireEntry;
    if (CUE_CHANGES.has(e.name)) return e;
  }
  return null;
}

export type DelayProposal = { ok: true; delayMs: number } | { ok: false; message: string };

export function proposeDelay(changeTs: number, pressedAtHub: number): DelayProposal {
  const d = pressedAtHub - changeTs;
  if (d < 0) return { ok: false, message: 'The press came before the change on the hub clock; mark again when the stream shows it.' };
  if (d > MAX_STREAM_DELAY_MS) return { ok: false, message: `The press came ${Math.round(d / 1000)} s after the change, more than the ${MAX_STREAM_DELAY_MS / 1000} s a stream delay may be; change a cue and mark again.` };
  return { ok: true, delayMs: Math.round(d / 100) * 100 };
}

/** A cue change seen between two held views: its log entry lies in (after, serial]. */
export interface CueChange {
  /** What changed, as the log names it (poll.open, quiz.next, ...). */
  name: string;
  /** The serial of the view before the change, and of the view that shows it. */
  after: number;
  serial: number;
  /** The hub clock when this console saw it (for the label; the proposal uses the entry's `ts`). */
  seenAt: number;
}

/**
 * Which cue change, if any, turns `prev` into `next`, read off the views alone (no log stream on
 * the Live screen, issue 15.3): a poll opening, closing or showing/hiding results, a quiz showing
 * a question, revealing its answer or ending. The newest kind wins when several changed.
 */
export function cueChangeBetween(prev: StaffView, next: StaffView): string | null {
  let found: string | null = null;
  // Runs on every sync: a patch shares what it did not touch (json-patch.ts), so an unchanged
  // container or entry is skipped by identity (a chat message or a vote touches no quiz).
  if (next.polls !== prev.polls) for (const p of Object.values(next.polls)) {
    const was = prev.polls[p.id];
    if (was === p) continue;
    if (!was) {
      if (p.status === 'open') found = 'poll.open';
      continue;
    }
    if (was.status !== p.status) found = p.status === 'open' ? 'poll.open' : p.status === 'closed' ? 'poll.close' : found;
    else if (was.resultsVisible !== p.resultsVisible) found = 'poll.reveal';
  }
  if (next.quizzes !== prev.quizzes) for (const q of Object.values(next.quizzes)) {
    const was = prev.quizzes[q.id];
    if (!was || was === q) continue;
    if (was.status !== q.status && q.status === 'ended') found = 'quiz.end';
    else if (q.current && (was.currentIndex !== q.currentIndex || was.current?.questionId !== q.current.questionId)) found = 'quiz.next';
    else if (q.current?.revealed && !was.current?.revealed) found = 'quiz.reveal';
  }
  return found;
}

/** The log page that holds a change's entry: at most `limit` entries, ending at the view that showed it. */
export function cueChangePage(c: CueChange, limit = 1_000): { from: number; limit: number } {
  return tailPage(c.after, c.serial, limit);
}
