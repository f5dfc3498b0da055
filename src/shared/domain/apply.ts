/**
 * The reducer: `apply(state, entry)` folds one log entry into the event state (DESIGN.md "The
 * hub"). Pure and deterministic: its only clock is `entry.ts`, it never throws, and a refused
 * entry returns the very same state object with `applied:false` and a reason (P12).
 */
import { MessageRoles, isMessageName } from '../protocol/messages';
import type { Role } from '../protocol/roles';
import { asData } from './data-guards';
import { chatDelete, chatSend, eventUpdate, hubPresence, reactionSend } from './event-reducers';
import { afterApplied, statusRefusal } from './event-status';
import { pollClose, pollCreate, pollDelete, pollOpen, pollReveal, pollUpdate, voteCast } from './polls';
import { questionAsk, questionAssign, questionModerate, questionPin, questionUnvote, questionUpvote } from './questions';
import { quizAnswer, quizCreate, quizDelete, quizEnd, quizNext, quizReveal, quizUpdate } from './quizzes';
import { Owner } from './owner';
import { no, type Handler, type Result } from './result';
import { cueOrder } from './run-of-show';
import { HUB_CLIENT_ID, type EventState } from './state';
import type { LogEntry } from './types';

const HANDLERS: Readonly<Record<string, Handler>> = {
  'event.update': eventUpdate,
  'poll.create': pollCreate,
  'poll.update': pollUpdate,
  'poll.delete': pollDelete,
  'cue.order': cueOrder,
  'poll.open': pollOpen,
  'poll.close': pollClose,
  'poll.reveal': pollReveal,
  'vote.cast': voteCast,
  'question.ask': questionAsk,
  'question.upvote': questionUpvote,
  'question.unvote': questionUnvote,
  'question.moderate': questionModerate,
  'question.pin': questionPin,
  'question.assign': questionAssign,
  'quiz.create': quizCreate,
  'quiz.update': quizUpdate,
  'quiz.delete': quizDelete,
  'quiz.next': quizNext,
  'quiz.answer': quizAnswer,
  'quiz.reveal': quizReveal,
  'quiz.end': quizEnd,
  'reaction.send': reactionSend,
  'chat.send': chatSend,
  'chat.delete': chatDelete,
  'hub.presence': hubPresence,
};

// Checked on every entry of a fold: a switch on four short strings, not a Set (dropping the Set
// lookup gave about 1.16x the votes per CPU-second, bench/lib/reducer-ab.ts, 2026-12-02).
function isRole(role: string): role is Role {
  const r = role as Role;
  switch (r) {
    case 'audience':
    case 'host':
    case 'moderator':
    case 'producer':
      return true;
    default:
      return notARole(r);
  }
}
/** Only compiles while the switch above lists every Role (r is then `never` here). */
const notARole = (_r: never): false => false;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The envelope the handlers rely on (the hub stamps it; a hand-edited log might not). */
function wellFormed(entry: unknown): entry is LogEntry {
  const e = asData(entry);
  return (
    e !== null &&
    typeof e.name === 'string' &&
    typeof e.clientId === 'string' &&
    isFiniteNumber(e.ts) &&
    isFiniteNumber(e.serial) &&
    typeof e.role === 'string' &&
    isRole(e.role) &&
    (e.author === undefined || e.author === null || typeof e.author === 'string') &&
    (e.rttMs === undefined || typeof e.rttMs === 'number') &&
    (e.watching === undefined || e.watching === 'stream')
  );
}

interface Route {
  handler: Handler;
  /** Section 6's roles column; null for `hub.*` entries, which only the hub itself may write. */
  roles: ReadonlySet<string> | null;
}

const ROUTES: ReadonlyMap<string, Route> = new Map(
  Object.entries(HANDLERS).map(([name, handler]) => [
    name,
    { handler, roles: isMessageName(name) ? new Set<string>(MessageRoles[name]) : null },
  ]),
);

/** The role check again (the hub already made it): the log, not the hub, is the source of truth. */
const mayPublish = (route: Route, entry: LogEntry): boolean =>
  route.roles ? route.roles.has(entry.role) : entry.clientId === HUB_CLIENT_ID;

export function apply(state: EventState, entry: LogEntry): Result {
  return applyAs(state, entry, null);
}

function applyAs(state: EventState, entry: LogEntry, owner: Owner | null): Result {
  if (!wellFormed(entry)) return no(state, 'invalid');
  const route = ROUTES.get(entry.name);
  const data = asData(entry.data);
  if (!route || !data) return no(state, 'invalid');
  if (!mayPublish(route, entry)) return no(state, 'forbidden');
  const refusal = statusRefusal(state, entry);
  if (refusal) return no(state, refusal);
  const handler = route.handler;
  try {
    const r = handler(state, entry, data, owner);
    if (!r.applied) return r;
    const after = afterApplied(r.state, entry);
    return after === r.state ? r : { state: after, applied: true };
  } catch {
    // Unreachable by design (tests assert this reason never shows up), but a reducer bug must
    // refuse one entry, not take the event down; the outcome is still deterministic.
    return no(state, 'internal_error');
  }
}

export const reduce = (state: EventState, entry: LogEntry): EventState => apply(state, entry).state;

/**
 * Folds `entries` in order into `state`: the same final state as `entries.reduce(reduce, state)`
 * (tests/domain/fold-batch.test.ts), about three times faster on votes, because the batch owns
 * what it creates and writes it in place (owner.ts). `state` itself is never changed, and the
 * result shares every untouched part with it, so views memoised on `state` stay valid. The
 * states between entries are not observable: fold one by one where each one is kept.
 * `onEach` hears every entry's outcome (null: applied, else the reason it was not).
 */
export function foldBatch(state: EventState, entries: readonly LogEntry[], onEach?: (entry: LogEntry, reason: string | null) => void): EventState {
  const fold = new BatchFold(state);
  fold.fold(entries, onEach);
  return fold.publish();
}

/**
 * A batch fold that goes on across calls (issue 18): several `fold` calls (engine pages) are one
 * batch, each node copied at most once, until `publish()` hands the state out. From then on that
 * state is never written again (the next `fold` starts a new batch, which copies what it
 * changes), so a published state can go to views, memo caches and the resume ring. `peek()`
 * reads the state without ending the batch: for reads that keep nothing of it (a number, a
 * timer list), never for a view (views memoise on the objects, which the batch may still rewrite).
 */
export class BatchFold {
  private owner: Owner | null = null;
  private current: EventState;

  constructor(state: EventState) {
    this.current = state;
  }

  fold(entries: readonly LogEntry[], onEach?: (entry: LogEntry, reason: string | null) => void): void {
    if (entries.length === 0) return;
    const owner = (this.owner ??= new Owner());
    let s = this.current;
    for (const entry of entries) {
      const r = applyAs(s, entry, owner);
      s = r.state;
      if (onEach) onEach(entry, r.applied ? null : r.reason);
    }
    this.current = s;
  }

  /** The state so far, handed out: nothing will write into it any more. */
  publish(): EventState {
    this.owner = null;
    return this.current;
  }

  /** The state so far, to read now and keep nothing of (see the class comment). */
  peek(): EventState {
    return this.current;
  }

  /** Starts again from `state` (a published one, or one nobody else holds). */
  reset(state: EventState): void {
    this.owner = null;
    this.current = state;
  }
}
