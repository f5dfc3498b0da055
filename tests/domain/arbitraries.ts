/**
 * fast-check arbitraries for random event logs, shared by the domain tests and the hub tests.
 * Ids come from small pools so random commands collide (votes hit existing polls, upvotes hit
 * existing questions), and include keys like "__proto__" and "constructor" on purpose.
 * Every clientId starts with "cid-" and no text, name or id contains that string, so a test
 * can search a view's JSON for leaked clientIds.
 */
import fc from 'fast-check';
import { HUB_CLIENT_ID, initialState, apply, type EventState, type LogEntry } from '../../src/shared/domain';
import type { Role } from '../../src/shared/protocol';

export const AUDIENCE_IDS = ['cid-aud-ann', 'cid-aud-bob', 'cid-aud-cyd', 'cid-aud-dee', 'cid-aud-eve'] as const;
export const STAFF_IDS = { host: 'cid-staff-host', moderator: 'cid-staff-mod', producer: 'cid-staff-pro' } as const;
/** Every clientId a generated log uses (the hub's own 'hub' aside). */
export const CLIENT_IDS: readonly string[] = [...AUDIENCE_IDS, ...Object.values(STAFF_IDS)];
const NAMES: Readonly<Record<string, string | null>> = {
  'cid-aud-ann': 'Ann',
  'cid-aud-bob': 'Bob',
  'cid-aud-cyd': 'Cyd',
  'cid-aud-dee': null,
  'cid-aud-eve': 'Ann', // same display name as another client: ordering must still be total
  'cid-staff-host': 'Hana Host',
  'cid-staff-mod': 'Mo Moderator',
  'cid-staff-pro': 'Pat Producer',
};

export const POLL_IDS = ['p1', 'p2', '__proto__'] as const;
export const OPTION_IDS = ['o1', 'o2', 'o3', 'o4'] as const;
export const QUESTION_IDS = ['q1', 'q2', 'q3', 'q4', 'constructor'] as const;
export const QUIZ_IDS = ['z1', 'z2'] as const;
export const QUIZ_QUESTION_IDS = ['zq1', 'zq2', 'zq3'] as const;
export const QUIZ_OPTION_IDS = ['a', 'b', 'c'] as const;
export const EMOJI = ['👍', '🎉', '🔥'] as const;
export const MESSAGE_IDS = ['m1', 'm2', 'm3', 'm4', 'm5'] as const;
/** Words for texts and word clouds: some match the word filter, as written or in leetspeak. */
export const WORDS = ['hello', 'Great', 'talk', 'why', 'sh1t', 'FUCK', 'big  data', 'nice', 'class', 'constructor', '__proto__', 'b@stard'] as const;

/** One log entry before it gets its serial and timestamp. */
export interface Cmd {
  name: string;
  data: unknown;
  clientId: string;
  role: Role;
  rttMs?: number;
  /** Milliseconds of hub clock between the previous entry and this one. */
  dt: number;
  /** The entry's id (default `id-<serial>`): the hub's own timed entries have fixed ids (P28). */
  id?: string;
}

const dt = fc.integer({ min: 0, max: 1_500 });
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const audience = fc.constantFrom(...AUDIENCE_IDS);
const staff = (...roles: Array<keyof typeof STAFF_IDS>) => fc.constantFrom(...roles).map((role) => ({ role, clientId: STAFF_IDS[role] }));

const by = (who: fc.Arbitrary<{ role: Role; clientId: string }>, name: string, data: fc.Arbitrary<unknown>): fc.Arbitrary<Cmd> =>
  fc.record({ who, data, dt }).map(({ who: w, data: d, dt: t }) => ({ name, data: d, clientId: w.clientId, role: w.role, dt: t }));
const host = (name: string, data: fc.Arbitrary<unknown>) => by(staff('host'), name, data);
const team = (name: string, data: fc.Arbitrary<unknown>) => by(staff('host', 'moderator'), name, data);
const aud = (name: string, data: fc.Arbitrary<unknown>) => by(audience.map((clientId) => ({ role: 'audience' as Role, clientId })), name, data);

const options = (n: number, ids: readonly string[] = OPTION_IDS) => ids.slice(0, n).map((id) => ({ id, label: `Label ${id}` }));

/** P28 timers: mostly none, some short enough to run out inside a generated log. */
const duration = fc.option(fc.constantFrom(1_000, 2_500, 60_000), { nil: undefined, freq: 2 });

