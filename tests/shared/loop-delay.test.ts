/**
 * The event-loop delay the hub's P23 load and the simulator report: Node's monitor counts its own
 * sampling interval in every sample, so an idle loop read ~50 ms and an idle hub's load 25%.
 * A real monitor on this process's loop: idle it reads well under the interval; a blocked loop
 * reads the block.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoopDelay } from '../../src/shared/node/loop-delay';
import { waitUntil } from '../helpers/wait';

let delay: LoopDelay | null = null;
afterEach(() => delay?.stop());

describe('LoopDelay', () => {
  it('reads the delay past the sampling interval: an idle loop well under it, a 300 ms block at least 200 ms', async () => {
    delay = new LoopDelay(50);
    const d = delay;
    expect(d.percentileMs(99)).toBe(0); // no sample yet
    await waitUntil(() => d.samples >= 10, 'ten samples of an idle loop', 30_000, 20);
    // The raw histogram's median is the 50 ms interval itself; the delay past it is small.
    expect(d.percentileMs(50)).toBeLessThan(25);
    d.reset();
    // A reset forgets the last wake-up too, so the first one after it only sets the mark.
    await waitUntil(() => d.samples >= 1, 'a sample after the reset', 30_000, 20);
    const seen = d.samples;
    const until = Date.now() + 300;
    while (Date.now() < until) {
      /* block the loop */
    }
    await waitUntil(() => d.samples > seen, 'a sample after the block', 30_000, 20);
    expect(d.percentileMs(100)).toBeGreaterThanOrEqual(200);
  });
});
