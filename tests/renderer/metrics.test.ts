/** The live dashboard's sampler (issue 5.4): rates from successive views, latency windows, bounded rings. */
import { describe, expect, it } from 'vitest';
import { MetricsSampler } from '../../src/renderer/src/store/metrics/sampler';
import { Ring } from '../../src/renderer/src/store/metrics/ring';
import { jitter, percentile } from '../../src/renderer/src/store/metrics/percentiles';
import { SERIES_SECONDS } from '../../src/renderer/src/store/metrics/metric-row';
import type { StaffView } from '../../src/shared/domain/types';
import type { StatsFrame } from '../../src/shared/protocol/frames';

const doc = (ballots: number, reactions: number, questions: number, online = 10): StaffView =>
  ({
    event: { id: 'e', title: 't', status: 'live', settings: {} },
    polls: { p: { id: 'p', question: 'q', kind: 'single', options: [], status: 'open', resultsVisible: false, tallies: {}, ballots } },
    questions: Object.fromEntries(Array.from({ length: questions }, (_, i) => [`q${i}`, { id: `q${i}` }])),
    quizzes: {},
    reactions: { '👍': reactions },
    chat: [],
    audience: { online, peak: online + 2 },
  }) as unknown as StaffView;

const withCues = (polls: Record<string, number>, quizzes: Record<string, { id: string; current: { questionId: string; answers: number } }>): StaffView =>
  ({ ...doc(0, 0, 0), polls: Object.fromEntries(Object.entries(polls).map(([id, ballots]) => [id, { id, ballots }])), quizzes }) as unknown as StaffView;
const withChat = (stamps: number[]): StaffView => ({ ...doc(0, 0, 0), chat: stamps.map((ts, i) => ({ id: `m${i}`, authorName: null, role: 'audience', text: 'hi', ts })) }) as unknown as StaffView;

