/** quiz.create / update / delete / next / answer / reveal / end (PROTOCOL.md sections 6 and 9). */
import { asData, isBool, isId, isText, type Data } from './data-guards';
import { getOwn, setOwn } from './own';
import { emptyMap, pdelete, pforEach, pget, pset } from './pmap';
import { parseOptions } from './polls';
import { no, ok, type Handler, type Result } from './result';
import { cueExists, withCueLast, withoutCue } from './run-of-show';
import { HUB_CLIENT_ID, type EventState, type QuizPlayer, type QuizState } from './state';
import type { QuizQuestionView } from './types';

/** Half the RTT is forgiven, up to this much RTT (a 10 s RTT must not buy 5 s). */
export const MAX_RTT_MS = 2_000;
export const MAX_STREAK_BONUS_STEPS = 5;

/**
 * When the answer counts as given: the hub's receive time less half the connection's median RTT
 * (stamped by the hub), never before the question opened.
 */
export function effectiveTime(ts: number, rttMs: number | undefined, openedAt: number): number {
  const rtt = typeof rttMs === 'number' && Number.isFinite(rttMs) && rttMs > 0 ? Math.min(rttMs, MAX_RTT_MS) : 0;
  return Math.max(openedAt, ts - rtt / 2);
}

/** Full points at once, half at the deadline; monotone non-increasing in `elapsedMs`, within [0, points]. */
export function answerScore(points: number, timeLimitMs: number, elapsedMs: number): number {
  const raw = Math.round(points * (1 - (0.5 * elapsedMs) / timeLimitMs));
  return Math.min(points, Math.max(0, raw));
}

/** Added to the leaderboard score for the `streak`-th consecutive correct answer. */
export const streakBonus = (points: number, streak: number): number =>
  Math.min(Math.max(streak - 1, 0), MAX_STREAK_BONUS_STEPS) * Math.round(points * 0.1);

const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function parseQuestions(v: unknown): QuizQuestionView[] | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const out: QuizQuestionView[] = [];
  for (const raw of v) {
    const q = asData(raw);
    const options = q ? parseOptions(q.options) : null;
    if (!q || !options || options.length < 2 || !isId(q.id) || !isText(q.prompt)) return null;
    const { correctOptionId, timeLimitMs, points } = q;
    if (!isId(correctOptionId) || !options.some((o) => o.id === correctOptionId)) return null;
    if (!isPositive(timeLimitMs) || !isNonNegative(points)) return null;
    out.push({ id: q.id, prompt: q.prompt, options, correctOptionId, timeLimitMs, points, revealed: false });
  }
  return out;
}

const withQuiz = (s: EventState, quiz: QuizState): EventState => ({ ...s, quizzes: pset(s.quizzes, quiz.id, quiz) });

function findQuiz(s: EventState, d: Data): QuizState | string {
  if (!isId(d.quizId)) return 'invalid';
  return pget(s.quizzes, d.quizId) ?? 'unknown_quiz';
}

/** The id the hub gives the reveal it appends for an auto-revealing quiz (P28): one per opened question. */
export const hubRevealId = (quizId: string, questionSerial: number): string => `reveal:${quizId}:${questionSerial}`;

export const quizCreate: Handler = (s, _e, d) => {
  const questions = parseQuestions(d.questions);
  if (!isId(d.quizId) || !isText(d.title) || !questions) return no(s, 'invalid');
  if (d.autoReveal !== undefined && !isBool(d.autoReveal)) return no(s, 'invalid');
  if (cueExists(s, d.quizId)) return no(s, 'duplicate_id');
  const quiz: QuizState = {
    id: d.quizId,
    title: d.title,
    status: 'draft',
    questions,
    currentIndex: null,
    current: null,
    answers: emptyMap(),
    players: emptyMap(),
    startedSerial: null,
    autoReveal: d.autoReveal === true,
    currentSerial: null,
  };
  return ok({ ...withQuiz(s, quiz), order: withCueLast(s, quiz.id) });
};

/** P28: title, questions and auto-reveal, only while draft. */
export const quizUpdate: Handler = (s, _e, d) => {
  const quiz = findQuiz(s, d);
  if (typeof quiz === 'string') return no(s, quiz);
  const title = d.title === undefined ? quiz.title : d.title;
  const questions = d.questions === undefined ? quiz.questions : parseQuestions(d.questions);
  const autoReveal = d.autoReveal === undefined ? quiz.autoReveal : d.autoReveal;
  if (!isText(title) || !questions || !isBool(autoReveal)) return no(s, 'invalid');
  if (quiz.status !== 'draft') return no(s, 'not_draft');
  if (d.title === undefined && d.questions === undefined && d.autoReveal === undefined) return no(s, 'no_change');
  return ok(withQuiz(s, { ...quiz, title, questions, autoReveal }));
};

/** P28: the quiz leaves every view; its answers stay in the log. */
export const quizDelete: Handler = (s, _e, d) => {
  const quiz = findQuiz(s, d);
  if (typeof quiz === 'string') return no(s, quiz);
  return ok({ ...s, quizzes: pdelete(s.quizzes, quiz.id), order: withoutCue(s, quiz.id) });
};

/**
 * Reveals the current question: closes it, publishes its distribution, and folds its answers
 * into scores and streaks (which only now become visible). A player who did not answer it
 * loses their streak.
 */