export const arbPollCreate = host(
  'poll.create',
  fc.record({ pollId: fc.constantFrom(...POLL_IDS), kind: fc.constantFrom('single', 'multiple', 'rating', 'wordcloud'), n: fc.integer({ min: 2, max: 4 }), durationMs: duration }).map(
    ({ pollId, kind, n, durationMs }) => ({
      ...(kind === 'wordcloud' ? { pollId, question: 'Say a word', kind } : { pollId, question: `Pick (${kind})`, kind, options: options(n) }),
      ...(durationMs === undefined ? {} : { durationMs }),
    }),
  ),
);

/** P28 edits: any subset of the fields, some of which do not fit the poll's kind or status. */
export const arbPollUpdate = host(
  'poll.update',
  fc.record(
    {
      pollId: fc.constantFrom(...POLL_IDS),
      question: fc.constantFrom('Edited?', 'Pick again'),
      kind: fc.constantFrom('single', 'multiple', 'rating', 'wordcloud'),
      options: fc.integer({ min: 2, max: 4 }).map((n) => options(n)),
      durationMs: fc.constantFrom(1_000, 5_000, null),
    },
    { requiredKeys: ['pollId'] },
  ),
);

export const arbQuizUpdate = host(
  'quiz.update',
  fc.record({ quizId: fc.constantFrom(...QUIZ_IDS), title: fc.constantFrom('Renamed'), autoReveal: fc.boolean() }, { requiredKeys: ['quizId'] }),
);

const ALL_CUE_IDS = [...POLL_IDS, ...QUIZ_IDS, 'nope'];
export const arbCueOrder = host('cue.order', fc.record({ order: fc.subarray(ALL_CUE_IDS).chain((ids) => fc.shuffledSubarray(ids)) }));

export const arbVote = aud(
  'vote.cast',
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ pollId: fc.constantFrom(...POLL_IDS), optionIds: fc.constantFrom(...OPTION_IDS.slice(0, 2)).map((o) => [o]) }) },
    { weight: 2, arbitrary: fc.record({ pollId: fc.constantFrom(...POLL_IDS), optionIds: fc.array(fc.constantFrom(...OPTION_IDS, 'o9'), { minLength: 1, maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ pollId: fc.constantFrom(...POLL_IDS), text: fc.constantFrom(...WORDS, '  Hello ') }) },
  ),
);

const quizQuestion = (id: string) =>
  fc.record({
    correct: fc.constantFrom(...QUIZ_OPTION_IDS),
    timeLimitMs: fc.integer({ min: 1_000, max: 6_000 }),
    points: fc.integer({ min: 0, max: 1_000 }),
  }).map(({ correct, timeLimitMs, points }) => ({ id, prompt: `Prompt ${id}`, options: options(3, QUIZ_OPTION_IDS), correctOptionId: correct, timeLimitMs, points }));

export const arbQuizCreate = host(
  'quiz.create',
  fc.record({
    quizId: fc.constantFrom(...QUIZ_IDS),
    questions: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...QUIZ_QUESTION_IDS.slice(0, n).map(quizQuestion))),
    autoReveal: fc.option(fc.boolean(), { nil: undefined }),
  }).map(({ quizId, questions, autoReveal }) => ({ quizId, title: `Quiz ${quizId}`, questions, ...(autoReveal === undefined ? {} : { autoReveal }) })),
);

export const arbQuizAnswer = fc
  .record({
    cmd: aud(
      'quiz.answer',
      fc.record({
        quizId: fc.constantFrom(QUIZ_IDS[0], QUIZ_IDS[0], QUIZ_IDS[0], QUIZ_IDS[1]),
        questionId: fc.constantFrom('zq1', 'zq1', 'zq2', 'zq3'),
        optionId: fc.constantFrom(...QUIZ_OPTION_IDS, 'x'),
      }),
    ),
    rttMs: fc.option(fc.integer({ min: 0, max: 4_000 }), { nil: undefined }),
  })
  .map(({ cmd, rttMs }) => (rttMs === undefined ? cmd : { ...cmd, rttMs }));

const settings = fc.record(
  {
    moderation: fc.constantFrom('pre', 'post'),
    anonymousQuestions: fc.boolean(),
    chat: fc.constantFrom('on', 'off'),
    reactions: fc.subarray([...EMOJI]),
    wordFilter: fc.constantFrom('flag', 'off'),
    filterWords: fc.subarray(['talk', 'big data', 'w00t']),
  },
  { requiredKeys: [] },
);

