/**
 * The `pub` messages of PROTOCOL.md section 6: who may send each, and its `data` schema.
 * Data schemas are strict: unknown fields are refused, so a typo never silently does nothing.
 */
import { z } from 'zod';
import { CHAT_TEXT_MAX, MAX_STREAM_DELAY_MS } from './limits';
import type { Role } from './roles';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().min(1).max(max);
const Option = z.strictObject({ id: Id, label: z.string().trim().min(1).max(200) });

export const EventSettings = z.strictObject({
  moderation: z.enum(['pre', 'post']).optional(),
  anonymousQuestions: z.boolean().optional(),
  chat: z.enum(['on', 'off']).optional(),
  reactions: z.array(z.string().min(1).max(16)).max(8).optional(),
  wordFilter: z.enum(['flag', 'off']).optional(),
  /** Extra words for the filter (docs/protocol-notes.md): added to the built-in list. */
  filterWords: z.array(z.string().trim().min(1).max(40)).max(500).optional(),
  /** P30: how far the stream the remote audience watches runs behind the room. */
  streamDelayMs: z.number().int().min(0).max(MAX_STREAM_DELAY_MS).optional(),
});
export type EventSettings = z.infer<typeof EventSettings>;

const QuizQuestion = z
  .strictObject({
    id: Id,
    prompt: Text(500),
    options: z.array(Option).min(2).max(10),
    correctOptionId: Id,
    timeLimitMs: z.number().int().min(1_000).max(600_000),
    points: z.number().int().min(0).max(100_000),
  })
  .refine((q) => q.options.some((o) => o.id === q.correctOptionId), { message: 'correctOptionId must name one of the options' })
  .refine((q) => new Set(q.options.map((o) => o.id)).size === q.options.length, { message: 'option ids must be unique' });

/** P28: a cue's timer, 1 s to 1 h. */
export const DURATION_MS = { min: 1_000, max: 3_600_000 } as const;
const Duration = z.number().int().min(DURATION_MS.min).max(DURATION_MS.max);
const PollKind = z.enum(['single', 'multiple', 'rating', 'wordcloud']);

/** Options fit the kind: none for a word cloud, 2-10 otherwise, ids unique. */
function checkPollShape(kind: z.infer<typeof PollKind>, options: ReadonlyArray<{ id: string }> | undefined, ctx: z.RefinementCtx): void {
  const n = options?.length ?? 0;
  if (kind === 'wordcloud' && n > 0) ctx.addIssue({ code: 'custom', message: 'a word cloud has no options' });
  if ((kind === 'single' || kind === 'multiple') && (n < 2 || n > 10)) ctx.addIssue({ code: 'custom', message: `${kind} polls need 2-10 options` });
  if (kind === 'rating' && (n < 2 || n > 10)) ctx.addIssue({ code: 'custom', message: 'rating polls need 2-10 scale points' });
  if (options && new Set(options.map((o) => o.id)).size !== n) ctx.addIssue({ code: 'custom', message: 'option ids must be unique' });
}

const PollCreate = z
  .strictObject({
    pollId: Id,
    question: Text(500),
    kind: PollKind,
    options: z.array(Option).max(10).optional(),
    durationMs: Duration.optional(),
  })
  .superRefine((p, ctx) => checkPollShape(p.kind, p.options, ctx));

/**
 * P28. Only the given fields change; `durationMs: null` removes the timer (docs/protocol-notes.md).
 * With `kind` the options are checked against it here; without it the reducer checks them
 * against the poll's current kind.
 */
const PollUpdate = z
  .strictObject({
    pollId: Id,
    question: Text(500).optional(),
    kind: PollKind.optional(),
    options: z.array(Option).max(10).optional(),
    durationMs: Duration.nullable().optional(),
  })
  .superRefine((p, ctx) => {
    if (p.kind && (p.kind !== 'wordcloud' || p.options)) checkPollShape(p.kind, p.options ?? (p.kind === 'wordcloud' ? [] : undefined), ctx);
    else if (p.options && new Set(p.options.map((o) => o.id)).size !== p.options.length) ctx.addIssue({ code: 'custom', message: 'option ids must be unique' });
  });

/** P28: at most this many ids in one `cue.order`. */
export const MAX_ORDER_IDS = 1_000;

const VoteCast = z.union([
  z.strictObject({ pollId: Id, optionIds: z.array(Id).min(1).max(10) }),
  z.strictObject({ pollId: Id, text: Text(40) }),
]);