function settle(quiz: QuizState, ts: number): QuizState {
  const cur = quiz.current;
  const index = quiz.currentIndex;
  const question = index === null ? undefined : quiz.questions[index];
  if (!cur || cur.revealed || index === null || !question) return quiz;
  const distribution: Record<string, number> = {};
  for (const o of question.options) setOwn(distribution, o.id, 0);
  let players = quiz.players;
  pforEach(quiz.answers, (a, clientId) => {
    setOwn(distribution, a.optionId, (getOwn(distribution, a.optionId) ?? 0) + 1);
    const before = pget(players, clientId);
    const correct = a.optionId === question.correctOptionId;
    const streak = correct ? (before?.streak ?? 0) + 1 : 0;
    const bonus = correct ? streakBonus(question.points, streak) : 0;
    players = pset(players, clientId, { name: a.name, score: (before?.score ?? 0) + a.score + bonus, streak });
  });
  pforEach(quiz.players, (p: QuizPlayer, clientId) => {
    if (p.streak > 0 && !pget(quiz.answers, clientId)) players = pset(players, clientId, { ...p, streak: 0 });
  });
  const questions = quiz.questions.slice();
  questions[index] = { ...question, revealed: true };
  return {
    ...quiz,
    questions,
    current: { ...cur, closesAt: Math.min(cur.closesAt, ts), revealed: true, distribution },
    players,
  };
}

/** Opens the next question; an unrevealed current question is revealed first, so no answer is lost. */
export const quizNext: Handler = (s, e, d) => {
  const found = findQuiz(s, d);
  if (typeof found === 'string') return no(s, found);
  if (found.status === 'ended') return no(s, 'quiz_ended');
  const index = (found.currentIndex ?? -1) + 1;
  const question = found.questions[index];
  if (!question) return no(s, 'no_more_questions');
  const quiz = settle(found, e.ts);
  return ok(
    withQuiz(s, {
      ...quiz,
      status: 'running',
      currentIndex: index,
      current: {
        questionId: question.id,
        openedAt: e.ts,
        closesAt: e.ts + question.timeLimitMs,
        answers: 0,
        revealed: false,
        distribution: null,
      },
      answers: emptyMap(),
      startedSerial: quiz.startedSerial ?? e.serial,
      currentSerial: e.serial,
    }),
  );
};

/** First answer counts; none after closesAt (on the lag-compensated clock); scored now, counted at reveal. */
export const quizAnswer: Handler = (s, e, d) => {
  const quiz = findQuiz(s, d);
  if (typeof quiz === 'string') return no(s, quiz);
  if (!isId(d.questionId) || !isId(d.optionId)) return no(s, 'invalid');
  if (!quiz.questions.some((q) => q.id === d.questionId)) return no(s, 'unknown_question');
  const cur = quiz.current;
  const question = quiz.currentIndex === null ? undefined : quiz.questions[quiz.currentIndex];
  if (quiz.status !== 'running' || !cur || !question || cur.revealed || cur.questionId !== d.questionId) return no(s, 'quiz_closed');
  const optionId = d.optionId;
  if (!question.options.some((o) => o.id === optionId)) return no(s, 'bad_option');
  if (pget(quiz.answers, e.clientId)) return no(s, 'already_answered');
  // P30: a stream viewer sees the question `streamDelayMs` late, so its clock starts (and stops) that much later.
  const delay = e.watching === 'stream' ? s.event.settings.streamDelayMs : 0;
  const openedAt = cur.openedAt + delay;
  const at = effectiveTime(e.ts, e.rttMs, openedAt);
  if (at > cur.closesAt + delay) return no(s, 'quiz_closed');
  const score = optionId === question.correctOptionId ? answerScore(question.points, question.timeLimitMs, at - openedAt) : 0;
  return ok(
    withQuiz(s, {
      ...quiz,
      current: { ...cur, answers: cur.answers + 1 },
      answers: pset(quiz.answers, e.clientId, { optionId, score, name: e.author ?? 'Guest' }),
    }),
  );
};

export const quizReveal: Handler = (s, e, d) => {
  const quiz = findQuiz(s, d);
  if (typeof quiz === 'string') return no(s, quiz);
  if (!quiz.current || quiz.current.revealed) return no(s, 'nothing_to_reveal');
  // The hub's own reveal counts only for the question it was set for.
  if (e.clientId === HUB_CLIENT_ID && (quiz.currentSerial === null || e.id !== hubRevealId(quiz.id, quiz.currentSerial))) return no(s, 'stale_timer');
  return ok(withQuiz(s, settle(quiz, e.ts)));
};

/** Ends the quiz, revealing a question still open so its answers count. */
export const quizEnd: Handler = (s, e, d): Result => {
  const quiz = findQuiz(s, d);
  if (typeof quiz === 'string') return no(s, quiz);
  if (quiz.status === 'ended') return no(s, 'quiz_ended');
  return ok(withQuiz(s, { ...settle(quiz, e.ts), status: 'ended' }));
};

/** P29: ending the event ends every running quiz in the same entry (an open question is revealed, so its answers count). */
export function endAllQuizzes(s: EventState, ts: number): EventState {
  let quizzes = s.quizzes;
  for (const id of s.order) {
    const q = pget(quizzes, id);
    if (q?.status === 'running') quizzes = pset(quizzes, id, { ...settle(q, ts), status: 'ended' });
  }
  return quizzes === s.quizzes ? s : { ...s, quizzes };
}
