/** P29: event status has effect. What a scheduled event turns live on, and what an ended one refuses. */
import type { EventState } from './state';
import type { LogEntry } from './types';

/** Opening a cue starts the show. */
const GOES_LIVE: ReadonlySet<string> = new Set(['poll.open', 'quiz.next']);
/** Refused from anyone once the event has ended. */
const ENDED_REFUSES: ReadonlySet<string> = new Set(['poll.open', 'quiz.next']);
/** Refused from the audience once the event has ended (staff may still post in the chat). */
const ENDED_REFUSES_AUDIENCE: ReadonlySet<string> = new Set(['vote.cast', 'quiz.answer', 'question.ask', 'question.upvote', 'chat.send']);

/** The reason an entry is refused because of the event's status, or null. */
export function statusRefusal(s: EventState, e: LogEntry): string | null {
  if (s.event.status !== 'ended') return null;
  if (ENDED_REFUSES.has(e.name)) return 'event_ended';
  return e.role === 'audience' && ENDED_REFUSES_AUDIENCE.has(e.name) ? 'event_ended' : null;
}

/** After an applied entry: a cue opened while scheduled makes the event live in the same entry. */
export function afterApplied(s: EventState, e: LogEntry): EventState {
  return s.event.status === 'scheduled' && GOES_LIVE.has(e.name) ? { ...s, event: { ...s.event, status: 'live' } } : s;
}
