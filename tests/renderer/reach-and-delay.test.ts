/** The console's P27 reach warning (held 5 s, plus the stream delay) and P30 delay measuring, on plain inputs. */
import { describe, expect, it } from 'vitest';
import type { DeliveryStats, WireEntry } from '../../src/shared/protocol';
import { ReachWatch } from '../../src/renderer/src/store/metrics/reach-watch';
import { cueChangeBetween, cueChangePage, lastCueChange, proposeDelay } from '../../src/renderer/src/store/stream-delay-mark';
import type { StaffView } from '../../src/shared/domain/types';

const stats = (cues: Record<string, number>, subscribers = 100): DeliveryStats => ({ subscribers, reported: subscribers, current: 9, atCurrent: 0, lagMs: { p50: 0, p99: 0 }, cues });

describe('ReachWatch', () => {
  it('warns only after more than 5 s below 95%, names the worst cue, and clears on recovery', () => {
    const w = new ReachWatch();
    expect(w.observe(stats({ p: 94, q: 50 }), 0)).toBeNull();
    expect(w.observe(stats({ p: 94, q: 50 }), 5_000)).toBeNull();
    expect(w.observe(stats({ p: 94, q: 50 }), 5_001)).toMatchObject({ cueId: 'q', shown: 50, of: 100, belowSince: 0 });
    expect(w.observe(stats({ p: 94, q: 95 }), 6_000)).toMatchObject({ cueId: 'p' });
    expect(w.observe(stats({ p: 96 }), 7_000)).toBeNull();
    // Dipping again starts a new 5 s.
    expect(w.observe(stats({ p: 10 }), 8_000)).toBeNull();
    expect(w.observe(stats({ p: 10 }), 13_001)).toMatchObject({ belowSince: 8_000 });
  });

  it('gives stream viewers the delay, and says nothing without subscribers', () => {
    const w = new ReachWatch();
    expect(w.observe(stats({ p: 0 }), 0, 3_000)).toBeNull();
    expect(w.observe(stats({ p: 0 }), 8_000, 3_000)).toBeNull();
    expect(w.observe(stats({ p: 0 }), 8_001, 3_000)).not.toBeNull();
    expect(w.observe(stats({ p: 0 }, 0), 9_000, 3_000)).toBeNull();
  });
});

describe('stream delay mark', () => {
  const entry = (serial: number, name: string, ts: number): WireEntry => ({ serial, name, ts, clientId: 'h', id: `e${serial}`, data: {} });

  it('takes the newest cue change, not votes or chat after it', () => {
    const log = [entry(1, 'poll.open', 100), entry(2, 'poll.reveal', 200), entry(3, 'vote.cast', 300), entry(4, 'chat.send', 400)];
    expect(lastCueChange(log)?.serial).toBe(2);
    expect(lastCueChange([entry(1, 'vote.cast', 1)])).toBeNull();
  });

  it('proposes the press less the change, to a tenth of a second, within 0-60 s', () => {
    expect(proposeDelay(10_000, 18_449)).toEqual({ ok: true, delayMs: 8_400 });
    expect(proposeDelay(10_000, 10_000)).toEqual({ ok: true, delayMs: 0 });
    expect(proposeDelay(10_000, 9_000)).toMatchObject({ ok: false });
    expect(proposeDelay(0, 60_001)).toMatchObject({ ok: false, message: expect.stringMatching(/60 s/) });
  });
});

describe('15.3 the stream-delay mark without the log stream', () => {
  const poll = (status: string, resultsVisible = false) => ({ id: 'p', status, resultsVisible });
  const quiz = (status: string, currentIndex: number | null, revealed = false) => ({ id: 'z', status, currentIndex, current: currentIndex === null ? null : { questionId: `q${currentIndex}`, revealed } });
  const v = (polls: object[], quizzes: object[] = []): StaffView => ({ polls: Object.fromEntries(polls.map((p) => ['p', p])), quizzes: Object.fromEntries(quizzes.map((q) => ['z', q])) }) as unknown as StaffView;

  it('names the cue change between two views as the log would, and nothing for a vote', () => {
    expect(cueChangeBetween(v([poll('draft')]), v([poll('open')]))).toBe('poll.open');
    expect(cueChangeBetween(v([]), v([poll('open')]))).toBe('poll.open'); // created and opened within one sync
    expect(cueChangeBetween(v([]), v([poll('draft')]))).toBeNull();
    expect(cueChangeBetween(v([poll('open')]), v([poll('open', true)]))).toBe('poll.reveal');
    expect(cueChangeBetween(v([poll('open')]), v([poll('closed')]))).toBe('poll.close');
    expect(cueChangeBetween(v([poll('open')]), v([poll('open')]))).toBeNull();
    expect(cueChangeBetween(v([], [quiz('draft', null)]), v([], [quiz('running', 0)]))).toBe('quiz.next');
    expect(cueChangeBetween(v([], [quiz('running', 0)]), v([], [quiz('running', 1)]))).toBe('quiz.next');
    expect(cueChangeBetween(v([], [quiz('running', 1)]), v([], [quiz('running', 1, true)]))).toBe('quiz.reveal');
    expect(cueChangeBetween(v([], [quiz('running', 1, true)]), v([], [quiz('ended', 1, true)]))).toBe('quiz.end');
  });

  it('reads the one log page that holds the change, at most 1,000 entries ending at the view that showed it', () => {
    expect(cueChangePage({ name: 'poll.open', after: 40, serial: 43, seenAt: 0 })).toEqual({ from: 41, limit: 3 });
    expect(cueChangePage({ name: 'poll.open', after: 0, serial: 5_000, seenAt: 0 })).toEqual({ from: 4_001, limit: 1_000 });
    const entry = (serial: number, name: string, ts: number): WireEntry => ({ serial, name, ts, clientId: 'h', id: `e${serial}`, data: {} });
    const page = [entry(41, 'vote.cast', 1), entry(42, 'poll.open', 2), entry(43, 'vote.cast', 3)];
    expect(lastCueChange(page)?.ts).toBe(2);
  });
});
