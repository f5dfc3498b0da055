/**
 * P14 with a bounded memory (issue 11): the hub keeps the not-applied reasons of recent serials
 * only; a duplicate of an older entry is still acked with the original outcome, found by folding
 * the log again. EventRuntime over a real EmbeddedEngine on real files; the window is set to 4.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendInput, EventMeta } from '../../src/hub/engine/engine';
import { EventRuntime } from '../../src/hub/event-runtime';
import { NotAppliedWindow, Refolder } from '../../src/hub/not-applied';
import { initialState } from '../../src/shared/domain';
import { openEmbedded, tempDataDir } from '../engine/embedded-harness';

const META: EventMeta = { eventId: 'na', title: 'Not applied', joinCode: 'NA1234', createdAt: 1_700_000_000_000 };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const input = (clientId: string, id: string, name: string, data: unknown, role: AppendInput['role'] = 'host'): AppendInput => ({ clientId, id, name, data, role, author: null, ts: Date.now() });

describe('not-applied outcomes', () => {
  it('a duplicate of an entry older than the window gets the original applied:false and reason', async () => {
    const dir = tempDataDir('not-applied');
    const engine = await openEmbedded(dir);
    await engine.createEvent(META);
    const errors: unknown[] = [];
    const rt = await EventRuntime.open(engine, META, { node: 'n', syncHz: 10, onError: (e) => errors.push(e), onEnded: () => undefined, notAppliedWindow: 4 });
    cleanups.push(async () => {
      await rt.close();
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await rt.publish(input('h', 'mk', 'poll.create', { pollId: 'p', question: 'Q', kind: 'multiple', options: [{ id: 'a', label: 'A' }] }));
    await rt.publish(input('h', 'op', 'poll.open', { pollId: 'p' }));
    const vote = await rt.publish(input('v', 'v1', 'vote.cast', { pollId: 'p', optionIds: ['a'] }, 'audience'));
    await rt.publish(input('h', 'cl', 'poll.close', { pollId: 'p' }));
    const late = await rt.publish(input('v', 'v2', 'vote.cast', { pollId: 'p', optionIds: ['a'] }, 'audience'));
    expect(vote).toMatchObject({ applied: true, dup: false });
    expect(late).toMatchObject({ applied: false, reason: expect.any(String), dup: false });
    // The recent window still holds it...
    expect(await rt.publish(input('v', 'v2', 'vote.cast', {}, 'audience'))).toEqual({ ...late, dup: true });
    // ...then 10 entries later it is out of the window, and the answer comes from the log.
    for (let i = 0; i < 10; i++) await rt.publish(input('h', `c${i}`, 'chat.send', { messageId: `c${i}`, text: `m${i}` }));
    const [d1, d2] = await Promise.all([rt.publish(input('v', 'v2', 'vote.cast', {}, 'audience')), rt.publish(input('v', 'v1', 'vote.cast', {}, 'audience'))]);
    expect(d1).toEqual({ ...late, dup: true });
    expect(d2).toEqual({ ...vote, dup: true });
    expect(errors).toEqual([]);
  });

  it('a hostile client resending its old ids cannot keep the hub refolding the log: each old outcome is folded once, and folds rest between them (note 61)', async () => {
    const dir = tempDataDir('not-applied-flood');
    const engine = await openEmbedded(dir);
    await engine.createEvent(META);
    // Every refold reads the log from serial 1: count those passes.
    let folds = 0;
    const read = engine.read.bind(engine);
    engine.read = (eventId, from, limit) => {
      if (from === 1) folds++;
      return read(eventId, from, limit);
    };
    const rt = await EventRuntime.open(engine, META, { node: 'n', syncHz: 10, onError: () => undefined, onEnded: () => undefined, notAppliedWindow: 4 });
    cleanups.push(async () => {
      await rt.close();
      await engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const old: Array<Awaited<ReturnType<typeof rt.publish>>> = [];
    for (let i = 0; i < 5; i++) old.push(await rt.publish(input('v', `r${i}`, 'chat.send', { messageId: `r${i}`, text: 'hi' }, 'audience')));
    for (let i = 0; i < 10; i++) await rt.publish(input('h', `c${i}`, 'chat.send', { messageId: `c${i}`, text: `m${i}` }));
    const before = folds;
    // One old id, 30 times over (each a full fold of the log before): answered from the first fold.
    for (let n = 0; n < 30; n++) expect(await rt.publish(input('v', 'r0', 'chat.send', {}, 'audience'))).toEqual({ ...old[0], dup: true });
    expect(folds - before).toBe(1);
    // Its other old ids, asked together, cost one more fold (after the rest).
    const rest = await Promise.all([1, 2, 3, 4].map((i) => rt.publish(input('v', `r${i}`, 'chat.send', {}, 'audience'))));
    rest.forEach((r, k) => expect(r).toEqual({ ...old[k + 1], dup: true }));
    expect(folds - before).toBe(2);
  });

  it('folds for old duplicates rest at least 9x their own duration (and 1 s) between them: the refolds take at most a tenth of the hub (note 61)', async () => {
    let t = 0;
    const rests: number[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => void (ms > 0 && rests.push(ms)) };
    // Each page read "takes" 200 ms on this clock: a fold of 3 pages takes 600 ms.
    const log = Array.from({ length: 2_500 }, (_, i) => ({ serial: i + 1, clientId: 'h', id: `e${i}`, name: 'nope', data: {}, role: 'host' as const, author: null, ts: 0 }));
    const refolder = new Refolder(
      async (from, limit) => {
        t += 200;
        return log.slice(from - 1, from - 1 + limit);
      },
      () => initialState({ eventId: 'x', title: 'x', createdAt: 0 }),
      clock,
    );
    await refolder.reasonOf(2_500);
    expect(rests).toEqual([]); // the first fold starts at once
    await Promise.all([refolder.reasonOf(2_400), refolder.reasonOf(2_300)]); // asked together: one fold
    expect(rests).toHaveLength(1);
    expect(rests[0]).toBeGreaterThanOrEqual(9 * 600);
  });

  it('the window holds at most `window` reasons however long the log grows', () => {
    const w = new NotAppliedWindow(100);
    for (let s = 1; s <= 100_000; s++) w.note(s, s % 2 ? 'poll closed' : null);
    expect(w.size).toBe(50);
    expect(w.lookup(99_999)).toBe('poll closed');
    expect(w.lookup(100_000)).toBeUndefined(); // applied
    expect(w.lookup(99_900)).toBeNull(); // older than the window: not remembered, ask the log
  });
});
