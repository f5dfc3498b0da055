/**
 * P14 with a bounded memory (issue 11): the hub keeps the not-applied reasons of recent serials
 * only; a duplicate of an older entry is still acked with the original outcome, found by folding
 * the log again. EventRuntime over a real EmbeddedEngine on real files; the window is set to 4.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppendInput, EventMeta } from '../../src/hub/engine/engine';
import { EventRuntime } from '../../src/hub/event-runtime';
import { NotAppliedWindow } from '../../src/hub/not-applied';
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

  it('the window holds at most `window` reasons however long the log grows', () => {
    const w = new NotAppliedWindow(100);
    for (let s = 1; s <= 100_000; s++) w.note(s, s % 2 ? 'poll closed' : null);
    expect(w.size).toBe(50);
    expect(w.lookup(99_999)).toBe('poll closed');
    expect(w.lookup(100_000)).toBeUndefined(); // applied
    expect(w.lookup(99_900)).toBeNull(); // older than the window: not remembered, ask the log
  });
});