/** Anything at all under any name: the reducer must refuse it without throwing. */
export const arbOddCmd: fc.Arbitrary<Cmd> = fc.record({
  name: fc.constantFrom('nope', 'constructor', '__proto__', 'hub.presence', 'vote.cast', 'quiz.create', 'event.update', 'chat.send'),
  data: fc.anything(),
  clientId: fc.constantFrom(...CLIENT_IDS, HUB_CLIENT_ID),
  role: fc.constantFrom<Role>('host', 'moderator', 'producer', 'audience'),
  dt,
});

/** Any section-6 message (or hub entry) with plausible data, weighted toward the busy ones. */
export const arbCmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 2, arbitrary: host('event.update', fc.record({ title: fc.constantFrom('Keynote', 'AMA'), status: fc.constantFrom('scheduled', 'live', 'ended'), settings }, { requiredKeys: [] })) },
  { weight: 2, arbitrary: arbPollCreate },
  { weight: 3, arbitrary: host('poll.open', fc.record({ pollId: fc.constantFrom(...POLL_IDS) })) },
  { weight: 1, arbitrary: host('poll.close', fc.record({ pollId: fc.constantFrom(...POLL_IDS) })) },
  { weight: 2, arbitrary: host('poll.reveal', fc.record({ pollId: fc.constantFrom(...POLL_IDS), visible: fc.boolean() })) },
  { weight: 2, arbitrary: arbPollUpdate },
  { weight: 1, arbitrary: host('poll.delete', fc.record({ pollId: fc.constantFrom(...POLL_IDS) })) },
  { weight: 1, arbitrary: arbQuizUpdate },
  { weight: 1, arbitrary: host('quiz.delete', fc.record({ quizId: fc.constantFrom(...QUIZ_IDS) })) },
  { weight: 2, arbitrary: arbCueOrder },
  { weight: 8, arbitrary: arbVote },
  { weight: 4, arbitrary: aud('question.ask', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS), text, anonymous: fc.boolean() }, { requiredKeys: ['questionId', 'text'] })) },
  { weight: 3, arbitrary: aud('question.upvote', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS) })) },
  { weight: 1, arbitrary: aud('question.unvote', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS) })) },
  { weight: 3, arbitrary: team('question.moderate', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS), status: fc.constantFrom('pending', 'approved', 'rejected', 'answered', 'archived') })) },
  { weight: 1, arbitrary: team('question.pin', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS), pinned: fc.boolean() })) },
  { weight: 1, arbitrary: team('question.assign', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS), to: fc.constantFrom(STAFF_IDS.host, STAFF_IDS.moderator, null) })) },
  { weight: 2, arbitrary: arbQuizCreate },
  { weight: 3, arbitrary: host('quiz.next', fc.record({ quizId: fc.constantFrom(...QUIZ_IDS) })) },
  { weight: 8, arbitrary: arbQuizAnswer },
  { weight: 2, arbitrary: host('quiz.reveal', fc.record({ quizId: fc.constantFrom(...QUIZ_IDS) })) },
  { weight: 1, arbitrary: host('quiz.end', fc.record({ quizId: fc.constantFrom(...QUIZ_IDS) })) },
  { weight: 3, arbitrary: aud('reaction.send', fc.record({ emoji: fc.constantFrom(...EMOJI) })) },
  { weight: 2, arbitrary: by(fc.oneof(staff('host', 'moderator'), audience.map((clientId) => ({ role: 'audience' as Role, clientId }))), 'chat.send', fc.record({ messageId: fc.constantFrom(...MESSAGE_IDS), text })) },
  { weight: 1, arbitrary: team('chat.delete', fc.record({ messageId: fc.constantFrom(...MESSAGE_IDS) })) },
  { weight: 1, arbitrary: fc.record({ online: fc.integer({ min: 0, max: 40 }), dt }).map(({ online, dt: t }) => ({ name: 'hub.presence', data: { online }, clientId: HUB_CLIENT_ID, role: 'host' as Role, dt: t })) },
  { weight: 1, arbitrary: arbOddCmd },
);

/**
 * Sets the stage so the random part has something to act on: settings, every poll created (most
 * opened), a running quiz, a few questions.
 */
