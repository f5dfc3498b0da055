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
});
