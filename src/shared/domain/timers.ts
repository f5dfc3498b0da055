/**
 * P28's timers as data: the entries the hub must append itself, and when. Pure, so every node
 * running the event computes the same list from the same state; the ids are fixed by the state
 * (the serial that opened the poll or question), so the hub's dedupe (P14) keeps exactly one.
 */
import { pget } from './pmap';
import { hubCloseId } from './polls';
import { hubRevealId } from './quizzes';
import type { EventState } from './state';

export type HubTimer =
  | { at: number; name: 'poll.close'; id: string; data: { pollId: string } }
  | { at: number; name: 'quiz.reveal'; id: string; data: { quizId: string } };

/** Every timer the state holds, soonest first. */
export function hubTimers(s: EventState): HubTimer[] {
  const out: HubTimer[] = [];
  for (const id of s.order) {
    const p = pget(s.polls, id);
    if (p) {
      if (p.status === 'open' && p.closesAt !== null && p.openedSerial !== null)
        out.push({ at: p.closesAt, name: 'poll.close', id: hubCloseId(p.id, p.openedSerial), data: { pollId: p.id } });
      continue;
    }
    const q = pget(s.quizzes, id);
    if (q?.status === 'running' && q.autoReveal && q.current && !q.current.revealed && q.currentSerial !== null)
      out.push({ at: q.current.closesAt, name: 'quiz.reveal', id: hubRevealId(q.id, q.currentSerial), data: { quizId: q.id } });
  }
  return out.sort((a, b) => a.at - b.at);
}
