/** P30 in the reducer: stream viewers vote until the close plus the delay, and their quiz clock starts the delay late. */
import { describe, expect, it } from 'vitest';
import { staffView } from '../../src/shared/domain';
import { AUDIENCE_IDS, Folder, LogBuilder } from './arbitraries';

const DELAY = 3_000;
const [roomViewer, streamViewer] = AUDIENCE_IDS as readonly string[] as [string, string];
const stream = { watching: 'stream' as const };

function event(delay = DELAY): { f: Folder; log: LogBuilder } {
  const f = new Folder();
  const log = new LogBuilder();
  expect(f.push(log.host('event.update', { settings: { streamDelayMs: delay } }))).toBe(true);
  return { f, log };
}

function openPoll(f: Folder, log: LogBuilder, durationMs?: number): void {
  const poll = { pollId: 'p', question: 'Pick', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], ...(durationMs ? { durationMs } : {}) };
  expect(f.push(log.host('poll.create', poll))).toBe(true);
  expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe(true);
}
const vote = (log: LogBuilder, who: string, extra = {}) => log.aud(who, 'vote.cast', { pollId: 'p', optionIds: ['a'] }, extra);

describe('P30 stream delay in the reducer', () => {
  it('after the host closes, a stream viewer’s ballot counts for the delay; a room viewer’s does not', () => {
    const { f, log } = event();
    openPoll(f, log);
    log.advance(1_000);
    expect(f.push(log.host('poll.close', { pollId: 'p' }))).toBe(true);
    log.advance(DELAY - 1);
    expect(f.push(vote(log, roomViewer))).toBe('poll_not_open');
    expect(f.push(vote(log, streamViewer, stream))).toBe(true);
    log.advance(2);
    expect(f.push(vote(log, AUDIENCE_IDS[2] as string, stream))).toBe('poll_not_open');
    expect(staffView(f.state).polls.p?.ballots).toBe(1);
  });

  it('a timed poll: the stream viewer’s window ends at closesAt plus the delay, even before the hub’s close lands', () => {
    const { f, log } = event();
    openPoll(f, log, 10_000);
    log.advance(10_000 + DELAY);
    expect(f.push(vote(log, streamViewer, stream))).toBe(true);
    expect(f.push(vote(log, roomViewer))).toBe('poll_not_open');
    log.advance(1);
    expect(f.push(vote(log, AUDIENCE_IDS[2] as string, stream))).toBe('poll_not_open');
  });

  it('without a delay, a stream claim changes nothing; reopening clears the old close', () => {
    const { f, log } = event(0);
    openPoll(f, log);
    expect(f.push(log.host('poll.close', { pollId: 'p' }))).toBe(true);
    expect(f.push(vote(log, streamViewer, stream))).toBe('poll_not_open');
    expect(f.push(log.host('poll.open', { pollId: 'p' }))).toBe(true);
    expect(f.push(vote(log, streamViewer, stream))).toBe(true);
  });

  it('a stream viewer who answers the delay after the opening scores as a room viewer answering at once', () => {
    const { f, log } = event();
    const q = { id: 'q1', prompt: '2+2?', options: [{ id: 'a', label: '4' }, { id: 'b', label: '5' }], correctOptionId: 'a', timeLimitMs: 10_000, points: 1_000 };
    expect(f.push(log.host('quiz.create', { quizId: 'z', title: 'Trivia', questions: [q] }))).toBe(true);
    expect(f.push(log.host('quiz.next', { quizId: 'z' }))).toBe(true);
    log.advance(500);
    expect(f.push(log.aud(roomViewer, 'quiz.answer', { quizId: 'z', questionId: 'q1', optionId: 'a' }))).toBe(true);
    log.advance(DELAY);
    expect(f.push(log.aud(streamViewer, 'quiz.answer', { quizId: 'z', questionId: 'q1', optionId: 'a' }, stream))).toBe(true);
    // Past the room's close but inside the stream's: a late room answer is refused, a stream one counts.
    log.advance(10_000 - 500 - DELAY + 100);
    expect(f.push(log.aud(AUDIENCE_IDS[2] as string, 'quiz.answer', { quizId: 'z', questionId: 'q1', optionId: 'a' }))).toBe('quiz_closed');
    expect(f.push(log.aud(AUDIENCE_IDS[3] as string, 'quiz.answer', { quizId: 'z', questionId: 'q1', optionId: 'b' }, stream))).toBe(true);
    expect(f.push(log.host('quiz.reveal', { quizId: 'z' }))).toBe(true);
    const board = staffView(f.state).quizzes.z?.leaderboard ?? [];
    const score = (id: string) => board.find((r) => r.clientId === id)?.score;
    expect(score(streamViewer)).toBe(score(roomViewer));
    expect(score(streamViewer)).toBeGreaterThan(0);
  });
});
