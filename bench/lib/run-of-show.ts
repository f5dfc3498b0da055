/**
 * A scripted host for simulator runs: chat on a steady beat, a new poll every `pollEveryMs`
 * (the previous one closed), and a quiz question every `quizEveryMs`, so a simulated audience
 * has something to vote on, answer, and watch.
 */
import { runSimulation, type SimProgress, type SimReport } from '../../src/simulator';
import type { StaffClient } from './staff-client';

/** Drops per attendee per minute: a phone losing its socket every 5 minutes or so. */
export const DROP_RATE = 0.2;

/** The benches' simulated audience: `audience` lively attendees in 2 worker threads, dropping at DROP_RATE, for `durationS` once all joined. */
export function livelyAudience(hubUrl: string, code: string, audience: number, durationS: number, onProgress: (p: SimProgress) => void): Promise<SimReport> {
  return runSimulation({ hubs: [hubUrl], code, audience, profile: 'lively', durationS, dropRate: DROP_RATE, workers: 2, seed: audience, onProgress });
}

export interface RunOfShowOptions {
  chatEveryMs: number;
  pollEveryMs: number;
  quizEveryMs: number;
  signal: AbortSignal;
}

export interface RunOfShowResult {
  polls: string[];
  chats: number;
  quizQuestions: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export async function runOfShow(host: StaffClient, o: RunOfShowOptions): Promise<RunOfShowResult> {
  const out: RunOfShowResult = { polls: [], chats: 0, quizQuestions: 0 };
  const kinds = ['single', 'multiple', 'rating', 'wordcloud'] as const;
  const options = [{ id: 'a', label: 'Alpha' }, { id: 'b', label: 'Beta' }, { id: 'c', label: 'Gamma' }, { id: 'd', label: 'Delta' }];
  const quizId = 'quiz-1';
  const questions = Array.from({ length: 50 }, (_, i) => ({ id: `qq${i}`, prompt: `Question ${i + 1}?`, options, correctOptionId: options[i % 4]?.id ?? 'a', timeLimitMs: 10_000, points: 1000 }));
  await host.must('quiz.create', { quizId, title: 'Warm-up quiz', questions });
  let lastPoll: string | null = null;
  let nextPollAt = 0;
  let nextQuizAt = o.quizEveryMs / 2;
  let quizRevealAt = Infinity;
  const start = Date.now();
  while (!o.signal.aborted) {
    const t = Date.now() - start;
    if (t >= nextPollAt) {
      if (lastPoll) await host.must('poll.close', { pollId: lastPoll });
      const pollId = `poll-${out.polls.length + 1}`;
      const kind = kinds[out.polls.length % kinds.length] ?? 'single';
      await host.must('poll.create', { pollId, question: `Poll ${out.polls.length + 1}?`, kind, ...(kind === 'wordcloud' ? {} : { options }) });
      await host.must('poll.open', { pollId });
      out.polls.push(pollId);
      lastPoll = pollId;
      nextPollAt = t + o.pollEveryMs;
    }
    if (t >= nextQuizAt && out.quizQuestions < questions.length) {
      await host.must('quiz.next', { quizId });
      out.quizQuestions++;
      quizRevealAt = t + 10_500;
      nextQuizAt = t + o.quizEveryMs;
    }
    if (t >= quizRevealAt) {
      await host.must('quiz.reveal', { quizId });
      quizRevealAt = Infinity;
    }
    await host.must('chat.send', { messageId: `host-${out.chats}`, text: `Host note ${out.chats}` });
    out.chats++;
    await sleep(o.chatEveryMs, o.signal);
  }
  return out;
}
