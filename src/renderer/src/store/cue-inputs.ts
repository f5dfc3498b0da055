/** What the Run-of-show editors produce, and how it becomes `poll.create` / `quiz.create` data. */
import type { MessageData } from '../../../shared/protocol/messages';
import type { LeaderboardRowStaff, PollKind, PollView, QuizView } from '../../../shared/domain/types';
import { newId } from '../lib/ids';

export interface PollInput {
  question: string;
  kind: PollKind;
  /** Labels: choices for single/multiple, scale points for rating, none for a word cloud. */
  options: string[];
  /** P28 timer: the poll closes by itself this many seconds after it opens; null = no timer. */
  durationSec?: number | null;
}

export interface QuizQuestionInput {
  prompt: string;
  options: string[];
  /** null until the host marks one: nothing is pre-marked (issue 14.6). */
  correctIndex: number | null;
  timeLimitSec: number;
  points: number;
}

export interface QuizInput {
  title: string;
  questions: QuizQuestionInput[];
  /** P28: the hub reveals each question when its time is up. */
  autoReveal?: boolean;
}

const labels = (options: readonly string[]): string[] => options.map((o) => o.trim()).filter((o) => o.length > 0);

const optionData = (input: PollInput) => labels(input.options).map((label, i) => ({ id: `o${i + 1}`, label }));
const durationMs = (input: PollInput): number | null => (input.durationSec ? Math.round(input.durationSec * 1000) : null);

export function pollData(input: PollInput): MessageData<'poll.create'> {
  const data: MessageData<'poll.create'> = { pollId: newId('poll'), question: input.question.trim(), kind: input.kind };
  if (input.kind !== 'wordcloud') data.options = optionData(input);
  const ms = durationMs(input);
  if (ms !== null) data.durationMs = ms;
  return data;
}

/** The editor's fields for an existing poll (edit, duplicate). */
export const pollInputOf = (p: PollView): PollInput => ({
  question: p.question,
  kind: p.kind,
  options: p.options.map((o) => o.label),
  durationSec: p.durationMs === null ? null : p.durationMs / 1000,
});

/** `poll.update` with only what changed (P28: only the question once the poll is not a draft); null when nothing did. */
export function pollUpdateData(p: PollView, input: PollInput): MessageData<'poll.update'> | null {
  const data: MessageData<'poll.update'> = { pollId: p.id };
  const question = input.question.trim();
  if (question !== p.question) data.question = question;
  if (p.status === 'draft') {
    if (input.kind !== p.kind) data.kind = input.kind;
    const options = input.kind === 'wordcloud' ? [] : optionData(input);
    const same = options.length === p.options.length && options.every((o, i) => o.label === p.options[i]?.label);
    if (!same || (data.kind && input.kind !== 'wordcloud')) data.options = options;
    if (input.kind === 'wordcloud') delete data.options;
    const ms = durationMs(input);
    if (ms !== p.durationMs) data.durationMs = ms;
  }
  return Object.keys(data).length > 1 ? data : null;
}

export const quizInputOf = (q: QuizView<LeaderboardRowStaff>): QuizInput => ({
  title: q.title,
  autoReveal: q.autoReveal,
  questions: q.questions.map((x) => ({
    prompt: x.prompt,
    options: x.options.map((o) => o.label),
    correctIndex: Math.max(0, x.options.findIndex((o) => o.id === x.correctOptionId)),
    timeLimitSec: x.timeLimitMs / 1000,
    points: x.points,
  })),
});

export function quizData(input: QuizInput): MessageData<'quiz.create'> {
  return {
    quizId: newId('quiz'),
    title: input.title.trim(),
    ...(input.autoReveal ? { autoReveal: true } : {}),
    questions: input.questions.map((q, qi) => {
      // Blank options are dropped, so the correct one is found by its original position.
      const kept = q.options.map((label, at) => ({ label: label.trim(), at })).filter((o) => o.label.length > 0);
      const options = kept.map((o, i) => ({ id: `o${i + 1}`, label: o.label }));
      const correct = kept.findIndex((o) => o.at === q.correctIndex);
      return {
        id: `q${qi + 1}`,
        prompt: q.prompt.trim(),
        options,
        correctOptionId: options[Math.max(0, correct)]?.id ?? 'o1',
        timeLimitMs: Math.round(q.timeLimitSec * 1000),
        points: Math.round(q.points),
      };
    }),
  };
}

/** A human message when the input cannot be sent (the hub would refuse it anyway), else null. */
export function pollProblem(input: PollInput): string | null {
  if (!input.question.trim()) return 'Write the question.';
  if (input.question.trim().length > 500) return 'The question is longer than 500 characters.';
  const n = labels(input.options).length;
  if (input.kind !== 'wordcloud' && (n < 2 || n > 10)) return input.kind === 'rating' ? 'A rating needs 2-10 scale points.' : 'Give 2-10 options.';
  if (new Set(labels(input.options)).size !== n && input.kind !== 'wordcloud') return 'Two options have the same text.';
  const d = input.durationSec;
  if (d !== null && d !== undefined && !(d >= 1 && d <= 3600)) return 'The timer is 1-3600 seconds (or none).';
  return null;
}

export function quizProblem(input: QuizInput): string | null {
  if (!input.title.trim()) return 'Give the quiz a title.';
  if (input.questions.length === 0) return 'Add at least one question.';
  for (const [i, q] of input.questions.entries()) {
    const n = labels(q.options).length;
    if (!q.prompt.trim()) return `Question ${i + 1}: write the prompt.`;
    if (n < 2 || n > 10) return `Question ${i + 1}: give 2-10 options.`;
    if (q.correctIndex === null) return `Question ${i + 1}: mark the correct answer.`;
    if (!q.options[q.correctIndex]?.trim()) return `Question ${i + 1}: mark a correct option that has text.`;
    if (!(q.timeLimitSec >= 1 && q.timeLimitSec <= 600)) return `Question ${i + 1}: the time limit is 1-600 seconds.`;
    if (!(q.points >= 0 && q.points <= 100_000)) return `Question ${i + 1}: points are 0-100000.`;
  }
  return null;
}
