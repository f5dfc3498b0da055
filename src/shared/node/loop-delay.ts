/**
 * Event-loop delay in milliseconds. Node's monitorEventLoopDelay records the time between its
 * timer's wake-ups, the sampling interval included, so an idle loop reads about `resolutionMs`
 * (about 50 ms at the hub's 50 ms sampling, which made an idle hub's P23 load 25%). This reports
 * the delay past the interval: what a frame waiting on the loop actually waits.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export class LoopDelay {
  private readonly histogram: IntervalHistogram;

  constructor(readonly resolutionMs: number) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  /** Wake-ups sampled since the last reset. */
  get samples(): number {
    return this.histogram.count;
  }

  /** The p-th percentile (0-100) of the delay since the last reset, ms; 0 before any sample. */
  percentileMs(p: number): number {
    if (this.histogram.count === 0) return 0;
    return Math.max(0, this.histogram.percentile(p) / 1e6 - this.resolutionMs);
  }

  reset(): void {
    this.histogram.reset();
  }

  stop(): void {
    this.histogram.disable();
  }
}