/** name → data schema. */
export const MessageSchemas = {
  'event.update': z.strictObject({
    title: Text(200).optional(),
    status: z.enum(['scheduled', 'live', 'ended']).optional(),
    settings: EventSettings.optional(),
  }),
  'poll.create': PollCreate,
  'poll.update': PollUpdate,
  'poll.delete': z.strictObject({ pollId: Id }),
  'cue.order': z.strictObject({ order: z.array(Id).max(MAX_ORDER_IDS) }),
  'poll.open': z.strictObject({ pollId: Id }),
  'poll.close': z.strictObject({ pollId: Id }),
  'poll.reveal': z.strictObject({ pollId: Id, visible: z.boolean() }),
  'vote.cast': VoteCast,
  'question.ask': z.strictObject({ questionId: Id, text: Text(500), anonymous: z.boolean().optional() }),
  'question.upvote': z.strictObject({ questionId: Id }),
  'question.unvote': z.strictObject({ questionId: Id }),
  'question.moderate': z.strictObject({
    questionId: Id,
    status: z.enum(['pending', 'approved', 'rejected', 'answered', 'archived']),
  }),
  'question.pin': z.strictObject({ questionId: Id, pinned: z.boolean() }),
  'question.assign': z.strictObject({ questionId: Id, to: Id.nullable() }),
  'quiz.create': z.strictObject({
    quizId: Id,
    title: Text(200),
    questions: z.array(QuizQuestion).min(1).max(100),
    autoReveal: z.boolean().optional(),
  }),
  'quiz.update': z.strictObject({
    quizId: Id,
    title: Text(200).optional(),
    questions: z.array(QuizQuestion).min(1).max(100).optional(),
    autoReveal: z.boolean().optional(),
  }),
  'quiz.delete': z.strictObject({ quizId: Id }),
  'quiz.next': z.strictObject({ quizId: Id }),
  'quiz.answer': z.strictObject({ quizId: Id, questionId: Id, optionId: Id }),
  'quiz.reveal': z.strictObject({ quizId: Id }),
  'quiz.end': z.strictObject({ quizId: Id }),
  'reaction.send': z.strictObject({ emoji: z.string().min(1).max(16) }),
  'chat.send': z.strictObject({ messageId: Id, text: Text(CHAT_TEXT_MAX) }),
  'chat.delete': z.strictObject({ messageId: Id }),
} as const;

export type MessageName = keyof typeof MessageSchemas;
export type MessageData<N extends MessageName> = z.infer<(typeof MessageSchemas)[N]>;
export const MESSAGE_NAMES = Object.keys(MessageSchemas) as MessageName[];

/** PROTOCOL.md section 6, the roles column. */
export const MessageRoles: Record<MessageName, readonly Role[]> = {
  'event.update': ['host'],
  'poll.create': ['host'],
  'poll.update': ['host'],
  'poll.delete': ['host'],
  'cue.order': ['host'],
  'poll.open': ['host'],
  'poll.close': ['host'],
  'poll.reveal': ['host'],
  'vote.cast': ['audience'],
  'question.ask': ['audience'],
  'question.upvote': ['audience'],
  'question.unvote': ['audience'],
  'question.moderate': ['host', 'moderator'],
  'question.pin': ['host', 'moderator'],
  'question.assign': ['host', 'moderator'],
  'quiz.create': ['host'],
  'quiz.update': ['host'],
  'quiz.delete': ['host'],
  'quiz.next': ['host'],
  'quiz.answer': ['audience'],
  'quiz.reveal': ['host'],
  'quiz.end': ['host'],
  'reaction.send': ['audience'],
  'chat.send': ['audience', 'host', 'moderator'],
  'chat.delete': ['host', 'moderator'],
};

export const isMessageName = (name: string): name is MessageName => Object.hasOwn(MessageSchemas, name);

export type PubCheck =
  | { ok: true; name: MessageName; data: unknown }
  | { ok: false; code: 'forbidden' | 'invalid'; message: string };

/** P12/P13: may `role` publish `name`, and is `data` well-formed? Never throws. */
export function checkPub(role: Role, name: string, data: unknown): PubCheck {
  if (!isMessageName(name)) return { ok: false, code: 'invalid', message: `unknown message name "${name.slice(0, 64)}"` };
  if (!MessageRoles[name].includes(role)) return { ok: false, code: 'forbidden', message: `role ${role} may not publish ${name}` };
  const parsed = MessageSchemas[name].safeParse(data);
  if (!parsed.success) return { ok: false, code: 'invalid', message: `${name}: ${summariseIssues(parsed.error)}` };
  return { ok: true, name, data: parsed.data };
}

export function summariseIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
