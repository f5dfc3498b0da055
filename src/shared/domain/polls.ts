/** poll.create / update / delete / open / close / reveal and vote.cast (PROTOCOL.md sections 6 and 9). */
import { DURATION_MS } from '../protocol/messages';
import { asData, isBool, isId, isText, oneOf, type Data } from './data-guards';
import { emptyMap, pdelete, pget, pset, psetPrevious } from './pmap';
import { copyArray, copyObject, writableBy, type Owner } from './owner';
import { no, ok, type Handler, type Result } from './result';
import { cueExists, withCueLast, withoutCue } from './run-of-show';
import { HUB_CLIENT_ID, type EventState, type PollState } from './state';
import type { LogEntry, OptionView, PollKind } from './types';
import { normaliseWord } from './word';
import { isFlagged } from './word-filter';

const KINDS: readonly PollKind[] = ['single', 'multiple', 'rating', 'wordcloud'];
const MAX_OPTIONS = 30;

/** Ballots are bit masks of option indices (see recastOptions): at most 30 options; a word cloud has none. */
const shapeOk = (kind: PollKind, options: readonly OptionView[]): boolean =>
  (kind === 'wordcloud') === (options.length === 0) && options.length <= MAX_OPTIONS;

/** A timer in P28's range, or undefined when the value is not one. */
function parseDuration(v: unknown): number | null | undefined {
  if (v === null) return null;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= DURATION_MS.min && v <= DURATION_MS.max ? v : undefined;
}

/** The id the hub gives the close it appends for a timed poll (P28), unique for the life of the event. */
export const hubCloseId = (pollId: string, openedSerial: number): string => `close:${pollId}:${openedSerial}`;

/** Options as {id,label} copies (never the entry's own objects), or null when malformed. */
export function parseOptions(v: unknown): OptionView[] | null {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return null;
  const out: OptionView[] = [];
  const seen = new Set<string>();
  for (const raw of v) {
    const o = asData(raw);
    if (!o || !isId(o.id) || !isText(o.label) || seen.has(o.id)) return null;
    seen.add(o.id);
    out.push({ id: o.id, label: o.label });
  }
  return out;
}

/**
 * `s` with `poll` in its polls map (in place where a batch fold owns the objects, owner.ts). `was`:
 * the poll `poll` replaces; when the batch rewrote it in place (`poll === was`) the map holds it
 * already, and every object on the way to it is the batch's own, so `s` is the answer.
 */
function withPoll(s: EventState, poll: PollState, owner: Owner | null = null, was?: PollState): EventState {
  if (poll === was && owner !== null) return s;
  const polls = pset(s.polls, poll.id, poll, owner);
  const next = writableBy(owner, s, copyObject);
  next.polls = polls;
  return next;
}

export const pollCreate: Handler = (s, _e, d) => {
  const options = parseOptions(d.options);
  const durationMs = d.durationMs === undefined ? null : parseDuration(d.durationMs);
  if (!isId(d.pollId) || !isText(d.question) || !oneOf(d.kind, KINDS) || !options || durationMs === undefined) return no(s, 'invalid');
  if (!shapeOk(d.kind, options)) return no(s, 'invalid');
  if (cueExists(s, d.pollId)) return no(s, 'duplicate_id');
  const poll: PollState = {
    id: d.pollId,
    question: d.question,
    kind: d.kind,
    options,
    status: 'draft',
    resultsVisible: false,
    counts: options.map(() => 0),
    words: emptyMap(),
    ballots: 0,
    votes: emptyMap(),
    flaggedWords: [],
    durationMs,
    closesAt: null,
    openedSerial: null,
    closedAt: null,
  };
  return ok({ ...withPoll(s, poll), order: withCueLast(s, poll.id) });
};

