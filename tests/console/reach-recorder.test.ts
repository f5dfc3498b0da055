/** Issue 14.11: the console's record of P27 reach per cue and quiz question, in a real data folder. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentQuestionOf, REACH_FILE, ReachRecorder } from '../../src/main/core/report/reach-recorder';
import type { StatsFrame } from '../../src/shared/protocol';
import { tempDir } from '../helpers/hub-process';

const frame = (ts: number, current: number, subscribers: number, cues: Record<string, number>): StatsFrame =>
  ({
    t: 'stats',
    ts,
    node: 'n1',
    nodes: [],
    connections: {},
    audienceOnline: subscribers,
    framesInPerSec: 0,
    framesOutPerSec: 0,
    ackLatencyMs: { p50: 0, p99: 0 },
    loopLagP99Ms: 0,
    heapMB: 0,
    rssMB: 0,
    cpuPct: 0,
    load: 0,
    delivery: { audience: { subscribers, reported: subscribers, current, atCurrent: 0, lagMs: { p50: 0, p99: 0 }, cues } },
  }) as StatsFrame;

const staffDoc = (questionId: string) => ({ event: {}, polls: {}, questions: {}, quizzes: { z: { status: 'running', current: { questionId } } } });

describe('ReachRecorder', () => {
  it('keeps each cue’s best count, per question only from a caught-up view, and reloads it for the same event only', async () => {
    const dir = tempDir('reach');
    const r = new ReachRecorder(dir, 'evt1');
    // The console's view at serial 9, on question k1.
    let view = { serial: 9, doc: staffDoc('k1') };
    const question = (quizId: string, serial: number) => currentQuestionOf(view, quizId, serial);
    // Frames come through JSON.parse: "__proto__" is then a key like any other.
    const cues = (json: string): Record<string, number> => JSON.parse(json) as Record<string, number>;
    r.observe(frame(1_000, 9, 5, cues('{"__proto__":3,"z":4}')), question);
    r.observe(frame(2_000, 9, 6, cues('{"__proto__":2,"z":5}')), question);
    // The hub moved to k2 at serial 12; this console's view has not: the count is not k1's.
    r.observe(frame(3_000, 12, 6, { z: 6 }), question);
    view = { serial: 12, doc: staffDoc('k2') };
    r.observe(frame(4_000, 12, 6, { z: 6 }), question);
    expect(r.reach.cues.get('__proto__')).toEqual({ reached: 3, subscribers: 5, at: 1_000 });
    expect(r.reach.cues.get('z')).toEqual({ reached: 6, subscribers: 6, at: 3_000 });
    expect([...(r.reach.questions.get('z') ?? [])]).toEqual([
      ['k1', { reached: 5, subscribers: 6, at: 2_000 }],
      ['k2', { reached: 6, subscribers: 6, at: 4_000 }],
    ]);
    expect(r.reach.cues.get('constructor')).toBeUndefined();
    await r.close();

    const again = new ReachRecorder(dir, 'evt1');
    expect(again.reach).toEqual(r.reach);
    await again.close();
    expect(new ReachRecorder(dir, 'evt2').reach.cues.size).toBe(0);
    // A torn file is a fresh start, not an error.
    fs.writeFileSync(path.join(dir, REACH_FILE), '{"eventId":"evt1","cues":{"z":');
    expect(new ReachRecorder(dir, 'evt1').reach.cues.size).toBe(0);
  });
});
