/** Issue 14.11: the post-event report's fold of a whole log: what it adds to the views, entry by entry. */
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/shared/domain';
import { downsample, ReportFold } from '../../src/shared/report/report-fold';
import type { CueReach, RecordedReach } from '../../src/shared/report/report-types';
import { LogBuilder, STAFF_IDS, START_TS } from './arbitraries';

const [ANN, BOB, CYD] = ['cid-aud-ann', 'cid-aud-bob', 'cid-aud-cyd'] as const;
const opts = [
  { id: 'a', label: 'Yes' },
  { id: 'b', label: 'No' },
];

const NO_REACH: RecordedReach = { cues: new Map(), questions: new Map() };
const seen = (reached: number, subscribers: number): CueReach => ({ reached, subscribers, at: START_TS });

function fold(entries: LogEntry[], reach = NO_REACH) {
  const f = new ReportFold({ eventId: 'evt', title: 'Night', createdAt: START_TS });
  // Pages as the hub gives them, overlapping once: an entry seen twice counts once.
  f.add(entries.slice(0, 5));
  f.add(entries.slice(3));
  return f.result({ joinCode: 'ABCDEF', reach, generatedAt: START_TS + 99_000 });
}

describe('ReportFold', () => {
  it('poll times: first opening, the close of the last opening (also by the event’s end), and how often it opened', () => {
    const log = new LogBuilder();
    const entries = [
      log.host('poll.create', { pollId: 'p1', question: 'Again?', kind: 'single', options: opts }),
      log.advance(1_000).host('poll.open', { pollId: 'p1' }),
      log.aud(ANN, 'vote.cast', { pollId: 'p1', optionIds: ['a'] }),
      log.advance(1_000).host('poll.close', { pollId: 'p1' }),
      log.aud(BOB, 'vote.cast', { pollId: 'p1', optionIds: ['b'] }), // refused: closed, but Bob took part
      log.advance(1_000).host('poll.open', { pollId: 'p1' }),
      log.advance(1_000).host('event.update', { status: 'ended' }),
    ];
    const r = fold(entries, { cues: new Map([['p1', seen(2, 3)]]), questions: new Map() });
    expect(r.polls).toHaveLength(1);
    expect(r.polls[0]).toMatchObject({ openedAt: START_TS + 1_000, closedAt: START_TS + 4_000, opens: 2, reach: { reached: 2, subscribers: 3 } });
    expect(r.polls[0]?.poll).toMatchObject({ status: 'closed', ballots: 1, tallies: { a: 1, b: 0 } });
    expect(r.participation).toMatchObject({ uniqueParticipants: 2, voters: 1 });
    expect(r.event).toMatchObject({ status: 'ended', joinCode: 'ABCDEF', firstAt: START_TS, lastAt: START_TS + 4_000, serial: entries.length });
  });

  it('audience online: a step series from none at the first entry to the last count at the last, with the peak and when', () => {
    const log = new LogBuilder();
    const entries = [
      log.host('event.update', { title: 'Night' }),
      log.advance(500).hub('hub.presence', { online: 3 }),
      log.advance(500).hub('hub.presence', { online: 5 }),
      log.advance(500).hub('hub.presence', { online: 2 }),
      log.advance(500).aud(ANN, 'reaction.send', { emoji: '👍' }),
    ];
    const p = fold(entries).participation;
    expect(p.online).toEqual([
      { t: START_TS, online: 0 },
      { t: START_TS + 500, online: 3 },
      { t: START_TS + 1_000, online: 5 },
      { t: START_TS + 1_500, online: 2 },
      { t: START_TS + 2_000, online: 2 },
    ]);
    expect(p).toMatchObject({ peakOnline: 5, peakAt: START_TS + 1_000, reactors: 1, reactions: 1, uniqueParticipants: 1 });
    // Thinning a long series keeps the peaks.
    const long = Array.from({ length: 5_000 }, (_, i) => ({ t: i, online: i === 2_345 ? 999 : i % 7 }));
    const thin = downsample(long, 600);
    expect(thin.length).toBeLessThanOrEqual(600);
    expect(Math.max(...thin.map((x) => x.online))).toBe(999);
  });

  it('quiz: each person’s answer per question with its points, ranked as the leaderboard, non-scorers after it', () => {
    const log = new LogBuilder();
    const q = (id: string) => ({ id, prompt: `Prompt ${id}`, options: opts, correctOptionId: 'a', timeLimitMs: 10_000, points: 1_000 });
    const entries = [
      log.host('quiz.create', { quizId: 'z', title: 'Trivia', questions: [q('k1'), q('k2')] }),
      log.advance(100).host('quiz.next', { quizId: 'z' }),
      log.aud(ANN, 'quiz.answer', { quizId: 'z', questionId: 'k1', optionId: 'a' }),
      log.advance(5_000).aud(BOB, 'quiz.answer', { quizId: 'z', questionId: 'k1', optionId: 'a' }),
      log.aud(CYD, 'quiz.answer', { quizId: 'z', questionId: 'k1', optionId: 'b' }),
      log.host('quiz.reveal', { quizId: 'z' }),
      log.advance(100).host('quiz.next', { quizId: 'z' }),
      log.aud(BOB, 'quiz.answer', { quizId: 'z', questionId: 'k2', optionId: 'b' }),
      log.host('quiz.end', { quizId: 'z' }),
    ];
    const quiz = fold(entries, { cues: new Map([['z', seen(3, 4)]]), questions: new Map([['z', new Map([['k2', seen(2, 4)]])]]) }).quizzes[0];
    expect(quiz?.reach).toEqual(seen(3, 4));
    expect(quiz?.questions.map((x) => x.reach)).toEqual([null, seen(2, 4)]);
    expect(quiz).toMatchObject({ title: 'Trivia', status: 'ended', startedAt: START_TS + 100, endedAt: START_TS + 5_200 });
    expect(quiz?.questions.map((x) => [x.id, x.answers, x.counts, x.openedAt])).toEqual([
      ['k1', 3, { a: 2, b: 1 }, START_TS + 100],
      ['k2', 1, { a: 0, b: 1 }, START_TS + 5_200],
    ]);
    const [first, second, third] = quiz?.players ?? [];
    expect(first).toMatchObject({ rank: 1, name: 'Ann', correct: 1, score: 1_000, answers: { k1: { optionId: 'a', correct: true, points: 1_000 } } });
    expect(second).toMatchObject({ rank: 2, name: 'Bob', correct: 1, answers: { k1: { correct: true, points: 750 }, k2: { optionId: 'b', correct: false, points: 0 } } });
    expect(third).toMatchObject({ rank: 3, name: 'Cyd', correct: 0, score: 0, answers: { k1: { optionId: 'b', correct: false } } });
    expect(third?.answers.k2).toBeUndefined();
  });

  it('ids anyone chose ("__proto__" for a question and an option) are keys like any other', () => {
    const log = new LogBuilder();
    const odd = [{ id: '__proto__', label: 'Odd' }, { id: 'b', label: 'Even' }];
    const entries = [
      log.host('quiz.create', { quizId: 'z', title: 'Odd', questions: [{ id: '__proto__', prompt: 'P?', options: odd, correctOptionId: '__proto__', timeLimitMs: 10_000, points: 100 }] }),
      log.host('quiz.next', { quizId: 'z' }),
      log.aud(ANN, 'quiz.answer', { quizId: 'z', questionId: '__proto__', optionId: '__proto__' }),
      log.host('quiz.reveal', { quizId: 'z' }),
    ];
    const quiz = fold(entries).quizzes[0];
    expect(Object.entries(quiz?.questions[0]?.counts ?? {})).toEqual([['__proto__', 1], ['b', 0]]);
    expect(Object.entries(quiz?.players[0]?.answers ?? {})).toEqual([['__proto__', { optionId: '__proto__', correct: true, points: 100 }]]);
  });

  it('Q&A: answered-at is the last time it was marked answered; the assignee’s name comes from their own entries', () => {
    const log = new LogBuilder();
    const entries = [
      log.aud(ANN, 'question.ask', { questionId: 'q1', text: 'Slides?' }),
      log.advance(1_000).aud(BOB, 'question.ask', { questionId: 'q2', text: 'Parking?', anonymous: true }),
      log.mod('question.moderate', { questionId: 'q1', status: 'approved' }),
      log.aud(CYD, 'question.upvote', { questionId: 'q1' }),
      log.advance(1_000).mod('question.moderate', { questionId: 'q1', status: 'answered' }),
      log.advance(1_000).mod('question.moderate', { questionId: 'q1', status: 'archived' }),
      log.host('question.assign', { questionId: 'q2', to: STAFF_IDS.host }),
    ];
    const qs = fold(entries).questions;
    expect(qs.map((x) => [x.id, x.status, x.upvotes, x.answeredAt, x.assigneeName])).toEqual([
      ['q1', 'archived', 1, START_TS + 2_000, null],
      ['q2', 'pending', 0, null, 'Hana Host'],
    ]);
    expect(qs[1]).toMatchObject({ authorName: null, assignee: STAFF_IDS.host, askedAt: START_TS + 1_000 });
  });
});