/** P28: the question in any status; kind, options and timer only while draft. */
export const pollUpdate: Handler = (s, _e, d) =>
  withPollFrom(s, d, (p) => {
    const question = d.question === undefined ? p.question : d.question;
    const kind = d.kind === undefined ? p.kind : d.kind;
    const options = d.options === undefined ? (d.kind === 'wordcloud' ? [] : p.options) : parseOptions(d.options);
    const durationMs = d.durationMs === undefined ? p.durationMs : parseDuration(d.durationMs);
    if (!isText(question) || !oneOf(kind, KINDS) || !options || durationMs === undefined || !shapeOk(kind, options)) return 'invalid';
    const draftOnly = d.kind !== undefined || d.options !== undefined || d.durationMs !== undefined;
    if (draftOnly && p.status !== 'draft') return 'not_draft';
    if (question === p.question && !draftOnly) return 'no_change';
    if (!draftOnly) return { ...p, question };
    // A draft has never been open, so it holds no ballots: the counts start afresh for the new options.
    return { ...p, question, kind, options, durationMs, counts: options.map(() => 0), words: emptyMap(), votes: emptyMap(), ballots: 0, flaggedWords: [] };
  });

/** P28: the poll leaves every view; its ballots stay in the log. */
export const pollDelete: Handler = (s, _e, d) => {
  if (!isId(d.pollId)) return no(s, 'invalid');
  if (!pget(s.polls, d.pollId)) return no(s, 'unknown_poll');
  return ok({ ...s, polls: pdelete(s.polls, d.pollId), order: withoutCue(s, d.pollId) });
};

function withPollFrom(s: EventState, d: Data, change: (p: PollState) => PollState | string): Result {
  if (!isId(d.pollId)) return no(s, 'invalid');
  const poll = pget(s.polls, d.pollId);
  if (!poll) return no(s, 'unknown_poll');
  const next = change(poll);
  return typeof next === 'string' ? no(s, next) : ok(withPoll(s, next));
}

/** draft → open, and closed → open again (reopening keeps the ballots and restarts the timer). */
export const pollOpen: Handler = (s, e, d) =>
  withPollFrom(s, d, (p) =>
    p.status === 'open'
      ? 'no_change'
      : { ...p, status: 'open', openedSerial: e.serial, closesAt: p.durationMs === null ? null : e.ts + p.durationMs, closedAt: null },
  );

/** The hub's own close counts only for the opening it was set for (a reopened poll has a new timer). */
export const pollClose: Handler = (s, e, d) =>
  withPollFrom(s, d, (p) => {
    if (p.status !== 'open') return 'poll_not_open';
    if (e.clientId === HUB_CLIENT_ID && (p.openedSerial === null || e.id !== hubCloseId(p.id, p.openedSerial))) return 'stale_timer';
    return closed(p, e.ts);
  });

const closed = (p: PollState, ts: number): PollState => ({ ...p, status: 'closed', closesAt: null, closedAt: ts });

/** P29: ending the event closes every open poll in the same entry. */
export function closeAllPolls(s: EventState, ts: number): EventState {
  let polls = s.polls;
  for (const id of s.order) {
    const p = pget(polls, id);
    if (p?.status === 'open') polls = pset(polls, id, closed(p, ts));
  }
  return polls === s.polls ? s : { ...s, polls };
}

export const pollReveal: Handler = (s, _e, d) => {
  const visible = d.visible;
  if (!isBool(visible)) return no(s, 'invalid');
  return withPollFrom(s, d, (p) => (p.resultsVisible === visible ? 'no_change' : { ...p, resultsVisible: visible }));
};

export { normaliseWord };

function indexOfOption(options: readonly OptionView[], id: unknown): number {
  for (let i = 0; i < options.length; i++) if ((options[i] as OptionView).id === id) return i;
  return -1;
}

/** Option ids of a ballot mask, in option order (what `self` shows). */
export function ballotOptionIds(options: readonly OptionView[], mask: number): string[] {
  const out: string[] = [];
  options.forEach((o, i) => {
    if (mask & (1 << i)) out.push(o.id);
  });
  return out;
}

/**
 * The hot path (1M votes/s in a batch fold): the ballot is a bit mask of option indices, a small
 * integer, so a vote allocates nothing that outlives it and the GC has no ballots to trace.
 * Every check comes before the first write: with an owner the writes are in place, and a refusal
 * must leave the state as it was.
 */
