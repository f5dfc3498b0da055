/** Quizzes: timing, scoring, lag compensation, streaks, leaderboard (PROTOCOL.md section 6: quiz.*). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceView, selfView, staffView, type LogEntry } from '../../src/shared/domain';
import { answerScore, effectiveTime, MAX_RTT_MS } from '../../src/shared/domain/quizzes';
import { AUDIENCE_IDS, Folder, LogBuilder } from './arbitraries';

const LIMIT = 10_000;
const POINTS = 1_000;

function quiz(questions = 3, opts: { limit?: number; points?: number } = {}): { f: Folder; log: LogBuilder } {
  const f = new Folder();
  const log = new LogBuilder();
  const qs = Array.from({ length: questions }, (_, i) => ({
    id: `zq${i + 1}`,
    prompt: `Question ${i + 1}`,
    options: [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
      { id: 'c', label: 'C' },
    ],
    correctOptionId: 'a',
    timeLimitMs: opts.limit ?? LIMIT,
    points: opts.points ?? POINTS,
  }));
  expect(f.push(log.host('quiz.create', { quizId: 'z', title: 'Trivia', questions: qs }))).toBe(true);
  return { f, log };
}

const answer = (log: LogBuilder, who: string, questionId: string, optionId: string, rttMs?: number): LogEntry =>
  log.aud(who, 'quiz.answer', { quizId: 'z', questionId, optionId }, rttMs === undefined ? {} : { rttMs });
const staffQuiz = (f: Folder) => staffView(f.state).quizzes.z;
const scoreOf = (f: Folder, who: string) => selfView(f.state, who).quiz.score;

describe('quizzes', () => {
  it('create → draft; next opens question 1 with closesAt from the hub clock; reveal shows the distribution; end ends', () => {
    const { f, log } = quiz(2);
    expect(staffQuiz(f)).toMatchObject({ status: 'draft', currentIndex: null, current: null, leaderboard: [] });
    log.advance(500);
    expect(f.push(log.host('quiz.next', { quizId: 'z' }))).toBe(true);
    const opened = log.ts;
    expect(staffQuiz(f)).toMatchObject({
      status: 'running',
      currentIndex: 0,
      current: { questionId: 'zq1', openedAt: opened, closesAt: opened + LIMIT, answers: 0, revealed: false, distribution: null },
    });
    f.push(answer(log.advance(1_000), 'cid-aud-ann', 'zq1', 'a'));
    f.push(answer(log, 'cid-aud-bob', 'zq1', 'b'));
    expect(staffQuiz(f)?.current?.answers).toBe(2);
    expect(f.push(log.advance(1_000).host('quiz.reveal', { quizId: 'z' }))).toBe(true);
    expect(staffQuiz(f)?.current).toMatchObject({ revealed: true, closesAt: log.ts, distribution: { a: 1, b: 1, c: 0 } });
    expect(f.push(log.host('quiz.reveal', { quizId: 'z' }))).toBe('nothing_to_reveal');
    expect(f.push(answer(log, 'cid-aud-cyd', 'zq1', 'a'))).toBe('quiz_closed');
    expect(f.push(log.host('quiz.next', { quizId: 'z' }))).toBe(true);
    expect(f.push(log.host('quiz.next', { quizId: 'z' }))).toBe('no_more_questions');
    expect(f.push(log.host('quiz.end', { quizId: 'z' }))).toBe(true);
    expect(staffQuiz(f)?.status).toBe('ended');
    expect(f.push(log.host('quiz.next', { quizId: 'z' }))).toBe('quiz_ended');
    expect(f.push(log.host('quiz.end', { quizId: 'z' }))).toBe('quiz_ended');
    expect(f.push(log.host('quiz.next', { quizId: 'nope' }))).toBe('unknown_quiz');
  });

  it('answers are refused for a quiz not running, another question, or an unknown option', () => {
    const { f, log } = quiz(2);
    expect(f.push(answer(log, 'cid-aud-ann', 'zq1', 'a'))).toBe('quiz_closed');
    f.push(log.host('quiz.next', { quizId: 'z' }));
    expect(f.push(answer(log, 'cid-aud-ann', 'zq2', 'a'))).toBe('quiz_closed');
    expect(f.push(answer(log, 'cid-aud-ann', 'zq9', 'a'))).toBe('unknown_question');
    expect(f.push(answer(log, 'cid-aud-ann', 'zq1', 'd'))).toBe('bad_option');
    expect(f.push(log.host('quiz.create', { quizId: 'z', title: 'Again', questions: [] }))).toBe('invalid');
  });

  it('only the first answer of a client counts, whatever it answers next', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ who: fc.constantFrom(...AUDIENCE_IDS), opt: fc.constantFrom('a', 'b', 'c'), dt: fc.integer({ min: 0, max: 2_000 }) }), { minLength: 1, maxLength: 20 }), (answers) => {
        const { f, log } = quiz(1, { limit: 600_000 });
        f.push(log.host('quiz.next', { quizId: 'z' }));
        const opened = log.ts;
        const first = new Map<string, { opt: string; at: number }>();
        for (const a of answers) {
          const outcome = f.push(answer(log.advance(a.dt), a.who, 'zq1', a.opt));
          if (first.has(a.who)) expect(outcome).toBe('already_answered');
          else {
            expect(outcome).toBe(true);
            first.set(a.who, { opt: a.opt, at: log.ts });
          }
        }
        expect(staffQuiz(f)?.current?.answers).toBe(first.size);
        f.push(log.host('quiz.reveal', { quizId: 'z' }));
        for (const [who, { opt, at }] of first) expect(scoreOf(f, who)).toBe(opt === 'a' ? answerScore(POINTS, 600_000, at - opened) : 0);
      }),
      { numRuns: 200 },
    );
  });

  it('an answer after closesAt (on the lag-compensated clock) is refused as quiz_closed and scores 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 60_000 }), fc.integer({ min: 0, max: 120_000 }), fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }), (limit, late, rtt) => {
        const { f, log } = quiz(1, { limit });
        f.push(log.host('quiz.next', { quizId: 'z' }));
        const closesAt = log.ts + limit;
        log.advance(late);
        const outcome = f.push(answer(log, 'cid-aud-ann', 'zq1', 'a', rtt));
        const effective = log.ts - Math.min(rtt ?? 0, MAX_RTT_MS) / 2;
        expect(outcome).toBe(effective > closesAt ? 'quiz_closed' : true);
        f.push(log.host('quiz.reveal', { quizId: 'z' }));
        if (effective > closesAt) expect(scoreOf(f, 'cid-aud-ann')).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a correct answer never scores more than the question\'s points nor less than 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1_000, max: 600_000 }), fc.integer({ min: -1_000, max: 1_200_000 }), (points, limit, elapsed) => {
        const s = answerScore(points, limit, elapsed);
        expect(Number.isInteger(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(points);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 0, max: 3_000 }), (points, late, rtt) => {
        const { f, log } = quiz(1, { points });
        f.push(log.host('quiz.next', { quizId: 'z' }));
        f.push(answer(log.advance(late), 'cid-aud-ann', 'zq1', 'a', rtt));
        f.push(log.host('quiz.reveal', { quizId: 'z' }));
        const score = scoreOf(f, 'cid-aud-ann');
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(points);
      }),
      { numRuns: 200 },
    );
  });

  it('lag compensation never lets a later answer outscore an earlier one from the same RTT', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 12_000 }),
        fc.integer({ min: 0, max: 12_000 }),
        fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
        (t1, gap, rtt) => {
          const { f, log } = quiz(1);
          f.push(log.host('quiz.next', { quizId: 'z' }));
          const early = f.push(answer(log.advance(t1), 'cid-aud-ann', 'zq1', 'a', rtt));
          const late = f.push(answer(log.advance(gap), 'cid-aud-bob', 'zq1', 'a', rtt));
          f.push(log.host('quiz.reveal', { quizId: 'z' }));
          const a = early === true ? scoreOf(f, 'cid-aud-ann') : 0;
          const b = late === true ? scoreOf(f, 'cid-aud-bob') : 0;
          expect(b).toBeLessThanOrEqual(a);
          // And the pure rule: monotone non-increasing in the hub's receive time.
          const opened = 0;
          const s1 = answerScore(POINTS, LIMIT, effectiveTime(t1, rtt, opened) - opened);
          const s2 = answerScore(POINTS, LIMIT, effectiveTime(t1 + gap, rtt, opened) - opened);
          expect(s2).toBeLessThanOrEqual(s1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('half the RTT is forgiven, capped at 2 s of RTT, never before the question opened', () => {
    expect(effectiveTime(5_000, 400, 0)).toBe(4_800);
    expect(effectiveTime(5_000, 9_000, 0)).toBe(4_000);
    expect(effectiveTime(5_000, 400, 4_900)).toBe(4_900);
    expect(effectiveTime(5_000, undefined, 0)).toBe(5_000);
    expect(effectiveTime(5_000, Number.NaN, 0)).toBe(5_000);
    expect(effectiveTime(5_000, -300, 0)).toBe(5_000);
    // Full points at once, half at the deadline.
    expect(answerScore(1_000, 10_000, 0)).toBe(1_000);
    expect(answerScore(1_000, 10_000, 5_000)).toBe(750);
    expect(answerScore(1_000, 10_000, 10_000)).toBe(500);
  });

  it('scores and streaks stay hidden until reveal; the leaderboard adds the streak bonus for consecutive correct answers', () => {
    const { f, log } = quiz(4);
    const round = (ann: string | null, bob: string | null) => {
      f.push(log.host('quiz.next', { quizId: 'z' }));
      const q = staffQuiz(f)?.current?.questionId as string;
      if (ann) f.push(answer(log, 'cid-aud-ann', q, ann));
      if (bob) f.push(answer(log, 'cid-aud-bob', q, bob));
      expect(selfView(f.state, 'cid-aud-ann').quiz.score).toBe(before);
      f.push(log.host('quiz.reveal', { quizId: 'z' }));
    };
    let before = 0;
    round('a', 'a'); // both correct, instantly: 1000 each, streak 1
    before = 1_000;
    round('a', 'b'); // ann streak 2: +1000 +100 bonus; bob wrong: streak 0
    before = 2_100;
    round('a', null); // ann streak 3: +1000 +200; bob did not answer
    before = 3_300;
    round(null, 'a'); // ann missed a revealed question: streak lost; bob streak 1
    expect(staffQuiz(f)?.leaderboard).toEqual([
      { clientId: 'cid-aud-ann', name: 'Ann', score: 3_300, streak: 0 },
      { clientId: 'cid-aud-bob', name: 'Bob', score: 2_000, streak: 1 },
    ]);
    expect(selfView(f.state, 'cid-aud-ann').quiz).toEqual({ score: 3_300, rank: 1, streak: 0 });
    expect(selfView(f.state, 'cid-aud-bob').quiz).toEqual({ score: 2_000, rank: 2, streak: 1 });
  });

  it('the streak bonus stops growing after 6 consecutive correct answers', () => {
    const { f, log } = quiz(8, { points: 100 });
    for (let i = 0; i < 8; i++) {
      f.push(log.host('quiz.next', { quizId: 'z' }));
      f.push(answer(log, 'cid-aud-ann', `zq${i + 1}`, 'a'));
      f.push(log.host('quiz.reveal', { quizId: 'z' }));
    }
    // 8 x 100 points + bonus steps 0,1,2,3,4,5,5,5 x round(100 * 0.1)
    expect(selfView(f.state, 'cid-aud-ann').quiz).toEqual({ score: 800 + 250, rank: 1, streak: 8 });
  });

  it('quiz.next and quiz.end on an unrevealed question reveal it first, so its answers still count', () => {
    const { f, log } = quiz(2);
    f.push(log.host('quiz.next', { quizId: 'z' }));
    f.push(answer(log, 'cid-aud-ann', 'zq1', 'a'));
    f.push(log.host('quiz.next', { quizId: 'z' }));
    expect(staffQuiz(f)?.questions[0]?.revealed).toBe(true);
    expect(scoreOf(f, 'cid-aud-ann')).toBe(POINTS);
    f.push(answer(log, 'cid-aud-ann', 'zq2', 'a'));
    f.push(log.host('quiz.end', { quizId: 'z' }));
    expect(scoreOf(f, 'cid-aud-ann')).toBe(2 * POINTS + 100);
    expect(staffQuiz(f)?.current?.revealed).toBe(true);
  });

  it('the leaderboard is sorted by score, then name, then clientId; the audience sees the top 10 without clientIds', () => {
    const { f, log } = quiz(1, { limit: 600_000 });
    f.push(log.host('quiz.next', { quizId: 'z' }));
    const players = Array.from({ length: 14 }, (_, i) => `cid-player-${String(i).padStart(2, '0')}`);
    players.forEach((who, i) => f.push(log.entry(who, 'audience', 'quiz.answer', { quizId: 'z', questionId: 'zq1', optionId: i % 3 === 0 ? 'b' : 'a' }, { author: i % 2 ? 'Zed' : 'Amy' })));
    f.push(log.host('quiz.reveal', { quizId: 'z' }));
    const board = staffQuiz(f)?.leaderboard ?? [];
    expect(board).toHaveLength(14);
    const sorted = [...board].sort((x, y) => y.score - x.score || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0) || (x.clientId < y.clientId ? -1 : 1));
    expect(board).toEqual(sorted);
    const top = audienceView(f.state).quizzes.z?.leaderboard ?? [];
    expect(top).toEqual(board.slice(0, 10).map(({ name, score, streak }) => ({ name, score, streak })));
    expect(selfView(f.state, board[12]?.clientId as string).quiz.rank).toBe(13);
  });

  it('self rank is null before the client took part, then comes from the most recently started quiz it played', () => {
    const { f, log } = quiz(1);
    expect(f.push(log.host('quiz.create', { quizId: 'y', title: 'Second', questions: [{ id: 'yq', prompt: 'P', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], correctOptionId: 'b', timeLimitMs: 10_000, points: 10 }] }))).toBe(true);
    expect(selfView(f.state, 'cid-aud-ann').quiz).toEqual({ score: 0, rank: null, streak: 0 });
    f.push(log.host('quiz.next', { quizId: 'z' }));
    f.push(answer(log, 'cid-aud-ann', 'zq1', 'a'));
    expect(selfView(f.state, 'cid-aud-ann').quiz.rank).toBeNull();
    f.push(log.host('quiz.reveal', { quizId: 'z' }));
    expect(selfView(f.state, 'cid-aud-ann').quiz).toEqual({ score: POINTS, rank: 1, streak: 1 });
    f.push(log.host('quiz.next', { quizId: 'y' }));
    f.push(log.aud('cid-aud-ann', 'quiz.answer', { quizId: 'y', questionId: 'yq', optionId: 'a' }));
    f.push(log.aud('cid-aud-bob', 'quiz.answer', { quizId: 'y', questionId: 'yq', optionId: 'b' }));
    f.push(log.host('quiz.reveal', { quizId: 'y' }));
    expect(selfView(f.state, 'cid-aud-ann').quiz).toEqual({ score: 0, rank: 2, streak: 0 });
  });

  it('P21 the audience sees a quiz question\'s correct option only once it is revealed', () => {
    const { f, log } = quiz(2);
    f.push(log.host('quiz.next', { quizId: 'z' }));
    const hidden = audienceView(f.state).quizzes.z?.questions ?? [];
    expect(hidden.every((q) => !('correctOptionId' in q))).toBe(true);
    expect(staffQuiz(f)?.questions.every((q) => q.correctOptionId === 'a')).toBe(true);
    f.push(log.host('quiz.reveal', { quizId: 'z' }));
    const shown = audienceView(f.state).quizzes.z?.questions ?? [];
    // The revealed question shows its answer; the next one is not shown before it opens.
    expect(shown.map((q) => q.correctOptionId)).toEqual(['a']);
    f.push(log.host('quiz.next', { quizId: 'z' }));
    const next = audienceView(f.state).quizzes.z?.questions ?? [];
    expect(next.map((q) => q.correctOptionId)).toEqual(['a', undefined]);
  });

  it('P21 a draft quiz and a draft poll are not in the audience view until they start', () => {
    const { f, log } = quiz(2);
    expect(audienceView(f.state).quizzes.z).toBeUndefined();
    f.push(log.host('poll.create', { pollId: 'p', question: 'Later?', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }));
    expect(audienceView(f.state).polls.p).toBeUndefined();
    f.push(log.host('poll.open', { pollId: 'p' }));
    expect(audienceView(f.state).polls.p?.question).toBe('Later?');
    f.push(log.host('quiz.next', { quizId: 'z' }));
    expect(audienceView(f.state).quizzes.z?.questions).toHaveLength(1);
  });
});