const arbPrelude: fc.Arbitrary<Cmd[]> = fc
  .tuple(
    host('event.update', fc.record({ status: fc.constant('live'), settings }, { requiredKeys: ['status'] })),
    fc.tuple(...POLL_IDS.map((pollId) => arbPollCreate.map((c) => ({ ...c, data: { ...(c.data as object), pollId } })))),
    fc.subarray([...POLL_IDS], { minLength: 1 }).chain((ids) => fc.tuple(...ids.map((pollId) => host('poll.open', fc.constant({ pollId }))))),
    arbQuizCreate.map((c) => ({ ...c, data: { ...(c.data as object), quizId: QUIZ_IDS[0] } })),
    host('quiz.next', fc.constant({ quizId: QUIZ_IDS[0] })),
    fc.array(aud('question.ask', fc.record({ questionId: fc.constantFrom(...QUESTION_IDS), text })), { minLength: 1, maxLength: 3 }),
  )
  .map(([update, creates, opens, quiz, next, asks]) => [update, ...creates, ...opens, quiz, next, ...asks]);

export const START_TS = 1_800_000_000_000;

/** Gives commands serials from 1 and a hub clock that only moves forward. */
export function toLog(cmds: readonly Cmd[], startTs = START_TS): LogEntry[] {
  let ts = startTs;
  return cmds.map((c, i) => {
    ts += c.dt;
    const entry: LogEntry = { serial: i + 1, ts, clientId: c.clientId, role: c.role, author: NAMES[c.clientId] ?? null, id: c.id ?? `id-${i + 1}`, name: c.name, data: c.data };
    if (c.rttMs !== undefined) entry.rttMs = c.rttMs;
    return entry;
  });
}

/** A random log of up to `maxLength` (+ prelude) entries. */
export const arbLog = (maxLength = 60): fc.Arbitrary<LogEntry[]> =>
  fc.tuple(arbPrelude, fc.array(arbCmd, { minLength: Math.floor(maxLength / 3), maxLength })).map(([a, b]) => toLog([...a, ...b]));

export const META = { eventId: 'evt-1', title: 'Test event', createdAt: START_TS };
export const freshState = (): EventState => initialState(META);

/** Folds `entries` from `from` (default: a fresh state), returning every intermediate state. */
export function foldLog(entries: readonly LogEntry[], from: EventState = freshState()): EventState[] {
  const states = [from];
  for (const e of entries) states.push(apply(states[states.length - 1] as EventState, e).state);
  return states;
}

export const finalState = (entries: readonly LogEntry[], from?: EventState): EventState => foldLog(entries, from).at(-1) as EventState;

/** Hand-written entries for example tests: `log.host('poll.open', {...})`, `log.aud('cid-aud-ann', 'vote.cast', {...})`. */
export class LogBuilder {
  serial = 0;
  ts = START_TS;
  entry(clientId: string, role: Role, name: string, data: unknown, extra: Partial<LogEntry> = {}): LogEntry {
    this.serial++;
    return { serial: this.serial, ts: this.ts, clientId, role, author: NAMES[clientId] ?? null, id: `id-${this.serial}`, name, data, ...extra };
  }
  host(name: string, data: unknown, extra?: Partial<LogEntry>): LogEntry {
    return this.entry(STAFF_IDS.host, 'host', name, data, extra);
  }
  mod(name: string, data: unknown): LogEntry {
    return this.entry(STAFF_IDS.moderator, 'moderator', name, data);
  }
  aud(clientId: string, name: string, data: unknown, extra?: Partial<LogEntry>): LogEntry {
    return this.entry(clientId, 'audience', name, data, extra);
  }
  hub(name: string, data: unknown, id?: string): LogEntry {
    return this.entry(HUB_CLIENT_ID, 'host', name, data, id === undefined ? {} : { id });
  }
  /** Moves the hub clock. */
  advance(ms: number): this {
    this.ts += ms;
    return this;
  }
}

/** Applies entries one by one, keeping the outcome of each: a tiny stateful harness for example tests. */
export class Folder {
  state: EventState;
  constructor(from: EventState = freshState()) {
    this.state = from;
  }
  /** Applies and returns `true` or the refusal reason. */
  push(entry: LogEntry): true | string {
    const r = apply(this.state, entry);
    this.state = r.state;
    return r.applied ? true : r.reason;
  }
  pushAll(entries: readonly LogEntry[]): Array<true | string> {
    return entries.map((e) => this.push(e));
  }
}
