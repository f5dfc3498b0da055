/**
 * P30 measuring the stream delay: the producer presses "mark" when the stream shows the last cue
 * change (a poll opening or closing, results shown, a quiz question or its answer); the delay is
 * the press (hub clock) less that change's log `ts`, rounded to a tenth of a second and kept
 * inside P30's 0-60 s.
 */
import { MAX_STREAM_DELAY_MS } from '../../../shared/protocol/limits';
import type { WireEntry } from '../../../shared/protocol/frames';

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
