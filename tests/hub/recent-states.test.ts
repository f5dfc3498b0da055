/**
 * Issue 18: resume's recent states are checkpoints plus the entries after them, folded on demand
 * (src/hub/recent-states.ts). Whatever the pages and checkpoints, the state at each of the last
 * `window` serials equals the per-entry fold at that serial, and no older serial is answered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchFold, type EventState } from '../../src/shared/domain';
import { RecentStates } from '../../src/hub/recent-states';
import { arbLog, foldLog } from '../domain/arbitraries';

describe('RecentStates', () => {
  it('answers every serial of the window with the per-entry state, across pages, checkpoints and pruning', () => {
    fc.assert(
      fc.property(arbLog(80), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 5 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (log, window, pages, checkpoints) => {
        const expected = foldLog(log);
        const recent = new RecentStates(window);
        const fold = new BatchFold(expected[0] as EventState);
        recent.checkpoint(0, fold.publish());
        const published: Array<[number, string]> = [];
        let at = 0;
        for (let i = 0; at < log.length; i++) {
          const page = log.slice(at, at + (pages[i % pages.length] as number));
          fold.fold(page);
          recent.add(page);
          at += page.length;
          if (checkpoints[i % checkpoints.length]) {
            const s = fold.publish();
            recent.checkpoint(at, s);
            published.push([at, JSON.stringify(s)]);
          }
          for (let serial = Math.max(0, at - window - 3); serial <= at; serial++) {
            const got = recent.at(serial);
            if (serial > at - window) expect(got, `serial ${serial} of ${at}`).toEqual(expected[serial]);
            else expect(got).toBeUndefined();
          }
        }
        // Folding on demand from a checkpoint never wrote into it.
        for (const [serial, json] of published) if (serial > at - window) expect(JSON.stringify(recent.at(serial))).toBe(json);
      }),
      { numRuns: 100 },
    );
  });
  it('keeps the serial a storm keeps asking for: the least recently asked state goes first, not the oldest folded', () => {
    const log = fc.sample(arbLog(120), { numRuns: 50, seed: 18 }).find((l) => l.length >= 40);
    if (!log) throw new Error('no sample log of 40 entries');
    const recent = new RecentStates(log.length);
    recent.checkpoint(0, new BatchFold(foldLog([])[0] as EventState).publish());
    recent.add(log);
    const hot = recent.at(1) as EventState;
    // 20 other serials (more than the cache holds), each followed by the hot one again.
    for (let serial = 2; serial < 22; serial++) {
      recent.at(serial);
      expect(recent.at(1), `after serial ${serial}`).toBe(hot); // the same object: not folded again
    }
    expect(recent.at(21)).toEqual(foldLog(log)[21]);
  });
});