describe('metrics', () => {
  it('UI-8 a ring keeps the newest items only', () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.last(2)).toEqual([4, 5]);
    expect(r.latest()).toBe(5);
  });

  it('UI-8 percentiles and jitter', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([], 99)).toBeNull();
    expect(percentile([1, 2, 3, 4, 100], 99)).toBe(100);
    expect(jitter([10, 14, 10, 10])).toBeCloseTo(8 / 3);
  });

  it('UI-8 votes/s, reactions/s and questions/min come from successive views', () => {
    const s = new MetricsSampler();
    s.observeView(doc(0, 0, 0), 0);
    expect(s.tick(1000).votesPerSec).toBeNull();
    s.observeView(doc(40, 7, 2), 0);
    const r = s.tick(2000);
    expect(r).toMatchObject({ votesPerSec: 40, reactionsPerSec: 7, questionsPerMin: 2, online: 10, peak: 12 });
  });

  it('15.3 votes/s from the view alone: each poll’s and quiz question’s growth, never negative across a deleted poll or the next question', () => {
    const quiz = (questionId: string, answers: number) => ({ q: { id: 'q', current: { questionId, answers } } });
    const s = new MetricsSampler();
    s.observeView(withCues({ p: 10, old: 5 }, quiz('qq1', 30)), 0);
    s.tick(1000);
    // p +7, `old` deleted (not -5), the quiz question unchanged.
    s.observeView(withCues({ p: 17 }, quiz('qq1', 30)), 0);
    expect(s.tick(2000).votesPerSec).toBe(7);
    // The quiz moved on: the new question's 12 answers all count (not 12 - 30), a new poll's 3 too.
    s.observeView(withCues({ p: 17, n: 3 }, quiz('qq2', 12)), 0);
    expect(s.tick(3000).votesPerSec).toBe(15);
    // The same view a second later: nothing new.
    expect(s.tick(4000).votesPerSec).toBe(0);
    // Ballots added to the total without any per-vote log entry reaching the sampler.
    expect('observeLog' in s).toBe(false);
  });

  it('P27 audience lag p50/p99 and the share of phones reporting, from the delivery figures of a stats frame', () => {
    const s = new MetricsSampler();
    const base = { t: 'stats', ts: 0, node: 'n', nodes: [], connections: { audience: 200 }, audienceOnline: 200, framesInPerSec: 0, framesOutPerSec: 0, ackLatencyMs: { p50: 1, p99: 2 }, loopLagP99Ms: 1, heapMB: 1, rssMB: 1, cpuPct: 1, load: 0.1 };
    // A busy view: no phone is at the current serial (atCurrent 0), yet they are 0.4 s behind.
    const delivery = { audience: { subscribers: 200, reported: 150, current: 900, atCurrent: 0, lagMs: { p50: 420, p99: 980 }, cues: {} } };
    s.observeStats({ ...base, delivery } as StatsFrame, 900);
    const r = s.tick(1000);
    expect(r).toMatchObject({ audienceLagP50Ms: 420, audienceLagP99Ms: 980, reportingPct: 75 });
    expect('inSyncPct' in r).toBe(false);
    // Nobody subscribed: no figure, not 0.
    s.observeStats({ ...base, delivery: { audience: { ...delivery.audience, subscribers: 0, reported: 0 } } } as StatsFrame, 1900);
    expect(s.tick(2000)).toMatchObject({ audienceLagP50Ms: null, reportingPct: null });
  });

  it('UI-8 latency rows: RTT percentiles over the window, the hub’s ack latency and stats while fresh', () => {
    const s = new MetricsSampler();
    for (const [i, ms] of [10, 20, 30, 40, 200].entries()) s.observeRtt({ at: 500 + i, rttMs: ms });
    const stats = { t: 'stats', ts: 0, node: 'n', nodes: [], connections: { audience: 90, host: 1 }, audienceOnline: 90, framesInPerSec: 12.4, framesOutPerSec: 40, ackLatencyMs: { p50: 14, p99: 31.26 }, loopLagP99Ms: 3.33, heapMB: 1, rssMB: 1, cpuPct: 12.34, load: 0.456 } as StatsFrame;
    s.observeStats(stats, 900);
    const r = s.tick(1000);
    expect(r).toMatchObject({ rttP50: 30, rttP99: 200, ackMs: 14, ackP99Ms: 31.3, connections: 91, framesInPerSec: 12, cpuPct: 12.3, loadPct: 45.6 });
    const stale = s.tick(5000); // stats older than 3 s are not shown as current
    expect(stale.connections).toBeNull();
    expect(stale.ackMs).toBeNull();
  });

  it('15.3 sync lag from the view: a chat message new in a view, its hub stamp to the view’s arrival (hub clock)', () => {
    const s = new MetricsSampler();
    // The first view's messages are old news: no lag from them.
    s.observeView(withChat([1_000, 2_000]), 60_000);
    expect(s.tick(1).syncLagMs).toBeNull();
    s.observeView(withChat([1_000, 2_000, 10_000]), 10_120);
    expect(s.tick(2).syncLagMs).toBe(120);
    // The worst of the second; an unchanged view adds nothing.
    s.observeView(withChat([10_000, 20_000]), 20_080);
    s.observeView(withChat([10_000, 20_000, 20_050]), 20_300);
    s.observeView(withChat([10_000, 20_000, 20_050]), 21_000);
    expect(s.tick(3).syncLagMs).toBe(250);
    // A copy fetched after a gap only moves the mark.
    s.observeView(withChat([30_000]), 45_000, false);
    expect(s.tick(4).syncLagMs).toBeNull();
  });

  it('UI-8 the series is bounded to five minutes', () => {
    const s = new MetricsSampler();
    for (let i = 0; i < SERIES_SECONDS + 40; i++) s.tick(i * 1000);
    expect(s.rows.size).toBe(SERIES_SECONDS);
  });
});