function recastOptions(s: EventState, e: LogEntry, poll: PollState, ids: unknown, owner: Owner | null): Result {
  const { options } = poll;
  if (!Array.isArray(ids) || ids.length === 0 || (poll.kind !== 'multiple' && ids.length !== 1)) return no(s, 'bad_option');
  let mask = 0;
  for (const id of ids) {
    const i = indexOfOption(options, id);
    if (i < 0 || mask & (1 << i)) return no(s, 'bad_option');
    mask |= 1 << i;
  }
  const votes = pset(poll.votes, e.clientId, mask, owner);
  const previous = psetPrevious();
  if (previous === mask) return ok(s);
  const prev = typeof previous === 'number' ? previous : 0;
  const next = writableBy(owner, poll, copyObject);
  const counts = writableBy(owner, poll.counts, copyArray);
  for (let i = 0; i < counts.length; i++) counts[i] = (counts[i] as number) + ((mask >> i) & 1) - ((prev >> i) & 1);
  next.counts = counts;
  next.votes = votes;
  if (previous === undefined) next.ballots = poll.ballots + 1;
  return ok(withPoll(s, next, owner, poll));
}

function recastWord(s: EventState, e: LogEntry, poll: PollState, text: unknown, owner: Owner | null): Result {
  if (typeof text !== 'string') return no(s, 'bad_option');
  const word = normaliseWord(text);
  if (!word) return no(s, 'bad_option');
  const votes = pset(poll.votes, e.clientId, word, owner);
  const previous = psetPrevious();
  if (previous === word) return ok(s);
  let words = poll.words;
  const next = writableBy(owner, poll, copyObject);
  if (typeof previous === 'string') {
    const n = (pget(words, previous) ?? 0) - 1;
    words = n > 0 ? pset(words, previous, n, owner) : pdelete(words, previous, owner);
    // Only words with a tally are listed: else one phone recasting new flagged words grew the
    // list (and the staff view) by one a recast for the life of the poll.
    if (n <= 0 && next.flaggedWords.includes(previous)) next.flaggedWords = next.flaggedWords.filter((w) => w !== previous);
  }
  words = pset(words, word, (pget(words, word) ?? 0) + 1, owner);
  const { wordFilter, filterWords } = s.event.settings;
  if (wordFilter === 'flag' && !next.flaggedWords.includes(word) && isFlagged(word, filterWords)) next.flaggedWords = [...next.flaggedWords, word];
  next.words = words;
  next.votes = votes;
  if (previous === undefined) next.ballots = poll.ballots + 1;
  return ok(withPoll(s, next, owner, poll));
}

/**
 * Whether the poll takes this ballot now. P30: a stream viewer sees the close `streamDelayMs`
 * late, so its ballot counts until the close plus the delay (by the entry's ts, like the timer).
 */
function takesBallot(s: EventState, poll: PollState, e: LogEntry): boolean {
  const delay = e.watching === 'stream' ? s.event.settings.streamDelayMs : 0;
  // Time is up even if the hub's own close has not landed yet: the entry's ts decides, not the timer.
  if (poll.status === 'open') return poll.closesAt === null || e.ts <= poll.closesAt + delay;
  return poll.status === 'closed' && delay > 0 && typeof poll.closedAt === 'number' && e.ts <= poll.closedAt + delay;
}

/** One ballot per client; a recast replaces the previous ballot, so tallies = sum of latest ballots. */
export const voteCast: Handler = (s, e, d, owner = null) => {
  if (!isId(d.pollId)) return no(s, 'invalid');
  const poll = pget(s.polls, d.pollId);
  if (!poll) return no(s, 'unknown_poll');
  if (!takesBallot(s, poll, e)) return no(s, 'poll_not_open');
  if (poll.kind === 'wordcloud') return d.optionIds === undefined ? recastWord(s, e, poll, d.text, owner) : no(s, 'bad_option');
  return d.text === undefined ? recastOptions(s, e, poll, d.optionIds, owner) : no(s, 'bad_option');
};
